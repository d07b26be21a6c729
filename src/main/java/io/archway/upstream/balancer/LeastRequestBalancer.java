package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Power of two choices: two distinct targets drawn at random in proportion to their weights, and the
 * one with fewer in-flight requests per unit of weight wins (the first drawn on a tie). Constant time
 * whatever the number of targets, and almost as good as scanning them all.
 */
public final class LeastRequestBalancer implements Balancer {
    private final RandomGenerator random;

    public LeastRequestBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        int n = s.size();
        if (n <= 1) {
            return n == 0 ? null : s.target(0);
        }
        int a = TwoChoices.first(s, random);
        int b = TwoChoices.second(s, random, a);
        long loadA = s.target(a).inFlight().get();
        long loadB = s.target(b).inFlight().get();
        return loadB * s.weight(a) < loadA * s.weight(b) ? s.target(b) : s.target(a);
    }
}
