package io.archway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.archway.config.RouteConfig;
import io.archway.metrics.RouteSeries;
import io.archway.runtime.ChangeException;
import io.archway.runtime.Gateway;
import io.archway.runtime.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard at {@code GET /}: static HTML, CSS and JS from the jar, uPlot from its WebJar (no CDN),
 * and {@code GET /dashboard/data}, the JSON the page polls every second.
 */
final class Dashboard {
    private static final String OWN = "/io/archway/admin/dashboard/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", OWN + "index.html",
            "dashboard.js", OWN + "dashboard.js",
            "dashboard.css", OWN + "dashboard.css");
    private static final Map<String, String> UPLOT_FILES = Map.of(
            "uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js",
            "uPlot.min.css", UPLOT + "uPlot.min.css");

    private final Gateway gateway;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    Dashboard(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The WebJar's version, read from its Maven metadata so that the pom alone decides it. */
    private static String uplotVersion() {
        try (InputStream in = Dashboard.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "1.6.30");
            }
        } catch (IOException e) {
            // Fall through to the version the pom pins.
        }
        return "1.6.30";
    }

    AdminResponse page() throws ChangeException {
        return file("index.html");
    }

    AdminResponse file(String name) throws ChangeException {
        return resource(FILES.get(name), name);
    }

    AdminResponse uplot(String name) throws ChangeException {
        return resource(UPLOT_FILES.get(name), name);
    }

    private AdminResponse resource(String path, String name) throws ChangeException {
        if (path == null) {
            throw ChangeException.notFound(name);
        }
        byte[] body = cache.computeIfAbsent(path, p -> {
            try (InputStream in = Dashboard.class.getResourceAsStream(p)) {
                return in == null ? new byte[0] : in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        if (body.length == 0) {
            throw ChangeException.notFound(name + " is missing from the jar");
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : "text/css; charset=utf-8";
        return new AdminResponse(200, type, body, Map.of("Cache-Control", "no-cache"));
    }

    /** Routes with their last second, upstreams with their targets, and each route's series. */
    AdminResponse data() {
        Snapshot snap = gateway.snapshot();
        ObjectNode out = Json.object();
        out.put("time", System.currentTimeMillis() / 1000);
        out.put("version", gateway.config().version());
        out.put("active_connections", gateway.connections());
        out.put("in_flight", gateway.inFlight());
        ArrayNode routes = out.putArray("routes");
        ObjectNode series = out.putObject("series");
        for (RouteConfig r : snap.config().routes()) {
            ObjectNode o = routes.addObject();
            o.put("name", r.name());
            o.put("match", describe(r.match()));
            o.put("to", r.respond() != null ? "respond " + r.respond().status()
                    : String.join(", ", r.upstreams().stream().map(RouteConfig.WeightedUpstream::name).toList()));
            List<RouteSeries.Point> points = gateway.metrics().series(r.name());
            RouteSeries.Point last = points.isEmpty() ? null : points.get(points.size() - 1);
            number(o, "rate", last == null ? 0 : last.rate());
            number(o, "error_rate", last == null ? 0 : last.errorRate());
            number(o, "p50_ms", last == null ? Double.NaN : last.p50Millis());
            number(o, "p99_ms", last == null ? Double.NaN : last.p99Millis());
            if (!points.isEmpty()) {
                ObjectNode s = series.putObject(r.name());
                ArrayNode t = s.putArray("t");
                ArrayNode rate = s.putArray("rate");
                ArrayNode errors = s.putArray("errors");
                ArrayNode p50 = s.putArray("p50");
                ArrayNode p99 = s.putArray("p99");
                for (RouteSeries.Point p : points) {
                    t.add(p.epochSecond());
                    add(rate, p.rate());
                    add(errors, p.errorRate());
                    add(p50, p.p50Millis());
                    add(p99, p.p99Millis());
                }
            }
        }
        ArrayNode ups = out.putArray("upstreams");
        snap.upstreams().forEach((name, u) -> {
            ObjectNode o = ups.addObject();
            o.put("name", name);
            o.set("targets", Views.targets(u, false));
        });
        return AdminResponse.ok(out);
    }

    private static String describe(RouteConfig.MatchConfig m) {
        StringBuilder sb = new StringBuilder();
        if (!m.methods().isEmpty()) {
            sb.append(String.join(",", m.methods().stream().sorted().toList())).append(' ');
        }
        if (m.host() != null) {
            sb.append(m.host());
        }
        sb.append(m.path());
        m.headers().forEach((k, v) -> sb.append(" ").append(k).append(": ").append(v));
        m.query().forEach((k, v) -> sb.append(" ?").append(k).append('=').append(v));
        return sb.toString();
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, Math.round(v * 1000) / 1000.0);
        }
    }

    private static void add(ArrayNode a, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            a.addNull();
        } else {
            a.add(Math.round(v * 1000) / 1000.0);
        }
    }
}
