package io.archway.admin;

import static io.archway.admin.ConfigEndpoints.Kind.CONSUMERS;
import static io.archway.admin.ConfigEndpoints.Kind.ROUTES;
import static io.archway.admin.ConfigEndpoints.Kind.UPSTREAMS;

import io.archway.runtime.ChangeException;
import io.archway.runtime.Gateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every endpoint of the admin API (DESIGN §3), in one table: method, path pattern ({@code {name}} binds
 * one decoded segment), whether it is open without the token, and its handler. The first row that
 * matches wins, so literal paths come before patterns that would also match them.
 */
final class AdminRoutes {

    /** Handles one request on an admin worker thread; a ChangeException becomes its error answer. */
    @FunctionalInterface
    interface Handler {
        AdminResponse handle(AdminRequest req) throws ChangeException;
    }

    record Endpoint(String method, String pattern, boolean open, Handler handler) {
        String[] segments() {
            return pattern.equals("/") ? new String[0] : pattern.substring(1).split("/", -1);
        }
    }

    private final List<Endpoint> table;

    AdminRoutes(Gateway gateway) {
        ConfigEndpoints config = new ConfigEndpoints(gateway);
        Dashboard dashboard = new Dashboard(gateway);
        this.table = List.of(
                get("/", r -> dashboard.page()),
                open("GET", "/health", r -> AdminResponse.ok(Json.object().put("status", "ok"))),
                get("/metrics", r -> AdminResponse.text(200, "text/plain; version=0.0.4; charset=utf-8",
                        gateway.metrics().scrape())),
                get("/config", config::getConfig),
                put("/config", config::putConfig),
                row("POST", "/config/validate", config::validateConfig),
                get("/explain", r -> Explain.explain(gateway.snapshot(), r)),
                get("/routes", r -> config.list(ROUTES)),
                get("/routes/{name}", r -> config.get(ROUTES, r.param("name"))),
                put("/routes/{name}", r -> config.put(ROUTES, r.param("name"), r)),
                delete("/routes/{name}", r -> config.delete(ROUTES, r.param("name"))),
                get("/upstreams", r -> config.list(UPSTREAMS)),
                get("/upstreams/{name}", r -> config.get(UPSTREAMS, r.param("name"))),
                put("/upstreams/{name}", r -> config.put(UPSTREAMS, r.param("name"), r)),
                delete("/upstreams/{name}", r -> config.delete(UPSTREAMS, r.param("name"))),
                put("/upstreams/{name}/targets/{address}",
                        r -> config.putTarget(r.param("name"), r.param("address"), r)),
                get("/consumers", r -> config.list(CONSUMERS)),
                get("/consumers/{name}", r -> config.get(CONSUMERS, r.param("name"))),
                put("/consumers/{name}", r -> config.put(CONSUMERS, r.param("name"), r)),
                delete("/consumers/{name}", r -> config.delete(CONSUMERS, r.param("name"))),
                // The dashboard's own files and data (not in DESIGN §3's list: they serve GET /).
                get("/dashboard/data", r -> dashboard.data()),
                get("/dashboard/uplot/{file}", r -> dashboard.uplot(r.param("file"))),
                get("/dashboard/{file}", r -> dashboard.file(r.param("file"))));
    }

    private static Endpoint get(String pattern, Handler h) {
        return row("GET", pattern, h);
    }

    private static Endpoint put(String pattern, Handler h) {
        return row("PUT", pattern, h);
    }

    private static Endpoint delete(String pattern, Handler h) {
        return row("DELETE", pattern, h);
    }

    private static Endpoint row(String method, String pattern, Handler h) {
        return new Endpoint(method, pattern, false, h);
    }

    private static Endpoint open(String method, String pattern, Handler h) {
        return new Endpoint(method, pattern, true, h);
    }

    List<Endpoint> table() {
        return table;
    }

    /** The endpoint and its bound parameters, or why none: not found, or the methods the path allows. */
    record Resolved(@Nullable Endpoint endpoint, Map<String, String> params, Set<String> allowed) {}

    Resolved resolve(String method, String path) {
        String[] parts = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        Set<String> allowed = new LinkedHashSet<>();
        for (Endpoint e : table) {
            Map<String, String> params = bind(e.segments(), parts);
            if (params == null) {
                continue;
            }
            // HEAD is a GET without a body; the server drops the body.
            if (e.method().equals(method) || (method.equals("HEAD") && e.method().equals("GET"))) {
                return new Resolved(e, params, Set.of());
            }
            allowed.add(e.method());
        }
        return new Resolved(null, Map.of(), allowed);
    }

    private static @Nullable Map<String, String> bind(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value = decode(parts[i]);
                if (value == null || value.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    /** Percent-decodes one path segment ({@code +} stays a plus); null when it is malformed. */
    private static @Nullable String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        List<Byte> out = new ArrayList<>();
        byte[] in = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (i + 2 >= in.length) {
                    return null;
                }
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.add((byte) (hi * 16 + lo));
                i += 2;
            } else {
                out.add(in[i]);
            }
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = out.get(i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
