package io.archway.runtime;

import io.archway.config.RouteConfig;
import io.archway.filter.FilterChain;
import io.archway.upstream.Upstream;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** A route ready to serve: its filter chain and the upstream(s) it sends to, resolved once per snapshot. */
public final class CompiledRoute {
    private final RouteConfig config;
    private final FilterChain chain;
    private final Upstream[] upstreams;
    private final int[] cumulativeWeights;

    CompiledRoute(RouteConfig config, FilterChain chain, Upstream[] upstreams) {
        this.config = config;
        this.chain = chain;
        this.upstreams = upstreams;
        this.cumulativeWeights = new int[upstreams.length];
        int sum = 0;
        for (int i = 0; i < upstreams.length; i++) {
            sum += config.upstreams().get(i).weight();
            cumulativeWeights[i] = sum;
        }
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

    /** The upstream for this request: the only one, or one of a weighted split. */
    public @Nullable Upstream pickUpstream() {
        if (upstreams.length <= 1) {
            return upstreams.length == 0 ? null : upstreams[0];
        }
        int total = cumulativeWeights[cumulativeWeights.length - 1];
        int r = ThreadLocalRandom.current().nextInt(total);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return upstreams[i];
            }
        }
        return upstreams[upstreams.length - 1];
    }
}
