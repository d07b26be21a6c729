package io.archway.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("a");

    private String config(String rateLimit) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: limited
                    match: {path: /limited/**}
                    upstream: svc
                    filters:
                      rate_limit: %s
                  - name: free
                    match: {path: /free}
                    upstream: svc
                """.formatted(backend.address(), rateLimit);
    }

    @Test
    void admitsExactlyTheLimitOfAThousandConcurrentRequests() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{limit: 100, per: 1h, key: route}"))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                all.add(RunningGateway.client().sendAsync(
                        HttpRequest.newBuilder(g.uri("/limited/" + i)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int limited = 0;
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    ok++;
                } else if (r.statusCode() == 429) {
                    limited++;
                }
            }
            assertThat(ok).isEqualTo(100);
            assertThat(limited).isEqualTo(900);
            assertThat(backend.seen()).hasSize(100);
        }
    }

    @Test
    void everyResponseOfTheRouteCarriesTheBucketAndA429SaysWhenToRetry() {
        try (RunningGateway g = RunningGateway.start(config("{limit: 2, per: 1h, burst: 2}"))) {
            HttpResponse<String> first = g.get("/limited/a");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("2");
            assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
            assertThat(first.headers().firstValue("RateLimit-Reset")).hasValue("1800");
            HttpResponse<String> second = g.get("/limited/a");
            assertThat(second.headers().firstValue("RateLimit-Remaining")).hasValue("0");
            assertThat(second.headers().firstValue("RateLimit-Reset")).hasValue("3600");

            HttpResponse<String> refused = g.get("/limited/a");
            assertThat(refused.statusCode()).isEqualTo(429);
            String id = refused.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(refused.body()).isEqualTo("{\"error\":\"rate_limited\",\"request_id\":\"" + id + "\"}");
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1800");
            assertThat(refused.headers().firstValue("RateLimit-Limit")).hasValue("2");
            assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
            assertThat(refused.headers().firstValue("RateLimit-Reset")).hasValue("3600");
            assertThat(backend.seen()).hasSize(2);

            HttpResponse<String> other = g.get("/free");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().firstValue("RateLimit-Limit")).as("another route is not limited").isEmpty();
        }
    }

    @Test
    void headerKeysHaveTheirOwnBucketsAndAMissingHeaderFallsBackToTheClientAddress() {
        try (RunningGateway g = RunningGateway.start(config("{limit: 1, per: 1h, key: \"header:X-Tenant\"}"))) {
            assertThat(get(g, "X-Tenant", "t1").statusCode()).isEqualTo(200);
            assertThat(get(g, "X-Tenant", "t1").statusCode()).isEqualTo(429);
            assertThat(get(g, "X-Tenant", "t2").statusCode()).isEqualTo(200);
            assertThat(g.get("/limited/x").statusCode()).as("no header: the client address's bucket").isEqualTo(200);
            assertThat(g.get("/limited/x").statusCode()).isEqualTo(429);
            assertThat(get(g, "X-Tenant", "127.0.0.1").statusCode())
                    .as("a header naming an address never spends that address's tokens").isEqualTo(200);
        }
    }

    @Test
    void consumerKeyWithoutAConsumerUsesTheClientAddress() {
        try (RunningGateway g = RunningGateway.start(config("{limit: 1, per: 1h, key: consumer}"))) {
            assertThat(g.get("/limited/x").statusCode()).isEqualTo(200);
            assertThat(g.get("/limited/y").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void ipKeysFollowTheClientAddressOfTrustedProxies() {
        String yaml = "trusted_proxies: [127.0.0.0/8]\n" + config("{limit: 1, per: 1h, key: ip}");
        try (RunningGateway g = RunningGateway.start(yaml)) {
            assertThat(get(g, "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(200);
            assertThat(get(g, "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(429);
            assertThat(get(g, "X-Forwarded-For", "198.51.100.2").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> RunningGateway.start(config("{limit: 0, per: fast, key: user, burst: -1}")))
                .hasMessageContaining("routes[0].filters.rate_limit.limit: 0 (expected: an integer in 1..2147483647)")
                .hasMessageContaining("routes[0].filters.rate_limit.per: \"fast\" (expected: a duration like 250ms, 2s, 1m or 1h)")
                .hasMessageContaining("routes[0].filters.rate_limit.key: \"user\" (expected: ip, consumer, route or header:NAME)")
                .hasMessageContaining("routes[0].filters.rate_limit.burst: -1 (expected: an integer in 1..2147483647)");
        assertThatThrownBy(() -> RunningGateway.start(config("{per: 1s}")))
                .hasMessageContaining("routes[0].filters.rate_limit.limit: missing (expected: an integer in 1..2147483647)");
    }

    private static HttpResponse<String> get(RunningGateway g, String header, String value) {
        return g.send(HttpRequest.newBuilder(g.uri("/limited/x")).header(header, value).build());
    }
}
