package io.archway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Generated routes and requests: the table's answers must not depend on the order of the file, and must agree
 * with a plain linear reading of DESIGN §7's precedence rules.
 */
class RouteTablePropertyTest {
    private static final String[] SEGMENTS = {"a", "b", "c"};
    private static final String[] REQUEST_SEGMENTS = {"a", "b", "c", "d"};
    private static final String[] ROUTE_HOSTS = {"a.example.com", "b.example.com", "*.example.com", "*.a.example.com"};
    private static final String[] REQUEST_HOSTS = {"a.example.com", "x.a.example.com", "B.example.com:8080",
            "example.com", "other.org", "y.x.a.example.com"};
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    record Request(String method, @Nullable String host, String path, HttpHeaders headers, @Nullable String query) {
        @Override
        public String toString() {
            return method + " " + host + " " + path + (query == null ? "" : "?" + query) + " " + headers;
        }
    }

    @Test
    void answersDoNotDependOnFileOrderAndFollowThePrecedenceRules() {
        Random random = new Random(20240611L);
        Set<String> outcomes = new HashSet<>();
        for (int round = 0; round < 5; round++) {
            List<RouteConfig> routes = nonTiedRoutes(random, 80);
            List<Request> requests = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                requests.add(request(random));
            }
            List<String> expected = new ArrayList<>();
            for (Request request : requests) {
                expected.add(reference(routes, request));
            }
            outcomes.addAll(expected);
            List<RouteConfig> shuffled = new ArrayList<>(routes);
            for (int order = 0; order < 50; order++) {
                Collections.shuffle(shuffled, random);
                Problems problems = new Problems();
                RouteTable table = RouteTable.compile(shuffled, problems);
                assertThat(problems.lines()).isEmpty();
                for (int i = 0; i < requests.size(); i++) {
                    Request r = requests.get(i);
                    assertThat(describe(table.match(r.method(), r.host(), r.path(), r.headers(), r.query())))
                            .as("round %d, order %d, %s", round, order, r)
                            .isEqualTo(expected.get(i));
                }
            }
        }
        assertThat(outcomes).as("generated requests should miss sometimes").contains("none");
        assertThat(outcomes).as("generated requests should reach many routes and bindings").hasSizeGreaterThan(100);
    }

    private static List<RouteConfig> nonTiedRoutes(Random random, int attempts) {
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            routes.add(route(random, "r" + i));
            Problems problems = new Problems();
            RouteTable.compile(routes, problems);
            if (!problems.isEmpty()) {
                routes.remove(routes.size() - 1);
            }
        }
        return routes;
    }

    private static RouteConfig route(Random random, String name) {
        TestRoutes r = TestRoutes.route(name);
        int kind = random.nextInt(3);
        int depth = kind == 2 ? random.nextInt(3) : 1 + random.nextInt(3);
        StringBuilder path = new StringBuilder();
        int variables = 0;
        for (int s = 0; s < depth; s++) {
            boolean variable = kind == 1 && (random.nextInt(2) == 0 || s == depth - 1 && variables == 0);
            path.append('/').append(variable ? "{v" + variables++ + "}" : SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (kind == 2) {
            path.append("/**");
        } else if (random.nextInt(6) == 0) {
            path.append('/');
        }
        r.path(path.toString());
        if (random.nextInt(3) > 0) {
            r.host(ROUTE_HOSTS[random.nextInt(ROUTE_HOSTS.length)]);
        }
        if (random.nextInt(2) == 0) {
            List<String> methods = new ArrayList<>(List.of(METHODS).subList(0, 3));
            Collections.shuffle(methods, random);
            r.methods(methods.subList(0, 1 + random.nextInt(2)).toArray(new String[0]));
        }
        if (random.nextInt(3) == 0) {
            r.header("x-a", String.valueOf(1 + random.nextInt(2)));
        }
        if (random.nextInt(4) == 0) {
            r.header("x-b", "1");
        }
        if (random.nextInt(4) == 0) {
            r.query("q", String.valueOf(1 + random.nextInt(2)));
        }
        return r.build();
    }

    private static Request request(Random random) {
        StringBuilder path = new StringBuilder();
        int depth = random.nextInt(5);
        for (int s = 0; s < depth; s++) {
            path.append('/').append(REQUEST_SEGMENTS[random.nextInt(REQUEST_SEGMENTS.length)]);
        }
        if (depth == 0 || random.nextInt(6) == 0) {
            path.append('/');
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        if (random.nextBoolean()) {
            headers.add(random.nextBoolean() ? "X-A" : "x-a", String.valueOf(1 + random.nextInt(2)));
        }
        if (random.nextInt(3) == 0) {
            headers.add("x-b", "1");
        }
        String query = random.nextInt(3) == 0 ? "q=" + (1 + random.nextInt(2)) : random.nextBoolean() ? null : "z=1";
        String host = random.nextInt(5) == 0 ? null : REQUEST_HOSTS[random.nextInt(REQUEST_HOSTS.length)];
        return new Request(METHODS[random.nextInt(METHODS.length)], host, path.toString(), headers, query);
    }

    private static String describe(@Nullable RouteMatch match) {
        return match == null ? "none" : match.route().name() + " " + match.variables();
    }

    /** Every route checked against the request, the matching ones ordered by DESIGN §7, written as plainly as possible. */
    private static String reference(List<RouteConfig> routes, Request request) {
        List<RouteConfig> candidates = new ArrayList<>();
        for (RouteConfig route : routes) {
            if (pathMatches(route.match().path(), request.path()) && hostMatches(route.match().host(), request.host())
                    && predicatesMatch(route, request)) {
                candidates.add(route);
            }
        }
        if (candidates.isEmpty()) {
            return "none";
        }
        Comparator<RouteConfig> precedence = Comparator.<RouteConfig>comparingInt(r -> kind(r.match().path()))
                .thenComparing((x, y) -> specificity(x.match().path(), y.match().path()))
                .thenComparingInt(r -> hostRank(r.match().host()))
                .thenComparingInt(r -> -predicates(r));
        candidates.sort(precedence);
        if (candidates.size() > 1) {
            assertThat(precedence.compare(candidates.get(0), candidates.get(1)))
                    .as("two equally specific routes match %s: %s", request, candidates).isNegative();
        }
        RouteConfig best = candidates.get(0);
        return best.name() + " " + variables(best.match().path(), request.path());
    }

    private static int kind(String pattern) {
        return pattern.endsWith("/**") ? 2 : pattern.contains("{") ? 1 : 0;
    }

    private static List<String> segments(String path) {
        return List.of(path.substring(1).split("/", -1));
    }

    private static boolean pathMatches(String pattern, String path) {
        List<String> have = segments(path);
        return switch (kind(pattern)) {
            case 0 -> pattern.equals(path);
            case 1 -> {
                List<String> want = segments(pattern);
                if (want.size() != have.size()) {
                    yield false;
                }
                for (int i = 0; i < want.size(); i++) {
                    boolean ok = want.get(i).startsWith("{") ? !have.get(i).isEmpty() : want.get(i).equals(have.get(i));
                    if (!ok) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> {
                List<String> want = prefixSegments(pattern);
                yield have.size() >= want.size() && have.subList(0, want.size()).equals(want);
            }
        };
    }

    private static List<String> prefixSegments(String pattern) {
        return pattern.equals("/**") ? List.of() : segments(pattern.substring(0, pattern.length() - 3));
    }

    /** Negative when x is more specific; only called for two patterns of the same kind that match one path. */
    private static int specificity(String x, String y) {
        if (kind(x) == 2) {
            return Integer.compare(prefixSegments(y).size(), prefixSegments(x).size());
        }
        List<String> a = segments(x);
        List<String> b = segments(y);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            boolean literalA = !a.get(i).startsWith("{");
            boolean literalB = !b.get(i).startsWith("{");
            if (literalA != literalB) {
                return literalA ? -1 : 1;
            }
        }
        return 0;
    }

    private static boolean hostMatches(@Nullable String pattern, @Nullable String requestHost) {
        if (pattern == null) {
            return true;
        }
        if (requestHost == null) {
            return false;
        }
        String host = requestHost.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            return host.endsWith(suffix) && host.length() > suffix.length();
        }
        return host.equals(pattern);
    }

    private static int hostRank(@Nullable String pattern) {
        if (pattern == null) {
            return 1000;
        }
        return pattern.startsWith("*.") ? 500 - pattern.length() : 0;
    }

    private static int predicates(RouteConfig route) {
        return (route.match().methods().isEmpty() ? 0 : 1) + route.match().headers().size() + route.match().query().size();
    }

    private static boolean predicatesMatch(RouteConfig route, Request request) {
        if (!route.match().methods().isEmpty() && !route.match().methods().contains(request.method())) {
            return false;
        }
        for (Map.Entry<String, String> h : route.match().headers().entrySet()) {
            if (!request.headers().getAll(h.getKey()).equals(List.of(h.getValue()))) {
                return false;
            }
        }
        Map<String, List<String>> query = request.query() == null ? Map.of()
                : new QueryStringDecoder(request.query(), false).parameters();
        for (Map.Entry<String, String> q : route.match().query().entrySet()) {
            if (!List.of(q.getValue()).equals(query.get(q.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> variables(String pattern, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (kind(pattern) == 1) {
            List<String> want = segments(pattern);
            List<String> have = segments(path);
            for (int i = 0; i < want.size(); i++) {
                if (want.get(i).startsWith("{")) {
                    out.put(want.get(i).substring(1, want.get(i).length() - 1), have.get(i));
                }
            }
        }
        return out;
    }
}
