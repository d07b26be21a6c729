package io.archway.upstream.balancer;

import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Fewest in-flight requests per unit of weight, counted across the whole gateway (every event loop
 * shares {@link Target#inFlight()}), so a target stuck on slow requests stops getting new ones. Ties,
 * including the idle case, go by smooth weighted round robin, as nginx's {@code least_conn} does, so
 * weights hold even for a client that sends one request at a time.
 */
public final class LeastConnectionsBalancer implements Balancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public @Nullable Target pick(TargetSnapshot s, @Nullable RequestContext ctx) {
        int n = s.size();
        if (n <= 1) {
            return n == 0 ? null : s.target(0);
        }
        // Pass 1: the lowest load, inFlight / weight, compared by cross-multiplying (no division).
        int best = 0;
        int ties = 1;
        long bestLoad = s.target(0).inFlight().get();
        long bestWeight = s.weight(0);
        for (int i = 1; i < n; i++) {
            long load = s.target(i).inFlight().get();
            long w = s.weight(i);
            long diff = load * bestWeight - bestLoad * w;
            if (diff < 0) {
                best = i;
                bestLoad = load;
                bestWeight = w;
                ties = 1;
            } else if (diff == 0) {
                ties++;
            }
        }
        if (ties == 1) {
            return s.target(best);
        }
        // Pass 2: walk the shared round-robin cycle to the next target with that load. Counts move under
        // us on other loops, so after a bounded walk the pass-1 winner stands.
        int[] cycle = s.scheduleIndex();
        int len = cycle.length;
        int pos = (int) Long.remainderUnsigned(next.getAndIncrement(), len);
        int limit = Math.min(len, 2 * n);
        for (int k = 0; k < limit; k++) {
            int i = cycle[pos];
            if (s.target(i).inFlight().get() * bestWeight == bestLoad * s.weight(i)) {
                return s.target(i);
            }
            if (++pos == len) {
                pos = 0;
            }
        }
        return s.target(best);
    }
}
