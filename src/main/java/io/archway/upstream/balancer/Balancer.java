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

    /** Returns null when no target may take traffic. */
    @Nullable Target pick(TargetSnapshot snapshot, RequestContext ctx);
}
