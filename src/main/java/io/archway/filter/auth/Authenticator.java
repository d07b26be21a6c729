package io.archway.filter.auth;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A filter that finds out who is calling. On success it has set the consumer on the context and the
 * identity headers on the request; on failure it has changed nothing, so {@code auth_any} can try the
 * next one. Called on the request's event loop; never blocks.
 *
 * <pre>{@code
 * authenticator.authenticate(ctx).thenAccept(denial -> { if (denial == null) { ... } });
 * }</pre>
 */
public interface Authenticator extends Filter {
    /** The stage of a successful authentication. */
    CompletionStage<@Nullable Denial> PASSED = CompletableFuture.completedStage(null);

    /** Completes with null when the caller is authenticated, else with why not. */
    CompletionStage<@Nullable Denial> authenticate(RequestContext ctx);

    @Override
    default CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        CompletionStage<@Nullable Denial> stage = authenticate(ctx);
        CompletableFuture<@Nullable Denial> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            Denial d = f.getNow(null);
            return d == null ? FilterResult.PROCEED_NOW : CompletableFuture.completedStage(deny(ctx, d));
        }
        return stage.thenApply(d -> d == null ? FilterResult.PROCEED : deny(ctx, d));
    }

    private FilterResult deny(RequestContext ctx, Denial d) {
        Logger log = AuthLog.LOG;
        if (log.isDebugEnabled()) {
            log.debug("request {} on route {} denied ({}): {}", ctx.requestId(), ctx.route(), d.error().code(),
                    d.reason());
        }
        return d.error();
    }
}
