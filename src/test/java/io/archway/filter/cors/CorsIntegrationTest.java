package io.archway.filter.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CorsIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("a");

    private String config(String cors) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: api
                    match: {path: /api/**}
                    upstream: svc
                    filters:
                      cors: %s
                """.formatted(backend.address(), cors);
    }

    private static final String POLICY = "{origins: [https://app.example.com, \"https://*.example.org\"],"
            + " methods: [GET, PUT], headers: [Content-Type, X-Api-Version], expose: [X-Request-Id],"
            + " credentials: true, max_age: 10m}";

    private HttpResponse<String> preflight(RunningGateway g, String origin, String method, String headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.uri("/api/x"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) {
            b.header("Access-Control-Request-Headers", headers);
        }
        return g.send(b.build());
    }

    private HttpResponse<String> simple(RunningGateway g, String origin) {
        return g.send(HttpRequest.newBuilder(g.uri("/api/x")).header("Origin", origin).build());
    }

    private static Map<String, java.util.List<String>> corsHeaders(HttpHeaders h) {
        Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        h.map().forEach((k, v) -> {
            if (k.toLowerCase().startsWith("access-control-")) {
                out.put(k.toLowerCase(), v);
            }
        });
        return out;
    }

    @Test
    void answersAnAllowedPreflightInTheGateway() {
        try (RunningGateway g = RunningGateway.start(config(POLICY))) {
            HttpResponse<String> r = preflight(g, "https://app.example.com", "PUT", "content-type, x-api-version");
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.body()).isEmpty();
            assertThat(corsHeaders(r.headers())).containsExactly(
                    Map.entry("access-control-allow-credentials", java.util.List.of("true")),
                    Map.entry("access-control-allow-headers", java.util.List.of("Content-Type, X-Api-Version")),
                    Map.entry("access-control-allow-methods", java.util.List.of("GET, PUT")),
                    Map.entry("access-control-allow-origin", java.util.List.of("https://app.example.com")),
                    Map.entry("access-control-max-age", java.util.List.of("600")));
            assertThat(r.headers().firstValue("Vary").orElseThrow()).contains("Origin");
            assertThat(backend.seen()).as("a preflight never reaches the upstream").isEmpty();
        }
    }

    @Test
    void matchesWildcardSubdomainsButNotTheApexOrAnotherScheme() {
        try (RunningGateway g = RunningGateway.start(config(POLICY))) {
            assertThat(preflight(g, "https://a.b.example.org", "GET", null).statusCode()).isEqualTo(204);
            assertThat(preflight(g, "https://example.org", "GET", null).statusCode()).isEqualTo(403);
            assertThat(preflight(g, "http://a.example.org", "GET", null).statusCode()).isEqualTo(403);
            assertThat(preflight(g, "https://a.example.org:8443", "GET", null).statusCode()).isEqualTo(403);
            assertThat(preflight(g, "https://APP.example.com", "GET", null).statusCode()).isEqualTo(204);
            assertThat(preflight(g, "https://evil-example.org", "GET", null).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void refusesAPreflightForAnOriginMethodOrHeaderNotAllowedWithoutCorsHeaders() {
        try (RunningGateway g = RunningGateway.start(config(POLICY))) {
            for (HttpResponse<String> r : java.util.List.of(
                    preflight(g, "https://evil.com", "GET", null),
                    preflight(g, "https://app.example.com", "DELETE", null),
                    preflight(g, "https://app.example.com", "GET", "X-Other"))) {
                assertThat(r.statusCode()).isEqualTo(403);
                assertThat(corsHeaders(r.headers())).isEmpty();
                assertThat(r.body()).contains("\"error\":\"cors_rejected\"");
            }
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void addsHeadersToAllowedSimpleRequestsAndProxiesOthersWithoutThem() {
        try (RunningGateway g = RunningGateway.start(config(POLICY))) {
            HttpResponse<String> ok = simple(g, "https://app.example.com");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(corsHeaders(ok.headers())).containsExactly(
                    Map.entry("access-control-allow-credentials", java.util.List.of("true")),
                    Map.entry("access-control-allow-origin", java.util.List.of("https://app.example.com")),
                    Map.entry("access-control-expose-headers", java.util.List.of("X-Request-Id")));
            assertThat(ok.headers().allValues("Vary")).containsExactly("Origin");

            HttpResponse<String> other = simple(g, "https://evil.com");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).isEqualTo("a");
            assertThat(corsHeaders(other.headers())).isEmpty();
            assertThat(other.headers().allValues("Vary")).containsExactly("Origin");

            HttpResponse<String> none = g.get("/api/x");
            assertThat(corsHeaders(none.headers())).isEmpty();
            assertThat(none.headers().allValues("Vary")).as("caches must not mix origins").containsExactly("Origin");
            assertThat(backend.seen()).hasSize(3);
        }
    }

    @Test
    void anyOriginWithoutCredentialsAnswersStar() {
        try (RunningGateway g = RunningGateway.start(config("{origins: \"*\", headers: \"*\"}"))) {
            HttpResponse<String> pre = preflight(g, "https://x.test", "POST", "X-Anything");
            assertThat(pre.statusCode()).isEqualTo(204);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Headers")).hasValue("X-Anything");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, HEAD, POST");
            assertThat(pre.headers().firstValue("Access-Control-Max-Age")).isEmpty();
            HttpResponse<String> r = simple(g, "https://x.test");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(r.headers().firstValue("Vary")).isEmpty();
        }
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> RunningGateway.start(config(
                "{origins: [\"*\", \"https://app.example.com/path\", ftp://x.com], credentials: true, max_age: soon,"
                        + " methods: [\"G T\"], headers: [\"a b\"]}")))
                .hasMessageContaining("routes[0].filters.cors.origins[0]: \"*\" (expected: explicit origins: with credentials: true a browser refuses *)")
                .hasMessageContaining("routes[0].filters.cors.origins[1]: \"https://app.example.com/path\" (expected: an origin like")
                .hasMessageContaining("routes[0].filters.cors.origins[2]: \"ftp://x.com\" (expected: an origin like")
                .hasMessageContaining("routes[0].filters.cors.max_age: \"soon\" (expected: a duration")
                .hasMessageContaining("routes[0].filters.cors.methods[0]: \"G T\" (expected: a method like GET)")
                .hasMessageContaining("routes[0].filters.cors.headers[0]: \"a b\" (expected: a header name");
        assertThatThrownBy(() -> RunningGateway.start(config("{methods: [GET]}")))
                .hasMessageContaining("routes[0].filters.cors.origins: missing (expected: a list of origins");
    }
}
