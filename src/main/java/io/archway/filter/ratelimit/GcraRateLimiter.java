package io.archway.filter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process {@link RateLimiter}: one GCRA cell per key, i.e. a token bucket kept as a single
 * number, the "theoretical arrival time" (TAT). A bucket of {@code burst} tokens refilled every
 * {@code T = per / limit} is full when TAT is in the past; taking a token moves TAT by T; a request is
 * refused when that would put TAT more than {@code burst * T} ahead of now. One compare-and-set per
 * request, no lock, no allocation but the decision: exact under any concurrency.
 *
 * <p>Memory is bounded twice. A cell whose key has been idle for the fill time describes a full
 * bucket, which is what a missing cell means too, so cells expire after that long without a request
 * (no information is lost). And the table holds at most {@code maxKeys} cells: beyond that Caffeine
 * evicts the least frequently used, whose bucket is then forgotten (that key may burst again), which
 * keeps a flood of one-off keys from growing the heap or pushing out the busy keys that are limited.
 */
public final class GcraRateLimiter implements RateLimiter {
    /** Cells per limiter: about 20 MB at most (measured: 18 MB for 100,000 IPv4 keys). */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    /** TAT of a cell that left the table; a request that still holds it looks the key up again. */
    private static final long DEAD = Long.MIN_VALUE;

    private final long emission;
    private final long tolerance;
    private final Ticker ticker;
    private final long origin;
    private final Cache<String, Cell> cells;
    private final LongAdder rejected = new LongAdder();

    /** A bucket's state: TAT in nanoseconds since the limiter's origin (0 or less: full). */
    private static final class Cell extends AtomicLong {
    }

    public GcraRateLimiter(RateLimitConfig config) {
        // Expiry and eviction run on the thread that touched the table, a few entries at a time. Handed to
        // another thread, they cost a wake-up and a lock handoff every few dozen requests: 13% of the event
        // loop's CPU under load, in a profile of the jwt + rate_limit benchmark.
        this(config, DEFAULT_MAX_KEYS, Ticker.systemTicker(), Runnable::run);
    }

    /** With a table bound, a clock and an executor for the table's housekeeping of its own, for tests. */
    public GcraRateLimiter(RateLimitConfig config, int maxKeys, Ticker ticker, Executor housekeeping) {
        this.emission = config.emissionNanos();
        this.tolerance = config.fillNanos();
        this.ticker = ticker;
        this.origin = ticker.read();
        this.cells = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                // Idle for the fill time plus a margin: the bucket is full, forgetting it changes nothing.
                .expireAfterAccess(Duration.ofNanos(tolerance).plusSeconds(1))
                .ticker(ticker)
                .executor(housekeeping)
                .evictionListener((String key, Cell cell, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (cell != null) {
                        cell.set(DEAD);
                    }
                })
                .build();
    }

    @Override
    public CompletionStage<Decision> acquire(String key) {
        return CompletableFuture.completedFuture(tryAcquire(key));
    }

    /** {@link #acquire} without the future, for callers on this process. */
    public Decision tryAcquire(String key) {
        Cell cell = cells.get(key, k -> new Cell());
        for (;;) {
            long tat = cell.get();
            if (tat == DEAD) {
                cell = cells.get(key, k -> new Cell());
                continue;
            }
            long now = ticker.read() - origin;
            long next = Math.max(tat, now) + emission;
            long ahead = next - now;
            if (ahead > tolerance) {
                rejected.increment();
                // Refused: TAT stays, so the bucket is full at TAT and has a token again at TAT + T - burst*T.
                return new Decision(false, 0, tat - now, ahead - tolerance);
            }
            if (cell.compareAndSet(tat, next)) {
                return new Decision(true, (tolerance - ahead) / emission, ahead, 0);
            }
        }
    }

    @Override
    public long rejected() {
        return rejected.sum();
    }

    /** Live cells now (pending evictions and expiries applied). */
    long size() {
        cells.cleanUp();
        return cells.asMap().keySet().stream().count();
    }
}
