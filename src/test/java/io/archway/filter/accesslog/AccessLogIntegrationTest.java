package io.archway.filter.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.archway.testing.RawHttp;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §5: one JSON object per request, every field, checked one by one. */
class AccessLogIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("time", "request_id", "client", "method", "host", "path",
            "status", "route", "upstream", "target", "consumer", "bytes_in", "bytes_out", "duration_ms", "upstream_ms");

    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");

    @TempDir
    Path dir;

    private List<JsonNode> lines(Path file, int n) throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= n);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void eachRequestIsOneJsonLineWithEveryField() throws Exception {
        Path log = dir.resolve("logs/access.log");
        String yaml = """
                filters:
                  access_log: {file: %s}
                upstreams:
                  svc:
                    targets: [{address: %s}]
                    host: target
                routes:
                  - {name: api, match: {path: /api/**}, upstream: svc, rewrite: {strip_prefix: /api}}
                  - {name: hello, match: {path: /hello}, respond: {status: 200, body: "hi there"}}
                """.formatted(log, a.address());
        Instant before = Instant.now().minusSeconds(1);
        try (RunningGateway g = RunningGateway.start(yaml)) {
            try (RawHttp raw = new RawHttp(g.port())) {
                raw.send("POST /api/./items?x=1 HTTP/1.1\r\nHost: Shop.Example.com:8080\r\nX-Request-Id: req-1\r\n"
                        + "Content-Length: 5\r\n\r\nhello");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200");
            }
            // One connection each: the gateway closes a connection after answering a bodiless request itself.
            try (RawHttp raw = new RawHttp(g.port())) {
                raw.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200");
            }
            try (RawHttp raw = new RawHttp(g.port())) {
                raw.send("GET /nowhere HTTP/1.1\r\nHost: h\r\nX-Request-Id: req-3\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 404");
            }
            try (RawHttp raw = new RawHttp(g.port())) {
                raw.send("GET /a%2Fb HTTP/1.1\r\nHost: h\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 400");
            }
            List<JsonNode> lines = lines(log, 4);
            assertThat(lines).hasSize(4);
            for (JsonNode line : lines) {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                assertThat(names).containsExactlyElementsOf(FIELDS);
                Instant time = Instant.parse(line.get("time").asText());
                assertThat(time).isBetween(before, Instant.now().plusSeconds(1));
                assertThat(line.get("client").asText()).isEqualTo("127.0.0.1");
                assertThat(line.get("status").isInt()).as("status is a number").isTrue();
                assertThat(line.get("duration_ms").isNumber()).isTrue();
                assertThat(line.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(line.get("consumer").isNull()).isTrue();
            }

            JsonNode proxied = lines.get(0);
            assertThat(proxied.get("request_id").asText()).isEqualTo("req-1");
            assertThat(proxied.get("method").asText()).isEqualTo("POST");
            assertThat(proxied.get("host").asText()).as("what the client sent, not the target").isEqualTo("Shop.Example.com:8080");
            assertThat(proxied.get("path").asText()).as("the normalised path").isEqualTo("/api/items");
            assertThat(proxied.get("status").asInt()).isEqualTo(200);
            assertThat(proxied.get("route").asText()).isEqualTo("api");
            assertThat(proxied.get("upstream").asText()).isEqualTo("svc");
            assertThat(proxied.get("target").asText()).isEqualTo(a.address());
            assertThat(proxied.get("bytes_in").asLong()).isEqualTo(5);
            assertThat(proxied.get("bytes_out").asLong()).isEqualTo(1);
            assertThat(proxied.get("upstream_ms").isNumber()).isTrue();
            assertThat(proxied.get("upstream_ms").asDouble()).isBetween(0.0, proxied.get("duration_ms").asDouble());
            assertThat(a.lastSeen().header("Host")).as("the target got its own host").isEqualTo(a.address());

            JsonNode local = lines.get(1);
            assertThat(local.get("route").asText()).isEqualTo("hello");
            assertThat(local.get("request_id").asText()).matches("[0-9a-f]{32}");
            assertThat(local.get("host").asText()).isEqualTo("h");
            assertThat(local.get("upstream").isNull()).isTrue();
            assertThat(local.get("target").isNull()).isTrue();
            assertThat(local.get("upstream_ms").isNull()).isTrue();
            assertThat(local.get("bytes_out").asLong()).isEqualTo("hi there".length());
            assertThat(local.get("bytes_in").asLong()).isZero();

            JsonNode none = lines.get(2);
            assertThat(none.get("status").asInt()).isEqualTo(404);
            assertThat(none.get("route").isNull()).isTrue();
            assertThat(none.get("request_id").asText()).isEqualTo("req-3");
            assertThat(none.get("path").asText()).isEqualTo("/nowhere");

            JsonNode malformed = lines.get(3);
            assertThat(malformed.get("status").asInt()).isEqualTo(400);
            assertThat(malformed.get("method").asText()).isEqualTo("GET");
        }
    }
}
