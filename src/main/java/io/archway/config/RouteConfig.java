package io.archway.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One route: a match, and either a {@code respond} answered by the gateway or the upstream(s) to proxy to.
 * {@code upstreams} always holds the weighted split (one entry with weight 1 for {@code upstream: name}).
 */
public record RouteConfig(
        String name,
        MatchConfig match,
        List<WeightedUpstream> upstreams,
        @Nullable MirrorConfig mirror,
        @Nullable RewriteConfig rewrite,
        Map<String, FilterSpec> filters,
        @Nullable RespondConfig respond) {

    public RouteConfig {
        upstreams = List.copyOf(upstreams);
        filters = Maps.ordered(filters);
    }

    /** The upstream of a single-upstream route, or the first of a split; null for respond routes. */
    public @Nullable String primaryUpstream() {
        return upstreams.isEmpty() ? null : upstreams.get(0).name();
    }

    /**
     * What a request must look like. {@code path} is as written ({@code /a/{id}}, {@code /a/**});
     * {@code methods} empty means all; header names are lower-case.
     */
    public record MatchConfig(@Nullable String host, String path, Set<String> methods,
                              Map<String, String> headers, Map<String, String> query) {
        public MatchConfig {
            methods = Set.copyOf(methods);
            headers = Maps.ordered(headers);
            query = Maps.ordered(query);
        }
    }

    public record WeightedUpstream(String name, int weight) {}

    /** Copies {@code percent} (0..100) of requests to a shadow upstream whose answers are discarded. */
    public record MirrorConfig(String upstream, double percent) {}

    /** Exactly one of stripPrefix and path is set. */
    public record RewriteConfig(@Nullable String stripPrefix, @Nullable String path) {}

    /** A response the gateway gives itself. */
    public record RespondConfig(int status, String body, Map<String, String> headers) {
        public RespondConfig {
            headers = Maps.ordered(headers);
        }
    }
}
