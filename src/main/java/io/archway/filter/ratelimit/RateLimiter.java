package io.archway.filter.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Token buckets by key: takes one token per call. The in-process {@link GcraRateLimiter} answers at
 * once; a shared store (Redis, for cluster mode) completes later, and the filter resumes on the
 * request's event loop. Called concurrently from every event loop; must not block.
 *
 * <pre>{@code
 * RateLimiter limiter = new GcraRateLimiter(RateLimitConfig.of(100, Duration.ofMinutes(1)));
 * limiter.acquire("203.0.113.7").thenAccept(d -> System.out.println(d.allowed()));
 * }</pre>
 */
public interface RateLimiter {

    /** Takes one token from the bucket of {@code key}, or says when one will be there. */
    CompletionStage<Decision> acquire(String key);

    /** How many calls were refused so far (for {@code archway_rate_limited_total}). */
    long rejected();

    /**
     * The outcome of one {@link #acquire}: whether the request may go on, the tokens left, the time
     * until the bucket is full again and, when refused, the time until one token is back.
     */
    record Decision(boolean allowed, long remaining, long resetNanos, long retryAfterNanos) {

        /** Delta-seconds until the bucket is full, rounded up ({@code RateLimit-Reset}). */
        public long resetSeconds() {
            return ceilSeconds(resetNanos);
        }

        /** Seconds until one token is available, rounded up ({@code Retry-After}); 0 when allowed. */
        public long retryAfterSeconds() {
            return ceilSeconds(retryAfterNanos);
        }

        private static long ceilSeconds(long nanos) {
            return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
        }
    }
}
