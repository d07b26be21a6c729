package io.archway.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target's health, fed by passive checks (every event loop) and active checks (the upstream's home
 * loop). Balancers never read it: {@link Upstream} turns it into a new {@link TargetSnapshot}.
 */
final class TargetHealth {
    /** Consecutive connect failures and 5xx answers; reset by any other answer. */
    final AtomicInteger passiveFailures = new AtomicInteger();
    /** Nano time the passive ejection ends, or 0 when not ejected. */
    final AtomicLong ejectedUntil = new AtomicLong();
    /** What the active checks say; true until they say otherwise (DESIGN §7 "Upstream defaults"). */
    volatile boolean activeUp = true;
    /** Active check streaks; touched only by the checker on the home loop. */
    int probePasses;
    int probeFailures;
    /** Nano time the target last became available after being down or added, or 0: the slow-start origin. */
    volatile long upSince;
}
