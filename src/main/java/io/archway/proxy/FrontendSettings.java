package io.archway.proxy;

import io.archway.runtime.Snapshot;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** What every downstream connection of one listener shares: the live snapshot and gateway-wide counters. */
public final class FrontendSettings {
    final Supplier<Snapshot> snapshots;
    final String scheme;
    /** Open downstream connections (the {@code limits.max_connections} gauge). */
    final AtomicInteger connections;
    /** Requests between head received and response done; shutdown waits for zero. */
    final AtomicInteger inFlight;
    volatile boolean draining;

    public FrontendSettings(Supplier<Snapshot> snapshots, String scheme, AtomicInteger connections,
                            AtomicInteger inFlight) {
        this.snapshots = snapshots;
        this.scheme = scheme;
        this.connections = connections;
        this.inFlight = inFlight;
    }

    /** From now on, connections close after their current response instead of waiting for another. */
    public void drain() {
        draining = true;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int connections() {
        return connections.get();
    }
}
