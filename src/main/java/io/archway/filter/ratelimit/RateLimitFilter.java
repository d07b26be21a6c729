package io.archway.filter.ratelimit;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.archway.filter.SharedResources;
import io.archway.filter.ratelimit.RateLimiter.Decision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code rate_limit}: one token per request from the bucket of its key (DESIGN §7 "Limits"); 429 with
 * {@code Retry-After} when there is none. Every response of the route that got this far carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}.
 */
public final class RateLimitFilter implements Filter {
    /** The decision for this request; read by metrics ({@code archway_rate_limited_total}). */
    public static final RequestContext.Key<Decision> DECISION = new RequestContext.Key<>("rate_limit");

    static final AsciiString LIMIT = AsciiString.cached("RateLimit-Limit");
    static final AsciiString REMAINING = AsciiString.cached("RateLimit-Remaining");
    static final AsciiString RESET = AsciiString.cached("RateLimit-Reset");
    /** Prefix of a client-address key standing in for a missing consumer or header, so the two never mix. */
    private static final String FALLBACK = "\u0001";

    private final RateLimitConfig config;
    private final @Nullable AsciiString header;
    private final String limitValue;
    private final SharedResources shared;
    private final Function<RateLimitConfig, RateLimiter> create;
    private volatile @Nullable Bound bound;

    /** The limiter of the route this filter serves. */
    private record Bound(String route, RateLimiter limiter) {}

    /**
     * {@code create} makes the limiter of one route and config; it is kept in {@code shared}, so a
     * reload that keeps the route and its settings keeps its counts.
     */
    public RateLimitFilter(RateLimitConfig config, SharedResources shared, Function<RateLimitConfig, RateLimiter> create) {
        this.config = config;
        this.header = config.header() == null ? null : AsciiString.cached(config.header());
        this.limitValue = Integer.toString(config.limit());
        this.shared = shared;
        this.create = create;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        CompletionStage<Decision> stage = limiter(ctx).acquire(key(ctx));
        CompletableFuture<Decision> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            return decide(ctx, f.join());
        }
        // A remote store answered later: record the decision on the request's own loop.
        return stage.thenComposeAsync(d -> decide(ctx, d), ctx.eventLoop());
    }

    private CompletionStage<FilterResult> decide(RequestContext ctx, Decision d) {
        ctx.put(DECISION, d);
        if (d.allowed()) {
            return FilterResult.PROCEED_NOW;
        }
        io.archway.metrics.RequestOutcomes.rateLimited(ctx);
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
        // 429, not 503: the client is over its budget; the upstream is fine.
        return FilterResult.error(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", h);
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        Decision d = ctx.get(DECISION);
        if (d == null) {
            return;
        }
        HttpHeaders h = response.headers();
        h.set(LIMIT, limitValue);
        h.set(REMAINING, Long.toString(d.remaining()));
        h.set(RESET, Long.toString(d.resetSeconds()));
    }

    private String key(RequestContext ctx) {
        return switch (config.key()) {
            case IP -> ctx.clientIp();
            case ROUTE -> "";
            case CONSUMER -> {
                String consumer = ctx.consumer();
                yield consumer != null ? consumer : FALLBACK + ctx.clientIp();
            }
            case HEADER -> {
                String value = ctx.request().headers().get(header);
                yield value != null && !value.isEmpty() ? value : FALLBACK + ctx.clientIp();
            }
        };
    }

    /**
     * Counters are per route (DESIGN §7), and the factory does not learn the route, so the filter binds
     * to it on its first request: each route's chain has its own filter instance, so this runs once.
     */
    private RateLimiter limiter(RequestContext ctx) {
        String route = String.valueOf(ctx.route());
        Bound b = bound;
        if (b != null && b.route.equals(route)) {
            return b.limiter;
        }
        RateLimiter limiter = shared.get("rate_limit:" + route + ":" + config, () -> create.apply(config));
        bound = new Bound(route, limiter);
        return limiter;
    }
}
