package io.archway.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative request count, 5xx count and a latency histogram of one route, for the dashboard's
 * per-second rates and percentiles. LongAdders: event loops add without contending with each other.
 */
public final class RouteStats {
    static final long[] BOUNDS_NANOS = new long[MetricNames.BUCKETS.length];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            BOUNDS_NANOS[i] = MetricNames.BUCKETS[i].toNanos();
        }
    }

    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    /** One per bound, plus the overflow bucket; not cumulative. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];

    RouteStats() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(int status, long nanos) {
        requests.increment();
        if (status >= 500) {
            errors.increment();
        }
        buckets[bucket(nanos)].increment();
    }

    private static int bucket(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        return i;
    }

    /** The counts now; differences of two samples give rates and percentiles over the interval. */
    Sample sample() {
        long[] b = new long[buckets.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = buckets[i].sum();
        }
        return new Sample(requests.sum(), errors.sum(), b);
    }

    /** Cumulative counts at one moment. */
    record Sample(long requests, long errors, long[] buckets) {
        static final Sample ZERO = new Sample(0, 0, new long[BOUNDS_NANOS.length + 1]);

        /**
         * The latency below which {@code q} (0..1) of the requests between {@code earlier} and this sample
         * fell, in milliseconds, interpolated within its bucket; NaN when there were none.
         */
        double quantileMillis(Sample earlier, double q) {
            long total = 0;
            long[] d = new long[buckets.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = buckets[i] - earlier.buckets[i];
                total += d[i];
            }
            if (total <= 0) {
                return Double.NaN;
            }
            double rank = q * total;
            long seen = 0;
            for (int i = 0; i < d.length; i++) {
                if (d[i] > 0 && seen + d[i] >= rank) {
                    long lower = i == 0 ? 0 : BOUNDS_NANOS[i - 1];
                    // The overflow bucket has no upper bound: report its lower one.
                    long upper = i < BOUNDS_NANOS.length ? BOUNDS_NANOS[i] : lower;
                    double within = (rank - seen) / d[i];
                    return (lower + within * (upper - lower)) / (double) TimeUnit.MILLISECONDS.toNanos(1);
                }
                seen += d[i];
            }
            return BOUNDS_NANOS[BOUNDS_NANOS.length - 1] / 1e6;
        }
    }
}
