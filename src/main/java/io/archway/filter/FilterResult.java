package io.archway.filter;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a filter decided: go on, or answer the request itself. */
public sealed interface FilterResult {
    FilterResult PROCEED = new Proceed();
    CompletionStage<FilterResult> PROCEED_NOW = CompletableFuture.completedStage(PROCEED);

    record Proceed() implements FilterResult {}

    /** A response with a body the filter wrote, e.g. a CORS preflight answer. */
    record Respond(HttpResponseStatus status, HttpHeaders headers, String body) implements FilterResult {}

    /**
     * A complete response the filter built, e.g. a cache hit; the gateway sends it as it is (after the
     * response hooks) and releases it.
     */
    record Full(io.netty.handler.codec.http.FullHttpResponse response) implements FilterResult {}

    /**
     * A gateway error: answered with the JSON body {@code {"error": code, "request_id": ...}} that every
     * error of the gateway has (DESIGN §7 "Errors"), plus any extra headers such as WWW-Authenticate.
     */
    record Error(HttpResponseStatus status, String code, HttpHeaders headers) implements FilterResult {}

    static CompletionStage<FilterResult> respond(HttpResponseStatus status, String body) {
        return CompletableFuture.completedStage(new Respond(status, new DefaultHttpHeaders(), body));
    }

    static CompletionStage<FilterResult> error(HttpResponseStatus status, String code) {
        return CompletableFuture.completedStage(new Error(status, code, new DefaultHttpHeaders()));
    }

    static CompletionStage<FilterResult> error(HttpResponseStatus status, String code, HttpHeaders headers) {
        return CompletableFuture.completedStage(new Error(status, code, headers));
    }
}
