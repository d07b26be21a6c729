package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Smooth weighted round robin: walks the snapshot's precomputed cycle with one counter per upstream,
 * so the order is shared by all event loops and each pick is one atomic increment.
 */
public final class RoundRobinBalancer implements Balancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public @Nullable Target pick(TargetSnapshot snapshot, @Nullable RequestContext ctx) {
        Target[] cycle = snapshot.schedule();
        if (cycle.length == 0) {
            return null;
        }
        return cycle[(int) Long.remainderUnsigned(next.getAndIncrement(), cycle.length)];
    }
}
