package io.archway.filter.bodylimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.testing.RawHttp;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BodyLimitIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("a");

    private String config(String bodyLimit) {
        return """
                filters: {access_log: false}
                limits: {max_body_size: 1KB}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: upload
                    match: {path: /upload}
                    upstream: svc
                    filters:
                      body_limit: %s
                  - name: other
                    match: {path: /other}
                    upstream: svc
                """.formatted(backend.address(), bodyLimit);
    }

    @Test
    void refusesByContentLengthBeforeTheBodyIsSentOrTheUpstreamConnected() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{max: 4KB}"));
             RawHttp raw = new RawHttp(g.port())) {
            String response = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 413 ").contains("\"error\":\"payload_too_large\"");
            assertThat(raw.isClosedByPeer()).isTrue();
            assertThat(backend.connections()).isZero();
        }
    }

    @Test
    void refusesAnExpectContinueUploadWithoutAskingForTheBody() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{max: 4KB}"));
             RawHttp raw = new RawHttp(g.port())) {
            String response = raw.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                    + "Expect: 100-continue\r\n\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 413 ");
            assertThat(backend.connections()).isZero();
        }
    }

    @Test
    void abortsAChunkedUploadMidStreamOnceItPassesTheLimit() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{max: 4KB}"));
             RawHttp raw = new RawHttp(g.port())) {
            String chunk = Integer.toHexString(1500) + "\r\n" + "z".repeat(1500) + "\r\n";
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
            raw.send(chunk + chunk);
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 413 ");
            assertThat(raw.isClosedByPeer()).isTrue();
            assertThat(backend.seen()).as("the upstream never gets a complete request").isEmpty();
        }
    }

    @Test
    void theRouteLimitReplacesTheGlobalOneInBothDirections() {
        try (RunningGateway g = RunningGateway.start(config("{max: 4KB}"))) {
            assertThat(post(g, "/upload", 3000)).isEqualTo(200);
            assertThat(post(g, "/other", 3000)).as("other routes keep limits.max_body_size").isEqualTo(413);
        }
        try (RunningGateway g = RunningGateway.start(config("{max: 100B}"))) {
            assertThat(post(g, "/upload", 500)).isEqualTo(413);
            assertThat(post(g, "/other", 500)).isEqualTo(200);
        }
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> RunningGateway.start(config("{max: lots}")))
                .hasMessageContaining("routes[0].filters.body_limit.max: \"lots\" (expected: a size like 512B, 64KB or 10MB)");
        assertThatThrownBy(() -> RunningGateway.start(config("{}")))
                .hasMessageContaining("routes[0].filters.body_limit.max: missing (expected: a size like 1MB)");
    }

    private static int post(RunningGateway g, String path, int bytes) {
        return g.send(HttpRequest.newBuilder(g.uri(path))
                .POST(HttpRequest.BodyPublishers.ofString("b".repeat(bytes))).build()).statusCode();
    }
}
