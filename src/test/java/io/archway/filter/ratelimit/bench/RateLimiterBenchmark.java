package io.archway.filter.ratelimit.bench;

import io.archway.filter.ratelimit.GcraRateLimiter;
import io.archway.filter.ratelimit.RateLimitConfig;
import io.archway.filter.ratelimit.RateLimiter.Decision;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Admission cost of the two limiters: one hot key (every thread on one bucket: the contended case) and
 * 10,000 keys (the table case). The limit is high so that every call takes the admitting path.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.openjdk.jmh.Main RateLimiterBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(2)
public class RateLimiterBenchmark {
    private static final int KEYS = 10_000;
    private GcraRateLimiter gcra;
    private Bucket4jRateLimiter bucket4j;
    private final String[] keys = new String[KEYS];

    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        RateLimitConfig config = RateLimitConfig.of(1_000_000_000, Duration.ofSeconds(1));
        gcra = new GcraRateLimiter(config);
        bucket4j = new Bucket4jRateLimiter(config);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "10.0." + (i >>> 8) + "." + (i & 255);
        }
    }

    @Benchmark
    public Decision gcraHotKey() {
        return gcra.tryAcquire("hot");
    }

    @Benchmark
    public Decision bucket4jHotKey() {
        return bucket4j.tryAcquire("hot");
    }

    @Benchmark
    public Decision gcraManyKeys(Cursor c) {
        return gcra.tryAcquire(keys[c.next++ % KEYS]);
    }

    @Benchmark
    public Decision bucket4jManyKeys(Cursor c) {
        return bucket4j.tryAcquire(keys[c.next++ % KEYS]);
    }
}
