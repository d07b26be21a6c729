package io.archway.filter.headers;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletionStage;

/**
 * {@code response_headers}: rewrites the headers sent to the client, on the responses of requests that
 * reached the transform phase: the upstream's, and the gateway's own answers after the filters passed.
 * Answers given earlier in the chain (an auth 401, a 429, a CORS preflight, a cache hit) never passed
 * through it on the way in and are left as they are: a cache hit already carries the headers this
 * filter set when its response was stored, and applying them again would repeat every {@code add}.
 */
public final class ResponseHeadersFilter implements Filter {
    private static final RequestContext.Key<Boolean> REACHED = new RequestContext.Key<>("response_headers");
    private final HeaderRules rules;

    public ResponseHeadersFilter(HeaderRules rules) {
        this.rules = rules;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        ctx.put(REACHED, Boolean.TRUE);
        return FilterResult.PROCEED_NOW;
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        if (ctx.get(REACHED) != null) {
            rules.apply(ctx, response.headers());
        }
    }
}
