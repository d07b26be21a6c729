package io.archway.filter.ratelimit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.filter.ratelimit.GcraRateLimiter;
import io.archway.filter.ratelimit.RateLimitConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The benchmark compares like with like only if both limiters admit the same requests. */
class Bucket4jRateLimiterTest {
    @Test
    void admitsWhatTheGcraLimiterAdmits() {
        RateLimitConfig config = new RateLimitConfig(5, Duration.ofHours(1), RateLimitConfig.KeyKind.IP, null, 3);
        GcraRateLimiter gcra = new GcraRateLimiter(config);
        Bucket4jRateLimiter bucket4j = new Bucket4jRateLimiter(config);
        for (int i = 0; i < 10; i++) {
            String key = "k" + (i % 2);
            assertThat(bucket4j.tryAcquire(key).allowed()).isEqualTo(gcra.tryAcquire(key).allowed());
        }
        assertThat(bucket4j.rejected()).isEqualTo(gcra.rejected()).isEqualTo(4);
    }
}
