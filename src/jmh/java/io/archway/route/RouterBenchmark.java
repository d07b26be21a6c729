package io.archway.route;

import io.archway.config.Interpolator;
import io.archway.config.Problems;
import io.archway.runtime.Configs;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the proxy does with a request's path before the filters run: {@link PathNormalizer#normalize} of a path
 * that is already normal, and {@link RouteTable#match} over 1, 100 and 10,000 routes, for a request a template
 * route takes (alone, and with the variables the proxy hands on to the request's context) and for one no route
 * takes. Run with {@code -prof gc}.
 *
 * <p>The routes come in groups of four per service: {@code /svcN/users/{id}}, {@code /svcN/health},
 * {@code /svcN/static/**} and {@code GET /svcN/users/{id}/orders/{order}}; one service in ten is bound to
 * {@code api.example.com} and one in ten to {@code *.tenants.example.com}. The table is compiled from YAML the
 * way the gateway compiles its config.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {
    /** The compiled table, and one request's parts as the proxy has them when it calls the router. */
    @State(Scope.Benchmark)
    public static class Table {
        @Param({"1", "100", "10000"})
        public int routes;

        RouteTable table;
        HttpHeaders headers;
        String hitPath;
        String missPath;

        @Setup
        public void setUp() throws Exception {
            StringBuilder yaml = new StringBuilder("""
                    upstreams:
                      svc: {targets: [{address: 127.0.0.1:9001}]}
                    routes:
                    """);
            for (int i = 0; i < routes; i++) {
                int service = i / 4;
                String host = switch (service % 10) {
                    case 5 -> "api.example.com";
                    case 7 -> "\"*.tenants.example.com\"";
                    default -> null;
                };
                String match = switch (i % 4) {
                    case 0 -> "path: \"/svc" + service + "/users/{id}\"";
                    case 1 -> "path: /svc" + service + "/health";
                    case 2 -> "path: /svc" + service + "/static/**";
                    default -> "path: \"/svc" + service + "/users/{id}/orders/{order}\", methods: [GET]";
                };
                yaml.append("  - {name: r").append(i).append(", upstream: svc, match: {").append(match)
                        .append(host == null ? "" : ", host: " + host).append("}}\n");
            }
            // Compiled as Snapshot.compile does it, after the loader checked the whole config.
            table = RouteTable.compile(Configs.parse(yaml.toString(), "bench.yaml", Interpolator.of(Map.of()))
                    .config().routes(), new Problems());
            // The middle service, bound to no host: a request for it passes the host-bound routes' hosts by.
            int service = routes / 8;
            hitPath = "/svc" + service + "/users/8f14e45f";
            missPath = "/svc" + service + "/users/8f14e45f/invoices";
            headers = new DefaultHttpHeaders();
            headers.set("Host", "api.example.com");
            headers.set("User-Agent", "curl/8.5.0");
            headers.set("Accept", "application/json");
            headers.set("X-Forwarded-For", "203.0.113.7");
            if (hit() == null || miss() != null) {
                throw new IllegalStateException("benchmark requests do not route as intended");
            }
        }

        RouteMatch hit() {
            return table.match("GET", "api.example.com", hitPath, headers, "fields=name");
        }

        RouteMatch miss() {
            return table.match("GET", "api.example.com", missPath, headers, null);
        }
    }

    /** A typical request path; the proxy normalises every path before routing. */
    @State(Scope.Benchmark)
    public static class Paths {
        public String normal = "/api/v1/users/8f14e45f-ceea-467a/orders/2026-11-27";
    }

    @Benchmark
    public RouteMatch hit(Table t) {
        return t.hit();
    }

    /** A hit followed by what the proxy does next with it: hand the bound variables to the request's context. */
    @Benchmark
    public Map<String, String> hitWithVariables(Table t) {
        return t.hit().variables();
    }

    @Benchmark
    public RouteMatch miss(Table t) {
        return t.miss();
    }

    @Benchmark
    public String normalize(Paths p) throws BadPathException {
        return PathNormalizer.normalize(p.normal);
    }
}
