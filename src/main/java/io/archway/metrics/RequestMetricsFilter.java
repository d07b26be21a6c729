package io.archway.metrics;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Records each finished request in the route's meters. Built in: the runtime puts one at the head of
 * every chain (OBSERVE phase), so its {@link #onComplete} runs after every other filter's.
 */
final class RequestMetricsFilter implements Filter {
    private final RouteMeters meters;

    RequestMetricsFilter(RouteMeters meters) {
        this.meters = meters;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        return FilterResult.PROCEED_NOW;
    }

    @Override
    public void onComplete(RequestContext ctx) {
        long nanos = System.nanoTime() - ctx.startNanos();
        int status = ctx.status();
        RouteMeters.UpstreamSlot slot = meters.slot(ctx.upstream());
        RouteMeters.MethodSlot m = slot.method(RouteMeters.methodIndex(ctx.method()));
        m.requests(status).increment();
        m.duration(status).record(nanos, TimeUnit.NANOSECONDS);
        String target = ctx.target();
        long upstreamNanos = ctx.upstreamNanos();
        if (target != null && upstreamNanos >= 0 && slot.upstreamMeters != null) {
            slot.upstreamMeters.duration(target).record(upstreamNanos, TimeUnit.NANOSECONDS);
        }
        meters.stats.record(status, nanos);
        if (ctx.get(RequestOutcomes.RATE_LIMITED) != null) {
            meters.rateLimited().increment();
        }
        RequestOutcomes.CacheResult cache = ctx.get(RequestOutcomes.CACHE);
        if (cache != null) {
            meters.cache(cache).increment();
        }
    }
}
