package io.archway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.filter.Filter;
import io.archway.filter.RequestContext;
import io.archway.proxy.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The hooks other filter families call, and the bounded label set. */
class RequestMetricsFilterTest {
    private static final EventLoopGroup LOOPS = Transports.group(1, "metrics-test");

    @AfterAll
    static void stop() {
        LOOPS.shutdownGracefully();
    }

    private static RequestContext request(String method, int status) {
        RequestContext ctx = new RequestContext(new EmbeddedChannel(),
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/x"), "/x", null,
                InetAddress.getLoopbackAddress(), "127.0.0.1", 1024, System.nanoTime(), System.currentTimeMillis());
        ctx.status(status);
        return ctx;
    }

    @Test
    void rateLimitAndCacheOutcomesAreCountedPerRoute() {
        try (GatewayMetrics metrics = new GatewayMetrics(true, () -> 0, Map::of, LOOPS)) {
            Filter f = metrics.filterFor("r");
            RequestContext limited = request("GET", 429);
            RequestOutcomes.rateLimited(limited);
            f.onComplete(limited);
            RequestContext hit = request("GET", 200);
            RequestOutcomes.cache(hit, RequestOutcomes.CacheResult.HIT);
            f.onComplete(hit);
            RequestContext bypass = request("POST", 200);
            RequestOutcomes.cache(bypass, RequestOutcomes.CacheResult.BYPASS);
            f.onComplete(bypass);

            var samples = MetricsIntegrationTest.samples(metrics.scrape());
            assertThat(samples).containsEntry("archway_rate_limited_total{route=\"r\"}", 1.0);
            assertThat(samples).containsEntry("archway_cache_requests_total{result=\"hit\",route=\"r\"}", 1.0);
            assertThat(samples).containsEntry("archway_cache_requests_total{result=\"bypass\",route=\"r\"}", 1.0);
            assertThat(samples).doesNotContainKey("archway_cache_requests_total{result=\"miss\",route=\"r\"}");
        }
    }

    @Test
    void unknownMethodsShareOneLabel() {
        try (GatewayMetrics metrics = new GatewayMetrics(true, () -> 0, Map::of, LOOPS)) {
            Filter f = metrics.filterFor("r");
            f.onComplete(request("BREW", 200));
            f.onComplete(request("WHEN", 200));
            assertThat(MetricsIntegrationTest.samples(metrics.scrape()))
                    .containsEntry("archway_requests_total{method=\"OTHER\",route=\"r\",status=\"200\",upstream=\"\"}", 2.0);
        }
    }

    @Test
    void perRequestMetricsCanBeLeftOut() {
        try (GatewayMetrics metrics = new GatewayMetrics(false, () -> 0, Map::of, LOOPS)) {
            assertThat(metrics.filterFor("r")).isNull();
        }
    }

    @Test
    void dashboardSeriesGivesRatesAndPercentilesPerSecond() {
        try (GatewayMetrics metrics = new GatewayMetrics(true, () -> 0, Map::of, LOOPS)) {
            Filter f = metrics.filterFor("r");
            metrics.sample();
            for (int i = 0; i < 10; i++) {
                RequestContext ctx = request("GET", i == 0 ? 500 : 200);
                f.onComplete(ctx);
            }
            metrics.sample();
            var points = metrics.series("r");
            assertThat(points).hasSize(1);
            assertThat(points.get(0).rate()).isGreaterThan(0);
            assertThat(points.get(0).errorRate()).isGreaterThan(0).isLessThan(points.get(0).rate());
            assertThat(points.get(0).p50Millis()).isBetween(0.0, 1.0);
        }
    }
}
