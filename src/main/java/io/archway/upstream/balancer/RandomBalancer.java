package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Weighted random: each target in proportion to its effective weight, with no shared counter at all. */
public final class RandomBalancer implements Balancer {
    private final RandomGenerator random;

    public RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        int n = s.size();
        if (n <= 1) {
            return n == 0 ? null : s.target(0);
        }
        return s.target(s.indexAt(random.nextLong(s.totalWeight())));
    }
}
