package io.archway.upstream;

/**
 * Precomputes one cycle of smooth weighted round robin, as target indices, so that picking is an array
 * index and a counter increment rather than the per-pick weight arithmetic (and its lock) of the classic
 * algorithm.
 */
public final class SmoothWeights {
    /** Cycles longer than this are scaled down; weights keep their proportions within rounding. */
    private static final int MAX_CYCLE = 1 << 16;

    private SmoothWeights() {}

    /** One cycle for these weights (a weight below 1 counts as 1): the index of each turn's winner. */
    public static int[] schedule(int[] effective) {
        int n = effective.length;
        if (n == 0) {
            return new int[0];
        }
        int[] weights = new int[n];
        int g = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, effective[i]);
            g = gcd(g, weights[i]);
        }
        for (int i = 0; i < n; i++) {
            weights[i] /= g;
            total += weights[i];
        }
        if (total > MAX_CYCLE) {
            double scale = (double) MAX_CYCLE / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = Math.max(1, (int) Math.round(weights[i] * scale));
                total += weights[i];
            }
        }
        int[] cycle = new int[(int) total];
        long[] current = new long[n];
        for (int k = 0; k < cycle.length; k++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[k] = best;
        }
        return cycle;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
