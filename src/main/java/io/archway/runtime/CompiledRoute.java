package io.archway.runtime;

import io.archway.config.RouteConfig;
import io.archway.filter.FilterChain;
import io.archway.upstream.Upstream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** A route ready to serve: its filter chain and the upstream(s) it sends to, resolved once per snapshot. */
public final class CompiledRoute {
    private final RouteConfig config;
    private final FilterChain chain;
    private final Upstream[] upstreams;
    /** One cycle of the weighted split, as indices into upstreams (smooth, like target round robin). */
    private final int[] split;
    private final AtomicLong next = new AtomicLong();
    private final @Nullable Upstream mirror;
    private final double mirrorPercent;

    CompiledRoute(RouteConfig config, FilterChain chain, Upstream[] upstreams, @Nullable Upstream mirror) {
        this.config = config;
        this.chain = chain;
        this.upstreams = upstreams;
        this.split = splitCycle(config, upstreams.length);
        this.mirror = mirror;
        this.mirrorPercent = config.mirror() == null ? 0 : config.mirror().percent();
    }

    /**
     * The split of {@code upstreams: [{name, weight}]} as a smooth weighted round-robin cycle: a 95/5
     * canary gets exactly 5 of every 100 requests, spread out, rather than 5% give or take chance.
     */
    private static int[] splitCycle(RouteConfig config, int n) {
        if (n <= 1) {
            return new int[n];
        }
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            weights[i] = config.upstreams().get(i).weight();
        }
        return io.archway.upstream.SmoothWeights.schedule(weights);
    }

    public RouteConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public FilterChain chain() {
        return chain;
    }

    /** Null for a {@code respond:} route. */
    public RouteConfig.@Nullable RespondConfig respond() {
        return config.respond();
    }

    /** The upstream for this request: the only one, or the next of a weighted split. */
    public @Nullable Upstream pickUpstream() {
        if (upstreams.length <= 1) {
            return upstreams.length == 0 ? null : upstreams[0];
        }
        return upstreams[split[(int) Long.remainderUnsigned(next.getAndIncrement(), split.length)]];
    }

    /** The shadow upstream when this request is one of the mirrored percentage, else null. */
    public @Nullable Upstream pickMirror() {
        if (mirror == null || mirrorPercent <= 0) {
            return null;
        }
        return mirrorPercent >= 100 || ThreadLocalRandom.current().nextDouble() * 100 < mirrorPercent ? mirror : null;
    }
}
