package io.archway.filter.ratelimit.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.archway.filter.ratelimit.RateLimitConfig;
import io.archway.filter.ratelimit.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The alternative that was measured against {@link io.archway.filter.ratelimit.GcraRateLimiter}: a
 * Bucket4j lock-free bucket per key, in the same kind of Caffeine table, with the same semantics.
 */
public final class Bucket4jRateLimiter implements RateLimiter {
    private final RateLimitConfig config;
    private final Cache<String, Bucket> buckets;
    private final LongAdder rejected = new LongAdder();

    public Bucket4jRateLimiter(RateLimitConfig config) {
        this.config = config;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(Duration.ofNanos(config.fillNanos()).plusSeconds(1))
                .build();
    }

    @Override
    public CompletionStage<Decision> acquire(String key) {
        return CompletableFuture.completedFuture(tryAcquire(key));
    }

    public Decision tryAcquire(String key) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(config.burst())
                        .refillGreedy(config.limit(), config.per()).build())
                .build());
        ConsumptionProbe p = bucket.tryConsumeAndReturnRemaining(1);
        if (p.isConsumed()) {
            return new Decision(true, p.getRemainingTokens(), 0, 0);
        }
        rejected.increment();
        return new Decision(false, 0, 0, p.getNanosToWaitForRefill());
    }

    @Override
    public long rejected() {
        return rejected.sum();
    }
}
