package io.archway.upstream.balancer;

import io.archway.upstream.TargetSnapshot;
import java.util.random.RandomGenerator;

/** The draws of the power-of-two-choices balancers: two distinct indices, each in proportion to weight. */
final class TwoChoices {
    private TwoChoices() {}

    static int first(TargetSnapshot s, RandomGenerator random) {
        return s.indexAt(random.nextLong(s.totalWeight()));
    }

    /** A second index unlike {@code a}: one more weighted draw, then a uniform one among the others. */
    static int second(TargetSnapshot s, RandomGenerator random, int a) {
        int b = s.indexAt(random.nextLong(s.totalWeight()));
        if (b != a) {
            return b;
        }
        b = s.indexAt(random.nextLong(s.totalWeight()));
        if (b != a) {
            return b;
        }
        int n = s.size();
        return (a + 1 + random.nextInt(n - 1)) % n;
    }
}
