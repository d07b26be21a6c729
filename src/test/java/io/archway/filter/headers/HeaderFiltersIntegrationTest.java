package io.archway.filter.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HeaderFiltersIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("a");

    private String config(String filters) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: api
                    match: {path: /api/**}
                    upstream: svc
                    filters:
                %s
                """.formatted(backend.address(), filters.indent(6));
    }

    @Test
    void rewritesRequestHeadersWithPerRequestValues() {
        String yaml = config("""
                request_headers:
                  set: {X-Route: "${route}", X-Client: "ip=${client_ip}", X-Tenant: "${header.X-Org}/${consumer}",
                        X-Env: "${DEPLOY_ENV:-dev}", X-Req: "${request_id}", X-Literal: "$${NOT_A_VAR}"}
                  add: {X-Tag: [ignored]}
                  remove: [X-Secret]
                """.replace("add: {X-Tag: [ignored]}", "add: {X-Tag: two}"));
        try (RunningGateway g = RunningGateway.start(yaml, Map.of("DEPLOY_ENV", "prod"))) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/api/x"))
                    .header("X-Org", "acme").header("X-Secret", "s").header("X-Tag", "one")
                    .header("X-Request-Id", "req-1").build());
            assertThat(r.statusCode()).isEqualTo(200);
            TestBackend.Seen seen = backend.lastSeen();
            assertThat(seen.header("X-Route")).isEqualTo("api");
            assertThat(seen.header("X-Client")).isEqualTo("ip=127.0.0.1");
            assertThat(seen.header("X-Tenant")).isEqualTo("acme/");
            assertThat(seen.header("X-Env")).isEqualTo("prod");
            assertThat(seen.header("X-Req")).isEqualTo("req-1");
            assertThat(seen.header("X-Literal")).isEqualTo("${NOT_A_VAR}");
            assertThat(seen.headerAll("X-Tag")).containsExactly("one", "two");
            assertThat(seen.header("X-Secret")).isNull();
        }
    }

    @Test
    void aValueThatRendersEmptyIsNotSent() {
        String yaml = config("""
                request_headers:
                  set: {X-Org: "${header.X-Missing}"}
                  add: {X-Also: "${consumer}"}
                """);
        try (RunningGateway g = RunningGateway.start(yaml)) {
            g.send(HttpRequest.newBuilder(g.uri("/api/x")).header("X-Org", "client-sent").build());
            assertThat(backend.lastSeen().header("X-Org")).as("set with nothing removes").isNull();
            assertThat(backend.lastSeen().header("X-Also")).isNull();
        }
    }

    @Test
    void rewritesResponseHeaders() {
        String yaml = config("""
                response_headers:
                  set: {X-Backend: hidden, Strict-Transport-Security: max-age=31536000, X-Id: "${request_id}"}
                  add: {Cache-Control: no-transform}
                  remove: [X-Seen-Uri]
                """);
        try (RunningGateway g = RunningGateway.start(yaml)) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/api/x")).header("X-Request-Id", "r-9").build());
            assertThat(r.headers().firstValue("X-Backend")).hasValue("hidden");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(r.headers().firstValue("X-Id")).hasValue("r-9");
            assertThat(r.headers().allValues("Cache-Control")).containsExactly("no-transform");
            assertThat(r.headers().firstValue("X-Seen-Uri")).isEmpty();
            assertThat(r.body()).isEqualTo("a");
        }
    }

    @Test
    void answersFromEarlierPhasesAreLeftAlone() {
        String yaml = config("""
                rate_limit: {limit: 1, per: 1h}
                response_headers: {set: {X-Transformed: "yes"}}
                """);
        try (RunningGateway g = RunningGateway.start(yaml)) {
            assertThat(g.get("/api/x").headers().firstValue("X-Transformed")).hasValue("yes");
            HttpResponse<String> limited = g.get("/api/x");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("X-Transformed")).isEmpty();
        }
    }

    @Test
    void namesAndValuesAreCheckedAtLoadWithTheirPaths() {
        String yaml = config("""
                request_headers:
                  set: {"X Bad": v, X_Under: v, Content-Length: "5", X-Crlf: "a\\r\\nInjected: 1", X-Env: "${EVIL}"}
                  add: {X-Hdr: "${header.}"}
                  remove: ["Bad Name"]
                """);
        assertThatThrownBy(() -> RunningGateway.start(yaml, Map.of("EVIL", "x\ny")))
                .hasMessageContaining("routes[0].filters.request_headers.set.X Bad: \"X Bad\" (expected: a header name")
                .hasMessageContaining("routes[0].filters.request_headers.set.X_Under: \"X_Under\" (expected: a header name")
                .hasMessageContaining("routes[0].filters.request_headers.set.Content-Length: \"Content-Length\" (expected: a header the gateway does not frame")
                .hasMessageContaining("routes[0].filters.request_headers.set.X-Crlf: \"a\\r\\nInjected: 1\" (expected: a header value without control characters")
                .hasMessageContaining("routes[0].filters.request_headers.set.X-Env: \"${EVIL}\" (expected: a header value without control characters")
                .hasMessageContaining("routes[0].filters.request_headers.add.X-Hdr: \"${header.}\" (expected: ${header.NAME}")
                .hasMessageContaining("routes[0].filters.request_headers.remove[0]: \"Bad Name\" (expected: a header name");
    }
}
