package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Client affinity: the client address of DESIGN §7 (the whole address, not nginx's first three
 * octets) hashed onto a {@link HashRing}, so a client keeps its target while that target is healthy.
 */
public final class IpHashBalancer implements Balancer {
    private final RingCache ring = new RingCache();
    private final RoundRobinBalancer fallback = new RoundRobinBalancer();

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        if (s.size() <= 1) {
            return s.size() == 0 ? null : s.target(0);
        }
        if (ctx == null) {
            return fallback.pick(s, null);
        }
        return ring.of(s).owner(Hashing.chars(ctx.clientIp()));
    }
}
