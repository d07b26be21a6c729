package io.archway.upstream;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of an upstream's targets: which of them may take traffic now and with what
 * effective weight (the configured weight, ramped down during slow start). Health checks replace the
 * snapshot, never edit it, so balancers read it without locks and never see half an update.
 *
 * <p>Effective weights are in hundredths of a configured weight unit, so a slow start can ramp a
 * weight-1 target in 1% steps.
 */
public final class TargetSnapshot {
    /** Effective weight of a fully ramped target of configured weight 1. */
    public static final int UNIT = 100;

    private final List<Target> all;
    private final List<Target> healthy;
    private final Target[] targets;
    private final int[] weights;
    private final long[] cumulative;
    private final int[] scheduleIndex;
    private final Target[] schedule;

    /** A snapshot whose healthy targets have their full configured weight. */
    public TargetSnapshot(List<Target> all, List<Target> healthy) {
        this(all, healthy, fullWeights(healthy));
    }

    /** {@code weights[i]} is the effective weight of {@code healthy.get(i)}, in {@link #UNIT}s per weight. */
    public TargetSnapshot(List<Target> all, List<Target> healthy, int[] weights) {
        if (weights.length != healthy.size()) {
            throw new IllegalArgumentException("weights: " + weights.length + " (expected: " + healthy.size() + ")");
        }
        this.all = List.copyOf(all);
        this.healthy = List.copyOf(healthy);
        this.targets = this.healthy.toArray(new Target[0]);
        this.weights = weights.clone();
        this.cumulative = new long[weights.length];
        long sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] <= 0) {
                throw new IllegalArgumentException("weights[" + i + "]: " + weights[i] + " (expected: > 0)");
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        this.scheduleIndex = SmoothWeights.schedule(this.weights);
        this.schedule = new Target[scheduleIndex.length];
        for (int k = 0; k < scheduleIndex.length; k++) {
            schedule[k] = targets[scheduleIndex[k]];
        }
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

    private static int[] fullWeights(List<Target> healthy) {
        int[] w = new int[healthy.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, healthy.get(i).weight()) * UNIT;
        }
        return w;
    }

    public List<Target> all() {
        return all;
    }

    /** Targets that may take traffic: healthy, not ejected, weight above zero. */
    public List<Target> healthy() {
        return healthy;
    }

    /** How many targets may take traffic. */
    public int size() {
        return targets.length;
    }

    /** The i-th target that may take traffic. */
    public Target target(int i) {
        return targets[i];
    }

    /** The effective weight of {@link #target(int) target(i)}, in {@link #UNIT}s per configured weight. */
    public int weight(int i) {
        return weights[i];
    }

    /** The sum of all effective weights (0 when no target may take traffic). */
    public long totalWeight() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /**
     * The index whose weight interval holds {@code r}, for {@code 0 <= r < totalWeight()}: the weighted
     * draw of random and power-of-two-choices balancers, a binary search with no allocation.
     */
    public int indexAt(long r) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The effective weight of a target by identity, or 0 when it may not take traffic now. */
    public int weightOf(@Nullable Target t) {
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == t) {
                return weights[i];
            }
        }
        return 0;
    }

    /**
     * One cycle of smooth weighted round robin over the healthy targets (weights 5:1:1 give
     * a a b a c a a, not a burst of five), shared by every balancer that walks it with a counter.
     */
    public Target[] schedule() {
        return schedule;
    }

    /** The same cycle as indices into {@link #target(int)}. Do not modify. */
    public int[] scheduleIndex() {
        return scheduleIndex;
    }
}
