package io.archway.filter.headers;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import java.util.concurrent.CompletionStage;

/** {@code request_headers}: rewrites the headers sent upstream. */
public final class RequestHeadersFilter implements Filter {
    private final HeaderRules rules;

    public RequestHeadersFilter(HeaderRules rules) {
        this.rules = rules;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        rules.apply(ctx, ctx.request().headers());
        return FilterResult.PROCEED_NOW;
    }
}
