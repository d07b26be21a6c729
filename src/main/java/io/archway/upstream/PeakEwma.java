package io.archway.upstream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak-EWMA of a target's latency, as Finagle and Linkerd compute it: a sample above the average
 * replaces it at once (a target that turns slow is noticed on its first slow answer), a sample below it
 * is blended in with a weight that grows with the time since the last sample. Reads decay the value
 * towards zero with the same time constant, so a target nobody picks any more is eventually tried again.
 *
 * <p>Lock-free: the value and its timestamp are two atomics, and a race between two writers at most
 * loses one sample, which an average can afford.
 */
public final class PeakEwma {
    /** The decay time constant (Finagle's default). */
    public static final long TAU_NANOS = 10_000_000_000L;

    private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));
    private volatile long stampNanos;

    PeakEwma(long nowNanos) {
        this.stampNanos = nowNanos;
    }

    /** Adds one latency sample taken at {@code nowNanos}. */
    public void observe(long latencyNanos, long nowNanos) {
        double sample = Math.max(0, latencyNanos);
        long prevStamp = stampNanos;
        stampNanos = nowNanos;
        long cur;
        double next;
        do {
            cur = bits.get();
            double old = Double.longBitsToDouble(cur);
            if (sample > old) {
                next = sample;
            } else {
                double w = Math.exp(-Math.max(0, nowNanos - prevStamp) / (double) TAU_NANOS);
                next = old * w + sample * (1 - w);
            }
        } while (!bits.compareAndSet(cur, Double.doubleToRawLongBits(next)));
    }

    /** The average in nanoseconds at {@code nowNanos}, decayed since the last sample; 0 before any. */
    public double value(long nowNanos) {
        double v = Double.longBitsToDouble(bits.get());
        if (v == 0) {
            return 0;
        }
        long age = nowNanos - stampNanos;
        return age <= 0 ? v : v * Math.exp(-age / (double) TAU_NANOS);
    }
}
