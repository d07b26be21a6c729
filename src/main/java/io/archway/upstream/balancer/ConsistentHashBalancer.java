package io.archway.upstream.balancer;

import io.archway.config.UpstreamConfig.HashOn;
import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Consistent hashing on {@code hash_on} ({@code ip}, {@code path}, {@code header:NAME},
 * {@code cookie:NAME}, {@code query:NAME}) over a {@link HashRing} of the healthy targets: the same
 * key keeps the same target while it stays healthy, and a target leaving or joining moves only its
 * own share of keys. A request without the key goes by round robin.
 */
public final class ConsistentHashBalancer implements Balancer {
    private final HashOn hashOn;
    private final RingCache ring = new RingCache();
    private final RoundRobinBalancer fallback = new RoundRobinBalancer();

    public ConsistentHashBalancer(HashOn hashOn) {
        this.hashOn = hashOn;
    }

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        if (s.size() <= 1) {
            return s.size() == 0 ? null : s.target(0);
        }
        long key = ctx == null ? Hashing.MISSING : Hashing.key(hashOn, ctx);
        if (key == Hashing.MISSING) {
            return fallback.pick(s, ctx);
        }
        return ring.of(s).owner(key);
    }
}
