package io.archway.upstream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries at 20% of an upstream's requests, plus a reserve of 10, so that when every target
 * fails, retries add at most a fifth to the load instead of multiplying it by {@code attempts + 1}.
 * Each first attempt deposits 0.2 retries, each retry withdraws one; the balance never exceeds the
 * reserve, so over any stretch of N requests there are at most {@code 10 + 0.2 N} retries.
 */
public final class RetryBudget {
    static final long MILLIS_PER_RETRY = 1000;
    static final long DEPOSIT = 200;
    static final long RESERVE = 10 * MILLIS_PER_RETRY;

    /** Thousandths of a retry. */
    private final AtomicLong balance = new AtomicLong(RESERVE);

    /** A first attempt went out. */
    public void deposit() {
        long b;
        do {
            b = balance.get();
            if (b >= RESERVE) {
                return;
            }
        } while (!balance.compareAndSet(b, Math.min(RESERVE, b + DEPOSIT)));
    }

    /** Takes one retry from the budget; false when it is spent. */
    public boolean tryWithdraw() {
        long b;
        do {
            b = balance.get();
            if (b < MILLIS_PER_RETRY) {
                return false;
            }
        } while (!balance.compareAndSet(b, b - MILLIS_PER_RETRY));
        return true;
    }
}
