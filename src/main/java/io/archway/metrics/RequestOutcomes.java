package io.archway.metrics;

import io.archway.filter.RequestContext;

/**
 * What filter families report about a request for the metrics, read when the request completes. A
 * family calls these from its own code on the event loop; nothing is counted twice if it calls again.
 *
 * <pre>{@code
 * RequestOutcomes.rateLimited(ctx);                 // before answering 429
 * RequestOutcomes.cache(ctx, CacheResult.HIT);      // archway_cache_requests_total{result="hit"}
 * }</pre>
 */
public final class RequestOutcomes {
    private RequestOutcomes() {}

    /** The result label of {@code archway_cache_requests_total}. */
    public enum CacheResult {
        HIT("hit"), MISS("miss"), BYPASS("bypass");

        private final String label;

        CacheResult(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    static final RequestContext.Key<Boolean> RATE_LIMITED = new RequestContext.Key<>("metrics.rate_limited");
    static final RequestContext.Key<CacheResult> CACHE = new RequestContext.Key<>("metrics.cache");

    /** The request was refused by a rate limit: counts in {@code archway_rate_limited_total{route}}. */
    public static void rateLimited(RequestContext ctx) {
        ctx.put(RATE_LIMITED, Boolean.TRUE);
    }

    /** How the cache treated the request: counts in {@code archway_cache_requests_total{route,result}}. */
    public static void cache(RequestContext ctx, CacheResult result) {
        ctx.put(CACHE, result);
    }
}
