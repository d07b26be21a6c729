package io.archway.upstream.balancer;

import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.Arrays;

/**
 * A consistent hash ring over one snapshot's targets: each target owns points on a 64-bit circle, 160
 * per unit of weight, placed by hashing its address, and a key belongs to the first point at or after
 * its hash. Points depend only on a target's address and weight, so adding or removing one of N
 * equal targets moves only the keys that target gains or loses, about 1/N of them.
 *
 * <p>Each point packs its position (high bits) and its owner's index (low 17 bits) into one long,
 * so a lookup is one binary search over a {@code long[]}: no objects, no allocation.
 */
final class HashRing {
    static final int POINTS_PER_WEIGHT = 160;
    private static final int OWNER_BITS = 17;
    private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;
    private static final int MAX_POINTS = 1 << 18;

    final TargetSnapshot snapshot;
    private final long[] points;

    private HashRing(TargetSnapshot snapshot, long[] points) {
        this.snapshot = snapshot;
        this.points = points;
    }

    static HashRing build(TargetSnapshot s) {
        int n = s.size();
        if (n > OWNER_MASK) {
            throw new IllegalArgumentException("targets: " + n + " (expected: at most " + OWNER_MASK + ")");
        }
        long total = 0;
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = (int) Math.max(1, (long) POINTS_PER_WEIGHT * s.weight(i) / TargetSnapshot.UNIT);
            total += counts[i];
        }
        if (total > MAX_POINTS) {
            double scale = (double) MAX_POINTS / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                counts[i] = (int) Math.max(1, counts[i] * scale);
                total += counts[i];
            }
        }
        long[] points = new long[(int) total];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long base = Hashing.chars(s.target(i).toString(), 0, s.target(i).toString().length());
            for (int j = 0; j < counts[i]; j++) {
                long h = Hashing.mix(base + j * 0x9E3779B97F4A7C15L);
                points[k++] = (h & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(points);
        return new HashRing(s, points);
    }

    /** The target owning {@code keyHash}. */
    Target owner(long keyHash) {
        long key = keyHash & ~OWNER_MASK;
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (points[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long p = points[lo == points.length ? 0 : lo];
        return snapshot.target((int) (p & OWNER_MASK));
    }
}
