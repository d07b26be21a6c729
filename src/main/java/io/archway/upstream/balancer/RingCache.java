package io.archway.upstream.balancer;

import io.archway.upstream.TargetSnapshot;

/**
 * The ring of the latest snapshot a hash balancer saw, rebuilt when the snapshot changes (health,
 * discovery, slow start). Two loops may both rebuild after a change; both rings are equal, one wins.
 */
final class RingCache {
    private volatile HashRing ring;

    HashRing of(TargetSnapshot s) {
        HashRing r = ring;
        if (r == null || r.snapshot != s) {
            r = HashRing.build(s);
            ring = r;
        }
        return r;
    }
}
