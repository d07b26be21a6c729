package io.archway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.AdminClient;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsIntegrationTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");

    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");

    /** Every sample of the scrape, keyed by name and labels as written (labels sorted by the registry). */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return out;
    }

    @Test
    void countsKnownTrafficUnderTheNamesAndLabelsOfTheDesign() {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - {name: api, match: {path: /api/**}, upstream: svc, rewrite: {strip_prefix: /api}}
                  - {name: hello, match: {path: /hello}, respond: {status: 200, body: hi}}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            for (int i = 0; i < 3; i++) {
                assertThat(g.get("/api/x").statusCode()).isEqualTo(200);
            }
            assertThat(g.get("/api/status?code=503").statusCode()).isEqualTo(503);
            assertThat(g.get("/api/status?code=503").statusCode()).isEqualTo(503);
            assertThat(g.get("/hello").statusCode()).isEqualTo(200);
            assertThat(g.get("/nowhere").statusCode()).isEqualTo(404);
            AdminClient admin = new AdminClient(g.adminPort(), "");
            assertThat(admin.put("/routes/more", "{\"match\": {\"path\": \"/more\"}, \"upstream\": \"svc\"}").status()).isEqualTo(201);
            assertThat(admin.put("/routes/bad", "{\"match\": {\"path\": \"/bad\"}, \"upstream\": \"none\"}").status()).isEqualTo(400);

            // The observer records on completion, just after the last byte is written: the client may be faster.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Double> m = samples(admin.get("/metrics").body());
                assertThat(m).containsEntry("archway_requests_total{method=\"GET\",route=\"api\",status=\"200\",upstream=\"svc\"}", 3.0);
                assertThat(m).containsEntry("archway_requests_total{method=\"GET\",route=\"api\",status=\"503\",upstream=\"svc\"}", 2.0);
                assertThat(m).containsEntry("archway_requests_total{method=\"GET\",route=\"hello\",status=\"200\",upstream=\"\"}", 1.0);
                assertThat(m).containsEntry("archway_requests_total{method=\"GET\",route=\"\",status=\"404\",upstream=\"\"}", 1.0);
            });
            AdminClient.Reply scrape = admin.get("/metrics");
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            Map<String, Double> m = samples(scrape.body());

            assertThat(m).containsEntry("archway_request_duration_seconds_count{method=\"GET\",route=\"api\",status_class=\"2xx\",upstream=\"svc\"}", 3.0);
            assertThat(m).containsEntry("archway_request_duration_seconds_count{method=\"GET\",route=\"api\",status_class=\"5xx\",upstream=\"svc\"}", 2.0);
            assertThat(m).containsEntry("archway_request_duration_seconds_bucket{method=\"GET\",route=\"api\",status_class=\"2xx\",upstream=\"svc\",le=\"+Inf\"}", 3.0);
            assertThat(m).containsKey("archway_request_duration_seconds_bucket{method=\"GET\",route=\"api\",status_class=\"2xx\",upstream=\"svc\",le=\"0.005\"}");
            assertThat(m).containsEntry("archway_upstream_duration_seconds_count{target=\"" + a.address() + "\",upstream=\"svc\"}", 5.0);
            assertThat(m).containsEntry("archway_upstream_target_healthy{target=\"" + a.address() + "\",upstream=\"svc\"}", 1.0);
            assertThat(m).containsKey("archway_active_connections");
            assertThat(m.get("archway_active_connections")).isGreaterThanOrEqualTo(0);
            assertThat(m).containsEntry("archway_config_reloads_total{result=\"success\"}", 1.0);
            assertThat(m).containsEntry("archway_config_reloads_total{result=\"failure\"}", 1.0);
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_gc_"));
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("netty_eventexecutor_tasks_pending"));
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("netty_allocator_memory_used") && k.contains("direct"));
            assertThat(scrape.body()).contains("# TYPE archway_request_duration_seconds histogram");
        }
    }

    @Test
    void countsRateLimitedRequestsAndCacheResults() {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - {name: limited, match: {path: /limited}, upstream: svc, filters: {rate_limit: {limit: 1, per: 1h}}}
                  - {name: cached, match: {path: /cached}, upstream: svc, filters: {cache: {ttl: 60s}}}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            assertThat(g.get("/limited").statusCode()).isEqualTo(200);
            assertThat(g.get("/limited").statusCode()).isEqualTo(429);
            assertThat(g.get("/limited").statusCode()).isEqualTo(429);
            assertThat(g.get("/cached").headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(g.get("/cached").headers().firstValue("X-Cache")).hasValue("HIT");
            AdminClient admin = new AdminClient(g.adminPort(), "");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Double> m = samples(admin.get("/metrics").body());
                assertThat(m).containsEntry("archway_rate_limited_total{route=\"limited\"}", 2.0);
                assertThat(m).containsEntry("archway_cache_requests_total{result=\"miss\",route=\"cached\"}", 1.0);
                assertThat(m).containsEntry("archway_cache_requests_total{result=\"hit\",route=\"cached\"}", 1.0);
            });
        }
    }

    @Test
    void aRemovedRouteAndTargetLeaveTheScrape() {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - {name: api, match: {path: /api/**}, upstream: svc}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            AdminClient admin = new AdminClient(g.adminPort(), "");
            assertThat(admin.put("/routes/gone", "{\"match\": {\"path\": \"/gone\"}, \"upstream\": \"svc\"}").status()).isEqualTo(201);
            assertThat(g.get("/gone").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/metrics").body().contains("route=\"gone\""));
            assertThat(admin.delete("/routes/gone").status()).isEqualTo(204);
            assertThat(admin.get("/metrics").body()).doesNotContain("route=\"gone\"");
        }
    }
}
