package io.archway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.archway.config.RouteConfig.MatchConfig;
import io.archway.route.BadPathException;
import io.archway.route.PathNormalizer;
import io.archway.route.RouteMatch;
import io.archway.route.RouteTable;
import io.archway.runtime.ChangeException;
import io.archway.runtime.CompiledRoute;
import io.archway.runtime.Snapshot;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /explain?method=&host=&path=&header.NAME=}: what the running config would do with a request,
 * using the same route table the proxy uses. Without a match it says, for the nearest routes, which part
 * of their match the request fails; each part is checked alone, with the same matcher, so the answer
 * cannot disagree with the proxy.
 */
final class Explain {
    private static final int CANDIDATES = 3;

    private Explain() {}

    static AdminResponse explain(Snapshot snap, AdminRequest req) throws ChangeException {
        String method = orDefault(req.queryParam("method"), "GET").toUpperCase(Locale.ROOT);
        String host = req.queryParam("host");
        String target = req.queryParam("path");
        if (target == null || target.isEmpty()) {
            throw new ChangeException(400, "bad_request", List.of("path: missing (expected: ?path=/some/path)"));
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        HttpHeaders headers = new DefaultHttpHeaders();
        req.query().forEach((k, values) -> {
            if (k.startsWith("header.") && k.length() > 7) {
                values.forEach(v -> headers.add(k.substring(7), v));
            }
        });

        ObjectNode out = Json.object();
        ObjectNode echo = out.putObject("request");
        echo.put("method", method);
        echo.put("host", host);
        echo.put("path", rawPath);
        echo.put("query", rawQuery);
        ObjectNode h = echo.putObject("headers");
        headers.forEach(e -> h.put(e.getKey(), e.getValue()));

        String path;
        try {
            path = PathNormalizer.normalize(rawPath);
        } catch (BadPathException e) {
            out.putNull("route");
            out.put("status", 400);
            out.put("reason", "the path is rejected before routing: " + e.getMessage());
            return AdminResponse.ok(out);
        }
        echo.put("normalized_path", path);
        RouteMatch match = snap.routes().match(method, host, path, headers, rawQuery);
        if (match == null) {
            out.putNull("route");
            out.put("status", 404);
            out.put("reason", "no route matches " + method + " " + (host == null ? "" : host) + path);
            names(out.putArray("filters"), snap.noRouteChain().names());
            out.set("candidates", candidates(snap, method, host, path, headers, rawQuery));
            return AdminResponse.ok(out);
        }
        CompiledRoute route = snap.route(match.route().index());
        RouteConfig rc = route.config();
        ObjectNode r = out.putObject("route");
        r.put("name", rc.name());
        r.put("index", match.route().index());
        r.put("match", rc.match().path());
        ObjectNode params = out.putObject("path_params");
        match.variables().forEach(params::put);
        names(out.putArray("filters"), route.chain().names());
        if (rc.respond() != null) {
            out.put("status", rc.respond().status());
            out.put("respond", rc.respond().body());
            return AdminResponse.ok(out);
        }
        out.put("upstream_path", match.upstreamPath(rawQuery));
        ArrayNode ups = out.putArray("upstreams");
        for (RouteConfig.WeightedUpstream w : rc.upstreams()) {
            ObjectNode u = ups.addObject();
            u.put("name", w.name());
            u.put("weight", w.weight());
            u.set("healthy_targets", Views.targets(snap.upstreams().get(w.name()), true));
        }
        return AdminResponse.ok(out);
    }

    private static void names(ArrayNode out, List<String> names) {
        names.forEach(out::add);
    }

    private static String orDefault(@Nullable String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }

    /** One route's verdict: which parts of its match failed. */
    private record Verdict(RouteConfig route, int index, boolean pathFailed, List<ObjectNode> failed) {}

    private static ArrayNode candidates(Snapshot snap, String method, @Nullable String host, String path,
                                        HttpHeaders headers, @Nullable String rawQuery) {
        List<Verdict> verdicts = new ArrayList<>();
        List<RouteConfig> routes = snap.config().routes();
        Map<String, List<String>> query = rawQuery == null ? Map.of()
                : new QueryStringDecoder(rawQuery, false).parameters();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            MatchConfig m = r.match();
            Probe probe = new Probe(r.name(), method, host, path, headers, rawQuery);
            List<ObjectNode> failed = new ArrayList<>();
            boolean pathFailed = !probe.matches(new MatchConfig(null, m.path(), Set.of(), Map.of(), Map.of()));
            if (pathFailed) {
                failed.add(failure("path", "a path matching " + m.path(), path));
            }
            if (m.host() != null && !probe.matches(new MatchConfig(m.host(), "/**", Set.of(), Map.of(), Map.of()))) {
                failed.add(failure("host", m.host(), host));
            }
            if (!m.methods().isEmpty() && !probe.matches(new MatchConfig(null, "/**", m.methods(), Map.of(), Map.of()))) {
                failed.add(failure("methods", "one of " + m.methods().stream().sorted().toList(), method));
            }
            m.headers().forEach((k, v) -> {
                if (!probe.matches(new MatchConfig(null, "/**", Set.of(), Map.of(k, v), Map.of()))) {
                    failed.add(failure("header " + k, v, headers.get(k)));
                }
            });
            m.query().forEach((k, v) -> {
                if (!probe.matches(new MatchConfig(null, "/**", Set.of(), Map.of(), Map.of(k, v)))) {
                    List<String> got = query.get(k);
                    failed.add(failure("query " + k, v, got == null ? null : String.join(",", got)));
                }
            });
            verdicts.add(new Verdict(r, i, pathFailed, failed));
        }
        verdicts.sort(Comparator.comparing((Verdict v) -> v.pathFailed())
                .thenComparingInt(v -> v.failed().size())
                .thenComparingInt(Verdict::index));
        ArrayNode out = Json.array();
        for (Verdict v : verdicts.subList(0, Math.min(CANDIDATES, verdicts.size()))) {
            ObjectNode c = out.addObject();
            c.put("route", v.route().name());
            c.put("index", v.index());
            ArrayNode f = c.putArray("failed");
            v.failed().forEach(f::add);
        }
        return out;
    }

    private static ObjectNode failure(String predicate, String expected, @Nullable String got) {
        ObjectNode n = Json.object();
        n.put("predicate", predicate);
        n.put("expected", expected);
        n.put("got", got);
        return n;
    }

    /** Matches one request against a route cut down to one part of its match, in a table of its own. */
    private record Probe(String name, String method, @Nullable String host, String path, HttpHeaders headers,
                         @Nullable String rawQuery) {
        boolean matches(MatchConfig only) {
            RouteConfig alone = new RouteConfig(name, only, List.of(), null, null, Map.of(),
                    new RouteConfig.RespondConfig(200, "", Map.of()));
            Problems problems = new Problems();
            RouteTable table = RouteTable.compile(List.of(alone), problems);
            return problems.isEmpty() && table.match(method, host, path, headers, rawQuery) != null;
        }
    }
}
