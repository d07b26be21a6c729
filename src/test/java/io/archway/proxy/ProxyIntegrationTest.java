package io.archway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxyIntegrationTest {
    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");
    @RegisterExtension
    final TestBackend b = TestBackend.replying("b");

    private String twoTargets(String extraUpstream, String routeExtra) {
        return """
                upstreams:
                  svc:
                    targets: [{address: %s}, {address: %s}]
                %s
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                %s
                """.formatted(a.address(), b.address(), extraUpstream, routeExtra);
    }

    private String oneTarget(String upstreamExtra) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc:
                    targets: [{address: %s}]
                %s
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(a.address(), upstreamExtra);
    }

    @Test
    void proxiesAndAlternatesBetweenTargets() {
        try (RunningGateway g = RunningGateway.start(twoTargets("", ""))) {
            assertThat(g.bodiesOf("/x", 4)).containsExactly("a", "b", "a", "b");
        }
    }

    @Test
    void keepsAValidClientRequestIdAndSendsItBothWays() {
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/id")).header("X-Request-Id", "abc-123.x:y_z").build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Request-Id")).hasValue("abc-123.x:y_z");
            assertThat(a.lastSeen().header("X-Request-Id")).isEqualTo("abc-123.x:y_z");
        }
    }

    @Test
    void replacesAnInvalidRequestIdWithAGeneratedOne() {
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/id")).header("X-Request-Id", "bad id!").build());
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(a.lastSeen().header("X-Request-Id")).isEqualTo(id);
        }
    }

    @Test
    void streamsAFiveMegabyteChunkedUploadIntact() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(body);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            // ofInputStream has no known length, so the client sends it chunked.
            HttpRequest req = HttpRequest.newBuilder(g.uri("/sha256"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
            HttpResponse<String> r = g.send(req);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(expected);
        }
    }

    @Test
    void streamsATwentyMegabyteDownloadIntact() throws Exception {
        int n = 20 * 1024 * 1024;
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            HttpResponse<InputStream> r = RunningGateway.client().send(
                    HttpRequest.newBuilder(g.uri("/bytes?n=" + n)).build(), HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[65536];
                int k;
                while ((k = in.read(buf)) > 0) {
                    got.update(buf, 0, k);
                    total += k;
                }
            }
            assertThat(total).isEqualTo(n);
            assertThat(got.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(TestBackend.expectedBytes(n)));
        }
    }

    @Test
    void reusesUpstreamConnections() {
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            for (int i = 0; i < 20; i++) {
                assertThat(g.get("/r").statusCode()).isEqualTo(200);
            }
            // One client connection on one event loop: one upstream connection serves them all.
            assertThat(a.connections()).isEqualTo(1);
        }
    }

    @Test
    void slowUpstreamGets504AfterTheResponseTimeout() {
        try (RunningGateway g = RunningGateway.start(oneTarget("    timeouts: {response: 300ms}"))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = g.get("/slow?ms=3000");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("\"error\":\"gateway_timeout\"").contains("\"request_id\":\"");
            assertThat(ms).isBetween(250L, 2500L);
        }
    }

    @Test
    void refusedUpstreamGets502() {
        TestBackend gone = TestBackend.replying("gone");
        String address = gone.address();
        gone.stop();
        String yaml = """
                upstreams:
                  svc:
                    targets: [{address: %s}]
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(address);
        try (RunningGateway g = RunningGateway.start(yaml)) {
            HttpResponse<String> r = g.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"error\":\"bad_gateway\"");
        }
    }

    @Test
    void retriesARefusedConnectOnTheOtherTarget() {
        TestBackend gone = TestBackend.replying("gone");
        String address = gone.address();
        gone.stop();
        String yaml = """
                upstreams:
                  svc:
                    targets: [{address: %s}, {address: %s}]
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(address, a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/p"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }
        }
    }

    @Test
    void answersNoRouteWith404Json() {
        String yaml = """
                routes:
                  - name: only
                    match: {path: /only}
                    respond: {status: 200, body: "here"}
                """;
        try (RunningGateway g = RunningGateway.start(yaml)) {
            HttpResponse<String> r = g.get("/elsewhere");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(r.body()).isEqualTo("{\"error\":\"no_route\",\"request_id\":\"" + id + "\"}");
            HttpResponse<String> here = g.get("/only");
            assertThat(here.statusCode()).isEqualTo(200);
            assertThat(here.body()).isEqualTo("here");
        }
    }

    @Test
    void keepsTheConnectionOpenAfterAnswersOfItsOwn() throws Exception {
        // A 404 or a respond: answer comes before the request's (empty) end is read; the connection must
        // still serve the next request instead of closing.
        String yaml = """
                routes:
                  - name: only
                    match: {path: /only}
                    respond: {status: 200, body: "here"}
                """;
        try (RunningGateway g = RunningGateway.start(yaml);
             io.archway.testing.RawHttp raw = new io.archway.testing.RawHttp(g.port())) {
            raw.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 404 ").doesNotContainIgnoringCase("connection: close");
            raw.send("GET /only HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200 ").endsWith("here");
            raw.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 404 ");
            raw.send("GET /only HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void setsForwardingHeadersAndDropsHopByHopOnes() {
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/h"))
                    .header("X-Forwarded-For", "6.6.6.6")
                    .header("X-Forwarded-Proto", "https")
                    .header("X-Secret_Thing", "sneaky")
                    .header("X-Drop-Me", "1")
                    .header("Keep-Alive", "timeout=5")
                    .header("X-Consumer", "admin")
                    .build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Via")).hasValue("1.1 archway");
            TestBackend.Seen seen = a.lastSeen();
            // The peer is not a trusted proxy, so what it claims is replaced.
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(seen.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + g.port());
            assertThat(seen.header("Forwarded")).isEqualTo("for=127.0.0.1;proto=http;host=\"127.0.0.1:" + g.port() + "\"");
            assertThat(seen.header("Via")).isEqualTo("1.1 archway");
            assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + g.port());
            assertThat(seen.headers()).doesNotContainKeys("x-secret_thing", "keep-alive", "x-consumer");
        }
    }

    @Test
    void appendsToForwardedForFromATrustedProxy() {
        try (RunningGateway g = RunningGateway.start("trusted_proxies: [127.0.0.0/8]\n" + oneTarget(""))) {
            g.send(HttpRequest.newBuilder(g.uri("/h")).header("X-Forwarded-For", "203.0.113.9")
                    .header("X-Forwarded-Proto", "https").build());
            TestBackend.Seen seen = a.lastSeen();
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("https");
        }
    }

    @Test
    void rewritesPathsAndKeepsTheQuery() {
        String yaml = """
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: strip
                    match: {path: /svc/**}
                    upstream: svc
                    rewrite: {strip_prefix: /svc}
                  - name: template
                    match: {path: "/users/{id}"}
                    upstream: svc
                    rewrite: {path: "/v2/people/{id}"}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            assertThat(g.get("/svc/a/b?x=1").headers().firstValue("X-Seen-Uri")).hasValue("/a/b?x=1");
            assertThat(g.get("/svc").headers().firstValue("X-Seen-Uri")).hasValue("/");
            assertThat(g.get("/users/42?q=z").headers().firstValue("X-Seen-Uri")).hasValue("/v2/people/42?q=z");
            assertThat(g.get("/svc/./x/../y").headers().firstValue("X-Seen-Uri")).hasValue("/y");
        }
    }

    @Test
    void refusesABodyOverTheLimitBeforeTheUpstreamSeesIt() {
        String yaml = """
                limits: {max_body_size: 1KB}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: small
                    match: {path: /small}
                    upstream: svc
                  - name: big
                    match: {path: /big}
                    upstream: svc
                    filters: {body_limit: {max: 8KB}}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/small"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2000))).build());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("payload_too_large");
            assertThat(a.seen()).isEmpty();
            HttpResponse<String> chunked = g.send(HttpRequest.newBuilder(g.uri("/small"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))).build());
            assertThat(chunked.statusCode()).isEqualTo(413);
            HttpResponse<String> ok = g.send(HttpRequest.newBuilder(g.uri("/big"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2000))).build());
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shutdownLetsAnInFlightRequestFinish() throws Exception {
        RunningGateway g = RunningGateway.start(oneTarget(""));
        try {
            CompletableFuture<HttpResponse<String>> slow = RunningGateway.client().sendAsync(
                    HttpRequest.newBuilder(g.uri("/slow?ms=800")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(5)).until(() -> g.gateway().inFlight() == 1);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> g.gateway().shutdown(Duration.ofSeconds(10)));
            HttpResponse<String> r = slow.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            stopping.get();
            HttpClient fresh = HttpClient.newHttpClient();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.send(
                    HttpRequest.newBuilder(g.uri("/")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        } finally {
            g.close();
        }
    }

    @Test
    void headRequestsGetNoBody() {
        try (RunningGateway g = RunningGateway.start(oneTarget(""))) {
            HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/x"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            // The connection stays usable afterwards.
            assertThat(g.get("/y").body()).isEqualTo("a");
            assertThat(List.of(a.seen().get(0).method())).containsExactly("HEAD");
        }
    }
}
