package io.archway.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.filter.ratelimit.RateLimiter.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GcraRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(123_456_789L);

    private GcraRateLimiter limiter(int limit, Duration per, int burst) {
        return new GcraRateLimiter(new RateLimitConfig(limit, per, RateLimitConfig.KeyKind.IP, null, burst),
                GcraRateLimiter.DEFAULT_MAX_KEYS, clock::get, Runnable::run);
    }

    @Test
    void aFullBucketAdmitsBurstThenRefusesUntilATokenIsBack() {
        GcraRateLimiter l = limiter(10, Duration.ofSeconds(10), 3);   // one token per second, bucket of 3

        Decision first = l.tryAcquire("a");
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.resetSeconds()).isEqualTo(1);
        assertThat(l.tryAcquire("a").remaining()).isEqualTo(1);
        Decision third = l.tryAcquire("a");
        assertThat(third.remaining()).isZero();
        assertThat(third.resetSeconds()).as("three tokens to refill").isEqualTo(3);

        Decision refused = l.tryAcquire("a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).isEqualTo(3);
        assertThat(l.rejected()).isEqualTo(1);

        clock.addAndGet(SECOND - 1);
        assertThat(l.tryAcquire("a").allowed()).as("one nanosecond early").isFalse();
        clock.addAndGet(1);
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        assertThat(l.tryAcquire("a").allowed()).isFalse();
        assertThat(l.rejected()).isEqualTo(3);
    }

    @Test
    void retryAfterAndResetRoundUp() {
        GcraRateLimiter l = limiter(2, Duration.ofSeconds(3), 2);   // a token every 1.5 s
        l.tryAcquire("k");
        l.tryAcquire("k");
        clock.addAndGet(SECOND / 10);
        Decision d = l.tryAcquire("k");
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterNanos()).isEqualTo(1_400_000_000L);
        assertThat(d.retryAfterSeconds()).isEqualTo(2);
        assertThat(d.resetNanos()).isEqualTo(2_900_000_000L);
        assertThat(d.resetSeconds()).isEqualTo(3);
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        GcraRateLimiter l = limiter(1, Duration.ofHours(1), 1);
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        assertThat(l.tryAcquire("a").allowed()).isFalse();
        assertThat(l.tryAcquire("b").allowed()).isTrue();
    }

    @Test
    void anIdleBucketRefillsToBurstAndNoFurther() {
        GcraRateLimiter l = limiter(60, Duration.ofMinutes(1), 5);
        for (int i = 0; i < 5; i++) {
            assertThat(l.tryAcquire("a").allowed()).isTrue();
        }
        clock.addAndGet(Duration.ofHours(1).toNanos());
        int admitted = 0;
        while (l.tryAcquire("a").allowed()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(5);
    }

    @Test
    void idleCellsExpireWithoutChangingTheOutcome() {
        GcraRateLimiter l = limiter(10, Duration.ofSeconds(10), 10);
        for (int i = 0; i < 1000; i++) {
            l.tryAcquire("key-" + i);
        }
        assertThat(l.size()).isEqualTo(1000);
        for (int i = 0; i < 10; i++) {
            l.tryAcquire("busy");
        }
        clock.addAndGet(Duration.ofSeconds(12).toNanos());
        assertThat(l.size()).as("every bucket is full again, so no cell is needed").isZero();
        int admitted = 0;
        while (l.tryAcquire("busy").allowed()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(10);
    }

    @Test
    void aMillionDistinctKeysStayWithinTheTableBound() {
        GcraRateLimiter l = limiter(100, Duration.ofHours(1), 100);
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(l.tryAcquire("10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255)).allowed()).isTrue();
        }
        assertThat(l.size()).isLessThanOrEqualTo(GcraRateLimiter.DEFAULT_MAX_KEYS);
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        assertThat(used).as("heap in use after a million keys").isLessThan(256L * 1024 * 1024);
    }

    @Test
    void concurrentTakersGetExactlyTheBurst() throws Exception {
        GcraRateLimiter l = new GcraRateLimiter(new RateLimitConfig(500, Duration.ofHours(1),
                RateLimitConfig.KeyKind.IP, null, 500));
        int threads = 8;
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    if (l.tryAcquire("hot").allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        assertThat(admitted.get()).isEqualTo(500);
        assertThat(l.rejected()).isEqualTo(threads * 10_000L - 500);
    }
}
