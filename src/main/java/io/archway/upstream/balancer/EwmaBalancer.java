package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Peak-EWMA, as Finagle and Linkerd balance: the cost of a target is its peak-EWMA latency
 * ({@link Target#latency()}, fed by the proxy) times its in-flight requests plus one, per unit of
 * weight; two targets are drawn by weight and the cheaper wins. A target that turns slow costs more
 * on its first slow answer, so traffic moves off it within a round trip.
 */
public final class EwmaBalancer implements Balancer {
    private final RandomGenerator random;
    private final LongSupplier nanoClock;

    public EwmaBalancer(RandomGenerator random, LongSupplier nanoClock) {
        this.random = random;
        this.nanoClock = nanoClock;
    }

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        int n = s.size();
        if (n <= 1) {
            return n == 0 ? null : s.target(0);
        }
        int a = TwoChoices.first(s, random);
        int b = TwoChoices.second(s, random, a);
        Target ta = s.target(a);
        Target tb = s.target(b);
        long now = nanoClock.getAsLong();
        double ea = ta.latency().value(now);
        double eb = tb.latency().value(now);
        // A target with no answer yet borrows the other's latency: it competes on load alone instead of
        // looking free (and being flooded) or looking slow (and never being tried).
        if (ea == 0) {
            ea = eb;
        }
        if (eb == 0) {
            eb = ea;
        }
        if (ea == 0) {
            ea = eb = 1;
        }
        double costA = ea * (ta.inFlight().get() + 1) / s.weight(a);
        double costB = eb * (tb.inFlight().get() + 1) / s.weight(b);
        return costB < costA ? tb : ta;
    }
}
