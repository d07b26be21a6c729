package io.archway.filter.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.archway.testing.RunningGateway;
import io.archway.testing.ScriptedBackend;
import io.archway.testing.ScriptedBackend.Reply;
import io.netty.handler.codec.DateFormatter;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class CacheIntegrationTest {
    private static final String LAST_MODIFIED = DateFormatter.format(new Date(1_700_000_000_000L));

    private static String config(ScriptedBackend backend, String cache, String more) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: cached
                    match: {path: /**}
                    upstream: svc
                    filters:
                      cache: %s
                %s
                """.formatted(backend.address(), cache, more.indent(6));
    }

    private static HttpResponse<String> get(RunningGateway g, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return g.send(b.build());
    }

    @Test
    void aHundredConcurrentMissesReachTheUpstreamOnce() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (ScriptedBackend backend = ScriptedBackend.start(req ->
                Reply.ok("shared answer").header("Cache-Control", "max-age=60").after(gate));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", ""))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                all.add(RunningGateway.client().sendAsync(HttpRequest.newBuilder(g.uri("/hot?x=1"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> g.gateway().inFlight() == 100);
            assertThat(backend.seen()).hasSize(1);
            gate.complete(null);
            int hits = 0;
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("shared answer");
                if ("HIT".equals(r.headers().firstValue("X-Cache").orElse(""))) {
                    hits++;
                }
            }
            assertThat(hits).isEqualTo(99);
            assertThat(backend.seen()).hasSize(1);
        }
    }

    @Test
    void waitersFetchForThemselvesWhenTheFirstResponseCannotBeStored() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (ScriptedBackend backend = ScriptedBackend.start(req ->
                Reply.ok("private").header("Cache-Control", "private").after(gate));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", ""))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(RunningGateway.client().sendAsync(HttpRequest.newBuilder(g.uri("/p")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> g.gateway().inFlight() == 5);
            gate.complete(null);
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.body()).isEqualTo("private");
                assertThat(r.headers().firstValue("X-Cache")).hasValue("MISS");
            }
            assertThat(backend.seen()).hasSize(5);
        }
    }

    @Test
    void answersConditionalRequestsWith304FromTheStoredResponse() {
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok("v1 body")
                .header("Cache-Control", "max-age=60").header("ETag", "\"v1\"").header("Last-Modified", LAST_MODIFIED));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", ""))) {
            HttpResponse<String> miss = get(g, "/doc", "If-None-Match", "\"v1\"");
            assertThat(miss.statusCode()).as("a miss fetches the whole response to store it").isEqualTo(200);
            assertThat(backend.seen().get(0).header("If-None-Match")).isNull();

            HttpResponse<String> notModified = get(g, "/doc", "If-None-Match", "\"v0\", W/\"v1\"");
            assertThat(notModified.statusCode()).isEqualTo(304);
            assertThat(notModified.body()).isEmpty();
            assertThat(notModified.headers().firstValue("ETag")).hasValue("\"v1\"");
            assertThat(notModified.headers().firstValue("Cache-Control")).hasValue("max-age=60");
            assertThat(notModified.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(notModified.headers().firstValue("Content-Type")).isEmpty();

            assertThat(get(g, "/doc", "If-None-Match", "\"v2\"").statusCode()).isEqualTo(200);
            assertThat(get(g, "/doc", "If-None-Match", "*").statusCode()).isEqualTo(304);
            assertThat(get(g, "/doc", "If-Modified-Since", LAST_MODIFIED).statusCode()).isEqualTo(304);
            assertThat(get(g, "/doc", "If-Modified-Since", DateFormatter.format(new Date(1_600_000_000_000L)))
                    .statusCode()).isEqualTo(200);
            assertThat(get(g, "/doc", "If-None-Match", "\"v2\"", "If-Modified-Since", LAST_MODIFIED).statusCode())
                    .as("If-None-Match wins over If-Modified-Since").isEqualTo(200);
            // The connection stays usable after a 304 without a body.
            HttpResponse<String> after = get(g, "/doc");
            assertThat(after.body()).isEqualTo("v1 body");
            assertThat(backend.seen()).hasSize(1);
        }
    }

    @Test
    void keysByTheUpstreamsVaryAndTheConfiguredVary() {
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok(req.header("Accept-Language") + "/"
                        + req.header("X-Tenant")).header("Cache-Control", "max-age=60").header("Vary", "Accept-Language"));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s, vary: [X-Tenant]}", ""))) {
            assertThat(get(g, "/v", "Accept-Language", "en", "X-Tenant", "a").body()).isEqualTo("en/a");
            HttpResponse<String> en = get(g, "/v", "Accept-Language", "en", "X-Tenant", "a");
            assertThat(en.body()).isEqualTo("en/a");
            assertThat(en.headers().firstValue("X-Cache")).hasValue("HIT");
            HttpResponse<String> de = get(g, "/v", "Accept-Language", "de", "X-Tenant", "a");
            assertThat(de.body()).isEqualTo("de/a");
            assertThat(de.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(get(g, "/v", "Accept-Language", "de", "X-Tenant", "a").headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(get(g, "/v", "Accept-Language", "en", "X-Tenant", "a").body()).isEqualTo("en/a");
            HttpResponse<String> tenantB = get(g, "/v", "Accept-Language", "en", "X-Tenant", "b");
            assertThat(tenantB.body()).isEqualTo("en/b");
            assertThat(tenantB.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(get(g, "/v?other=1", "Accept-Language", "en", "X-Tenant", "a").headers().firstValue("X-Cache"))
                    .as("the query is part of the key").hasValue("MISS");
            assertThat(backend.seen()).hasSize(4);
        }
    }

    @Test
    void storesAStreamedBodyWhileSendingItAndGivesUpPastMaxBody() {
        byte[] small = "x".repeat(3000).getBytes(StandardCharsets.UTF_8);
        byte[] big = "y".repeat(9000).getBytes(StandardCharsets.UTF_8);
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok("")
                .header("Cache-Control", "max-age=60").body(req.uri().equals("/small") ? small : big).chunked(1000));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s, max_body: 4KB}", ""))) {
            assertThat(get(g, "/small").body()).hasSize(3000);
            HttpResponse<String> hit = get(g, "/small");
            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(hit.body()).isEqualTo(new String(small, StandardCharsets.UTF_8));
            assertThat(hit.headers().firstValue("Content-Length")).hasValue("3000");

            assertThat(get(g, "/big").body()).isEqualTo(new String(big, StandardCharsets.UTF_8));
            HttpResponse<String> again = get(g, "/big");
            assertThat(again.body()).isEqualTo(new String(big, StandardCharsets.UTF_8));
            assertThat(again.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(backend.count("/big")).isEqualTo(2);
        }
    }

    @Test
    void entriesExpireAndAgeCountsFromTheUpstreamsAge() {
        try (ScriptedBackend backend = ScriptedBackend.start(req -> req.uri().equals("/short")
                ? Reply.ok("short").header("Cache-Control", "max-age=1")
                : Reply.ok("aged").header("Cache-Control", "max-age=600").header("Age", "100"));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", ""))) {
            get(g, "/aged");
            HttpResponse<String> hit = get(g, "/aged");
            assertThat(Long.parseLong(hit.headers().firstValue("Age").orElseThrow())).isBetween(100L, 110L);
            assertThat(get(g, "/short").headers().firstValue("X-Cache")).hasValue("MISS");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    get(g, "/short").headers().firstValue("X-Cache").orElseThrow().equals("MISS"));
        }
    }

    @Test
    void aRequestAskingForAFreshCopyRefreshesTheEntry() {
        AtomicInteger version = new AtomicInteger(1);
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok("v" + version.get()).header("Cache-Control", "max-age=60"));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", ""))) {
            assertThat(get(g, "/r").body()).isEqualTo("v1");
            version.set(2);
            assertThat(get(g, "/r").body()).isEqualTo("v1");
            HttpResponse<String> fresh = get(g, "/r", "Cache-Control", "no-cache");
            assertThat(fresh.body()).isEqualTo("v2");
            assertThat(fresh.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(get(g, "/r").body()).isEqualTo("v2");
        }
    }

    @Test
    void storesTheCompressedVariantPerAcceptEncoding() throws Exception {
        String page = "<p>hello</p>\n".repeat(500);
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok(page)
                .header("Content-Type", "text/html").header("Cache-Control", "max-age=60"));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}", "compress: {types: [text/html]}"))) {
            HttpRequest gz = HttpRequest.newBuilder(g.uri("/page")).header("Accept-Encoding", "gzip").build();
            HttpResponse<byte[]> first = RunningGateway.client().send(gz, HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> second = RunningGateway.client().send(gz, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(second.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(second.body()).isEqualTo(first.body());
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(second.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(page);
            }
            HttpResponse<String> plain = get(g, "/page");
            assertThat(plain.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(plain.body()).isEqualTo(page);
            assertThat(get(g, "/page").headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(backend.seen()).hasSize(2);
        }
    }

    @Test
    void headersOfEarlierPhasesAreFreshOnEveryHit() {
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok("x").header("Cache-Control", "max-age=60"));
             RunningGateway g = RunningGateway.start(config(backend, "{ttl: 30s}",
                     "rate_limit: {limit: 10, per: 1h}\nresponse_headers: {add: {X-Added: one}}"))) {
            HttpResponse<String> first = get(g, "/h", "X-Request-Id", "first");
            HttpResponse<String> hit = get(g, "/h", "X-Request-Id", "second");
            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(hit.headers().firstValue("X-Request-Id")).hasValue("second");
            assertThat(hit.headers().firstValue("RateLimit-Remaining")).hasValue("8");
            assertThat(first.headers().allValues("X-Added")).containsExactly("one");
            assertThat(hit.headers().allValues("X-Added")).as("stored once, not added again").containsExactly("one");
        }
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        try (ScriptedBackend backend = ScriptedBackend.start(req -> Reply.ok("x"))) {
            assertThatThrownBy(() -> RunningGateway.start(config(backend,
                    "{ttl: forever, methods: [POST], vary: [\"a b\"], max_body: huge, shared: true}", "")))
                    .hasMessageContaining("routes[0].filters.cache.ttl: \"forever\" (expected: a duration")
                    .hasMessageContaining("routes[0].filters.cache.methods[0]: \"POST\" (expected: GET or HEAD)")
                    .hasMessageContaining("routes[0].filters.cache.vary[0]: \"a b\" (expected: a header name")
                    .hasMessageContaining("routes[0].filters.cache.max_body: \"huge\" (expected: a size")
                    .hasMessageContaining("routes[0].filters.cache.shared: true (expected: false: a cache shared");
            assertThatThrownBy(() -> RunningGateway.start(config(backend, "{methods: [GET]}", "")))
                    .hasMessageContaining("routes[0].filters.cache.ttl: missing (expected: a duration like 30s");
        }
    }
}
