package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Picks one target per request. Called concurrently from every event loop; must not block or lock.
 *
 * <pre>{@code
 * Target t = balancer.pick(upstream.snapshot(), ctx);
 * if (t == null) { answer 503 }
 * }</pre>
 */
public interface Balancer {

    /**
     * Returns null when no target may take traffic. {@code ctx} carries what hash balancers hash; it is
     * null only when there is no request (benchmarks, tests), and then they fall back to round robin.
     */
    @Nullable Target pick(TargetSnapshot snapshot, @Nullable RequestContext ctx);
}
