package io.archway.filter.requestid;

import io.archway.config.ConfigNode;
import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.archway.filter.RequestIds;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.concurrent.CompletionStage;

/**
 * Keeps a client's valid request id or generates one, sends it upstream and back to the client, so that
 * one id names the request in every log on its way.
 */
public final class RequestIdFilter implements Filter {
    private final AsciiString header;

    public RequestIdFilter(RequestIdConfig config) {
        this.header = AsciiString.cached(config.header());
    }

    /** The config: the header that carries the id. */
    public record RequestIdConfig(String header) {
        public static final RequestIdConfig DEFAULTS = new RequestIdConfig("X-Request-Id");

        public static RequestIdConfig parse(ConfigNode node) {
            if (!node.expectObject("header")) {
                return DEFAULTS;
            }
            ConfigNode h = node.get("header");
            String name = h.asString(DEFAULTS.header());
            if (!io.archway.config.Syntax.isToken(name)) {
                h.invalid("a header name");
                return DEFAULTS;
            }
            return new RequestIdConfig(name);
        }
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        String sent = ctx.request().headers().get(header);
        if (sent != null && RequestIds.isValid(sent)) {
            ctx.requestId(sent);
        } else {
            ctx.request().headers().set(header, ctx.requestId());
        }
        return FilterResult.PROCEED_NOW;
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        response.headers().set(header, ctx.requestId());
    }
}
