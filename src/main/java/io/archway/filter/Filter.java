package io.archway.filter;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletionStage;

/**
 * One step of a route's request path. Every method is called on the request's event loop and must
 * never block: work that waits returns a stage completed later, and the chain resumes on the loop.
 *
 * <pre>{@code
 * Filter deny = ctx -> FilterResult.error(FORBIDDEN, "forbidden");
 * }</pre>
 */
@FunctionalInterface
public interface Filter {

    /** Completes with {@link FilterResult#PROCEED} to continue, or with a response that ends the request. */
    CompletionStage<FilterResult> onRequest(RequestContext ctx);

    /** Sees the response head (the upstream's or the gateway's own) before it is sent, in reverse filter order. */
    default void onResponse(RequestContext ctx, HttpResponse response) {}

    /**
     * Sees each piece of the upstream's response body, in reverse filter order, and returns what to
     * send on: the same content, or a replacement (then it owns and releases the one it was given).
     * A filter that only looks (a cache storing a copy) must not release or keep it without retaining.
     */
    default HttpContent onResponseContent(RequestContext ctx, HttpContent content) {
        return content;
    }

    /** Called once when the exchange is over (last byte written, or failed), in reverse filter order. */
    default void onComplete(RequestContext ctx) {}
}
