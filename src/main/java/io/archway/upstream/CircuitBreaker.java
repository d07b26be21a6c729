package io.archway.upstream;

import io.archway.config.UpstreamConfig.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-upstream circuit breaker: closed, it counts the outcomes of the last {@code min_requests}
 * attempts and opens when at least {@code failure_rate} of them failed; open, it refuses every request
 * for {@code open_for}; then half-open, it lets one probe through at a time, and the probe's outcome
 * closes or re-opens it. Lock-free: the state is an atomic, the window a ring of atomics.
 */
final class CircuitBreaker {
    private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);
    static final int CLOSED = 0;
    static final int OPEN = 1;
    static final int HALF_OPEN = 2;

    private final String upstream;
    private final double failureRate;
    private final int minRequests;
    private final long openForNanos;
    /** A probe whose outcome never arrives (its client left) stops blocking the next one after this. */
    private final long probeTimeoutNanos;
    private final AtomicInteger state = new AtomicInteger(CLOSED);
    private volatile long openUntil;
    private static final long NO_PROBE = Long.MIN_VALUE;
    /** Until when the half-open probe slot is taken; NO_PROBE when free. */
    private final AtomicLong probeUntil = new AtomicLong(NO_PROBE);
    private final AtomicReference<Window> window;

    CircuitBreaker(String upstream, CircuitBreakerConfig config, Duration probeTimeout) {
        this.upstream = upstream;
        this.failureRate = config.failureRate();
        this.minRequests = config.minRequests();
        this.openForNanos = config.openFor().toNanos();
        this.probeTimeoutNanos = probeTimeout.toNanos();
        this.window = new AtomicReference<>(new Window(minRequests));
    }

    /** Whether a request may go to the upstream now; in half-open state this takes the probe slot. */
    boolean allow(long now) {
        int s = state.get();
        if (s == CLOSED) {
            return true;
        }
        if (s == OPEN) {
            if (now - openUntil < 0) {
                return false;
            }
            if (state.compareAndSet(OPEN, HALF_OPEN)) {
                log.info("upstream {}: circuit half-open, probing", upstream);
            }
        }
        long p = probeUntil.get();
        return (p == NO_PROBE || now - p >= 0) && probeUntil.compareAndSet(p, now + probeTimeoutNanos);
    }

    /** Whether a retry may go out: only while closed, so a half-open breaker sees one probe, not its retries. */
    boolean closed() {
        return state.get() == CLOSED;
    }

    int state() {
        return state.get();
    }

    void onSuccess(long now) {
        int s = state.get();
        if (s == HALF_OPEN) {
            if (state.compareAndSet(HALF_OPEN, CLOSED)) {
                window.set(new Window(minRequests));
                probeUntil.set(NO_PROBE);
                log.info("upstream {}: circuit closed", upstream);
            }
        } else if (s == CLOSED) {
            window.get().record(false);
        }
    }

    void onFailure(long now) {
        int s = state.get();
        if (s == HALF_OPEN) {
            open(HALF_OPEN, now, "the probe failed");
        } else if (s == CLOSED) {
            Window w = window.get();
            long failures = w.record(true);
            long count = w.count();
            if (count >= minRequests && failures >= failureRate * count) {
                open(CLOSED, now, failures + " of the last " + count + " attempts failed");
            }
        }
    }

    private void open(int from, long now, String why) {
        openUntil = now + openForNanos;
        // The next half-open period starts with its probe slot free, whatever the last probe left there.
        probeUntil.set(NO_PROBE);
        if (state.compareAndSet(from, OPEN)) {
            log.warn("upstream {}: circuit open for {} ms ({})", upstream, openForNanos / 1_000_000, why);
        }
    }

    /** The outcomes of the last {@code size} attempts: 0 none yet, 1 success, 2 failure. */
    private static final class Window {
        private final AtomicIntegerArray slots;
        private final AtomicLong cursor = new AtomicLong();
        private final AtomicInteger failures = new AtomicInteger();

        Window(int size) {
            slots = new AtomicIntegerArray(size);
        }

        /** Records one outcome; returns the failures now in the window. */
        long record(boolean failed) {
            long i = cursor.getAndIncrement();
            int old = slots.getAndSet((int) (i % slots.length()), failed ? 2 : 1);
            int delta = (failed ? 1 : 0) - (old == 2 ? 1 : 0);
            return delta == 0 ? failures.get() : failures.addAndGet(delta);
        }

        long count() {
            return Math.min(cursor.get(), slots.length());
        }
    }
}
