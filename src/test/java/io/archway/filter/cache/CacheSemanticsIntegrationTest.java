package io.archway.filter.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.testing.RunningGateway;
import io.archway.testing.ScriptedBackend;
import io.archway.testing.ScriptedBackend.Reply;
import io.netty.handler.codec.DateFormatter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What is stored and what is not, case by case from RFC 9111 and DESIGN §2/§7, through the real gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheSemanticsIntegrationTest {
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private ScriptedBackend backend;
    private RunningGateway gateway;

    /** One case: what the upstream answers, what the client sends, and whether a second request hits. */
    record Case(String name, Reply reply, Map<String, String> request, String method, boolean stored,
                String firstResult) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static String httpDate(long offsetSeconds) {
        return DateFormatter.format(new Date(System.currentTimeMillis() + offsetSeconds * 1000));
    }

    private static Case stored(String name, Reply reply) {
        return new Case(name, reply, Map.of(), "GET", true, "MISS");
    }

    private static Case notStored(String name, Reply reply) {
        return new Case(name, reply, Map.of(), "GET", false, "MISS");
    }

    static Stream<Case> cases() {
        Reply ok = Reply.ok("body");
        return Stream.of(
                stored("max-age is fresh for that long", ok.header("Cache-Control", "max-age=60")),
                stored("no freshness from the upstream: ttl applies", ok),
                notStored("no-store is never stored", ok.header("Cache-Control", "no-store, max-age=60")),
                notStored("private is never stored by a shared cache", ok.header("Cache-Control", "private, max-age=60")),
                notStored("qualified private counts as private", ok.header("Cache-Control", "private=\"Set-Cookie\", max-age=60")),
                notStored("no-cache needs revalidation this cache does not do", ok.header("Cache-Control", "no-cache")),
                notStored("the upstream's max-age=0 wins over ttl", ok.header("Cache-Control", "max-age=0")),
                notStored("s-maxage wins over max-age (0)", ok.header("Cache-Control", "max-age=60, s-maxage=0")),
                stored("s-maxage wins over max-age (60)", ok.header("Cache-Control", "s-maxage=60, max-age=0")),
                notStored("a max-age that is not a number is stale", ok.header("Cache-Control", "max-age=soon")),
                stored("Expires in the future", ok.header("Date", httpDate(0)).header("Expires", httpDate(60))),
                notStored("Expires in the past wins over ttl", ok.header("Date", httpDate(0)).header("Expires", httpDate(-60))),
                notStored("an invalid Expires means expired", ok.header("Expires", "0")),
                notStored("max-age wins over Expires", ok.header("Cache-Control", "max-age=0").header("Expires", httpDate(60))),
                notStored("older than its max-age already", ok.header("Cache-Control", "max-age=60").header("Age", "61")),
                stored("older but still fresh", ok.header("Cache-Control", "max-age=60").header("Age", "30")),
                notStored("Vary: * never matches", ok.header("Cache-Control", "max-age=60").header("Vary", "*")),
                notStored("Set-Cookie is not shared", ok.header("Cache-Control", "max-age=60").header("Set-Cookie", "s=1")),
                stored("404 is cacheable by default", Reply.status(404, "gone").header("Cache-Control", "max-age=60")),
                stored("410 is cacheable by default", Reply.status(410, "gone")),
                stored("301 is cacheable by default", Reply.status(301, "moved").header("Location", "/x")),
                stored("204 is cacheable by default", Reply.status(204, "").withoutHeader("Content-Type")),
                stored("203 is cacheable by default", Reply.status(203, "x")),
                stored("300 is cacheable by default", Reply.status(300, "x")),
                notStored("302 is not cacheable by default", Reply.status(302, "found").header("Location", "/x")
                        .header("Cache-Control", "max-age=60")),
                notStored("500 is not cacheable", Reply.status(500, "oops").header("Cache-Control", "max-age=60")),
                notStored("200 to a request with Authorization without public",
                        ok.header("Cache-Control", "max-age=60"), Map.of("Authorization", "Bearer t")),
                stored("200 to a request with Authorization marked public",
                        ok.header("Cache-Control", "public, max-age=60"), Map.of("Authorization", "Bearer t")),
                notStored("200 to a request with Cookie without public",
                        ok.header("Cache-Control", "max-age=60"), Map.of("Cookie", "id=1")),
                stored("200 to a request with Cookie marked public",
                        ok.header("Cache-Control", "public"), Map.of("Cookie", "id=1")),
                new Case("request no-store bypasses the cache", ok.header("Cache-Control", "max-age=60"),
                        Map.of("Cache-Control", "no-store"), "GET", false, "BYPASS"),
                new Case("a Range request bypasses the cache", ok.header("Cache-Control", "max-age=60"),
                        Map.of("Range", "bytes=0-1"), "GET", false, "BYPASS"),
                new Case("a method not configured bypasses the cache", ok.header("Cache-Control", "max-age=60"),
                        Map.of(), "DELETE", false, "BYPASS"),
                new Case("HEAD is cached on its own", ok.header("Cache-Control", "max-age=60"),
                        Map.of(), "HEAD", true, "MISS"));
    }

    private static Case notStored(String name, Reply reply, Map<String, String> request) {
        return new Case(name, reply, request, "GET", false, "MISS");
    }

    private static Case stored(String name, Reply reply, Map<String, String> request) {
        return new Case(name, reply, request, "GET", true, "MISS");
    }

    @BeforeAll
    void start() {
        backend = ScriptedBackend.start(req -> {
            String path = req.uri();
            Reply r = replies.get(path);
            return r == null ? Reply.status(599, "no case") : r;
        });
        gateway = RunningGateway.start("""
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: cached
                    match: {path: /**}
                    upstream: svc
                    filters:
                      cache: {ttl: 30s}
                """.formatted(backend.address()));
    }

    @AfterAll
    void stop() {
        gateway.close();
        backend.close();
    }

    private HttpResponse<String> send(Case c, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path))
                .method(c.method(), HttpRequest.BodyPublishers.noBody());
        c.request().forEach(b::header);
        return gateway.send(b.build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void storesOnlyWhatItMay(Case c) {
        String path = "/case/" + Integer.toHexString(c.name().hashCode());
        replies.put(path, c.reply());

        HttpResponse<String> first = send(c, path);
        assertThat(first.statusCode()).isEqualTo(c.reply().status());
        assertThat(first.headers().firstValue("X-Cache")).hasValue(c.firstResult());
        HttpResponse<String> second = send(c, path);
        assertThat(second.statusCode()).isEqualTo(c.reply().status());
        assertThat(second.body()).isEqualTo(first.body());
        if (c.stored()) {
            assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(second.headers().firstValue("Age")).isPresent();
            assertThat(backend.count(path)).isEqualTo(1);
        } else {
            assertThat(second.headers().firstValue("X-Cache")).hasValue(c.firstResult());
            assertThat(backend.count(path)).isEqualTo(2);
        }
        for (String h : List.of("Content-Type", "Location", "Cache-Control", "Expires")) {
            assertThat(second.headers().allValues(h)).as(h).isEqualTo(first.headers().allValues(h));
        }
    }
}
