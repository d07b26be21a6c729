package io.archway.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable view of an upstream's targets and which of them may take traffic now. Health checks
 * replace the snapshot, never edit it, so balancers read it without locks.
 */
public final class TargetSnapshot {
    private final List<Target> all;
    private final List<Target> healthy;
    private final Target[] schedule;

    public TargetSnapshot(List<Target> all, List<Target> healthy) {
        this.all = List.copyOf(all);
        this.healthy = List.copyOf(healthy);
        this.schedule = SmoothWeights.schedule(this.healthy);
    }

    public static TargetSnapshot allHealthy(List<Target> targets) {
        List<Target> weighted = new ArrayList<>();
        for (Target t : targets) {
            if (t.weight() > 0) {
                weighted.add(t);
            }
        }
        return new TargetSnapshot(targets, weighted);
    }

    public List<Target> all() {
        return all;
    }

    /** Targets that may take traffic: healthy, not ejected, weight above zero. */
    public List<Target> healthy() {
        return healthy;
    }

    /**
     * One cycle of smooth weighted round robin over the healthy targets (weights 5:1:1 give
     * a a b a c a a, not a burst of five), shared by every balancer that walks it with a counter.
     */
    public Target[] schedule() {
        return schedule;
    }
}
