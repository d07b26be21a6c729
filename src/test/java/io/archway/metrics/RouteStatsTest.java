package io.archway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouteStatsTest {

    @Test
    void percentilesInterpolateWithinTheBucketOfTheInterval() {
        RouteStats s = new RouteStats();
        RouteStats.Sample before = s.sample();
        // 90 requests between 10 and 25 ms, 10 between 250 and 500 ms.
        for (int i = 0; i < 90; i++) {
            s.record(200, TimeUnit.MILLISECONDS.toNanos(20));
        }
        for (int i = 0; i < 10; i++) {
            s.record(503, TimeUnit.MILLISECONDS.toNanos(300));
        }
        RouteStats.Sample after = s.sample();
        assertThat(after.requests() - before.requests()).isEqualTo(100);
        assertThat(after.errors() - before.errors()).isEqualTo(10);
        assertThat(after.quantileMillis(before, 0.5)).isBetween(10.0, 25.0);
        assertThat(after.quantileMillis(before, 0.99)).isBetween(250.0, 500.0);
        assertThat(after.quantileMillis(before, 0.99)).isCloseTo(475.0, within(0.01));
        assertThat(after.quantileMillis(after, 0.5)).as("no requests in the interval").isNaN();
    }

    @Test
    void slowerThanTheLastBoundReportsTheLastBound() {
        RouteStats s = new RouteStats();
        RouteStats.Sample before = s.sample();
        s.record(200, TimeUnit.SECONDS.toNanos(120));
        assertThat(s.sample().quantileMillis(before, 0.5)).isEqualTo(60_000.0);
    }
}
