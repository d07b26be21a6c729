package io.archway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.testing.RawHttp;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN §7 "Framing" and "Paths", sent as raw bytes through a real gateway. */
class FramingIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("a");
    RunningGateway gateway;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start("""
                limits: {max_header_size: 4KB, header_timeout: 300ms, idle_timeout: 30s}
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(backend.address()));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private String exchange(String request) throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            return raw.send(request).readResponse();
        }
    }

    private void assertRejected(String request, int status) throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            String response = raw.send(request).readResponse();
            assertThat(response).startsWith("HTTP/1.1 " + status + " ");
            assertThat(response).contains("\"request_id\":\"");
            assertThat(raw.isClosedByPeer()).as("connection closed after %s", status).isTrue();
        }
        assertThat(backend.seen()).as("nothing reaches the upstream").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "content-length and chunked|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "two content-lengths|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd|400",
        "whitespace before colon|GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400",
        "obs-fold|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: 1\\r\\n  folded\\r\\n\\r\\n|400",
        "bare CR|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: 1\\r2\\r\\n\\r\\n|400",
        "NUL in a value|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\u0000b\\r\\n\\r\\n|400",
        "DEL in a value|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\u007fb\\r\\n\\r\\n|400",
        "invalid chunk size|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n|400",
        "gzip transfer coding|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|501",
        "gzip then chunked|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n|501",
        "missing host|GET / HTTP/1.1\\r\\n\\r\\n|400",
        "encoded slash|GET /a%2Fb HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "encoded backslash|GET /a%5cb HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "backslash|GET /a\\\\b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "encoded NUL|GET /a%00b HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
    })
    void rejects(String name, String request, int status) throws Exception {
        assertRejected(unescape(request), status);
    }

    @Test
    void rejectsAnOverlongRequestLineWith414() throws Exception {
        assertRejected("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    }

    @Test
    void rejectsAnOversizedHeadWith431() throws Exception {
        assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n", 431);
    }

    @Test
    void toleratesBareLineFeeds() throws Exception {
        String response = exchange("GET /lf HTTP/1.1\nHost: x\n\n");
        assertThat(response).startsWith("HTTP/1.1 200 ");
        assertThat(backend.lastSeen().uri()).isEqualTo("/lf");
    }

    @Test
    void normalisesDotSegmentsBeforeForwarding() throws Exception {
        String response = exchange("GET /a/./b/../c//d/%2E%2E/e?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 ");
        assertThat(backend.lastSeen().uri()).isEqualTo("/a/c/e?q=1");
    }

    @Test
    void answersAnIncompleteHeadWith408AfterTheHeaderTimeout() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            String response = raw.send("GET / HTTP/1.1\r\nHost: x\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 408 ");
            assertThat(raw.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void theHeaderTimeoutAlsoRunsForTheNextRequestOnAKeptAliveConnection() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            // A first exchange longer than the header timeout: the connection's timer then waits for the 30 s
            // idle timeout, and the next head must bring it forward.
            assertThat(raw.send("GET /slow?ms=600 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200 ");
            String response = raw.send("GET /second HTTP/1.1\r\nHost: x\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 408 ");
            assertThat(raw.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void servesPipelinedRequestsInOrder() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200 ").contains("X-Seen-Uri: /one");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200 ").contains("X-Seen-Uri: /two");
        }
    }

    @Test
    void answersExpectContinueItself() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 100 Continue");
            raw.send("abc");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200 ")
                    .contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
        assertThat(backend.lastSeen().header("Expect")).isNull();
    }

    @Test
    void aConnectionHeaderCannotRemoveWhatTheGatewayAdds() throws Exception {
        String response = exchange("GET /c HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Forwarded-For, Via, X-Other\r\n"
                + "X-Other: gone\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 ");
        TestBackend.Seen seen = backend.lastSeen();
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.header("Via")).isEqualTo("1.1 archway");
        assertThat(seen.header("X-Other")).isNull();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> out.append('\r');
                    case 'n' -> out.append('\n');
                    case '\\' -> out.append('\\');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
