package io.archway.filter;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filters of one route, in phase order, and the runner that walks them. A filter that answers
 * ends the walk; a filter that waits resumes the walk on the request's event loop (inline when the
 * stage completes there already).
 */
public final class FilterChain {
    private static final Logger log = LoggerFactory.getLogger(FilterChain.class);
    public static final FilterChain EMPTY = new FilterChain(List.of());

    private final Filter[] filters;
    private final String[] names;

    /** Receives the chain's verdict, always on the request's event loop. */
    public interface Outcome {
        void proceed(RequestContext ctx);

        void answer(RequestContext ctx, FilterResult result);
    }

    /** A named filter with its phase; the chain sorts by phase, keeping the given order within one. */
    public record Entry(String name, Phase phase, Filter filter) {}

    public FilterChain(List<Entry> entries) {
        Entry[] sorted = entries.toArray(new Entry[0]);
        Arrays.sort(sorted, Comparator.comparing(Entry::phase));
        this.filters = new Filter[sorted.length];
        this.names = new String[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            filters[i] = sorted[i].filter();
            names[i] = sorted[i].name();
        }
    }

    /** Filter names in the order they run. */
    public List<String> names() {
        return List.of(names);
    }

    public boolean isEmpty() {
        return filters.length == 0;
    }

    public void run(RequestContext ctx, Outcome outcome) {
        runFrom(0, ctx, outcome);
    }

    private void runFrom(int start, RequestContext ctx, Outcome outcome) {
        for (int i = start; i < filters.length; i++) {
            CompletionStage<FilterResult> stage;
            try {
                stage = filters[i].onRequest(ctx);
            } catch (RuntimeException e) {
                fail(i, ctx, outcome, e);
                return;
            }
            if (stage == FilterResult.PROCEED_NOW) {
                continue;
            }
            var future = stage.toCompletableFuture();
            if (future.isDone() && !future.isCompletedExceptionally()) {
                FilterResult result = future.getNow(FilterResult.PROCEED);
                if (result instanceof FilterResult.Proceed) {
                    continue;
                }
                outcome.answer(ctx, result);
                return;
            }
            int index = i;
            EventLoop loop = ctx.eventLoop();
            stage.whenComplete((result, error) -> {
                if (loop.inEventLoop()) {
                    resume(index, result, error, ctx, outcome);
                } else {
                    loop.execute(() -> resume(index, result, error, ctx, outcome));
                }
            });
            return;
        }
        outcome.proceed(ctx);
    }

    private void resume(int index, FilterResult result, Throwable error, RequestContext ctx, Outcome outcome) {
        if (error != null) {
            fail(index, ctx, outcome, error);
        } else if (result == null || result instanceof FilterResult.Proceed) {
            runFrom(index + 1, ctx, outcome);
        } else {
            outcome.answer(ctx, result);
        }
    }

    private void fail(int index, RequestContext ctx, Outcome outcome, Throwable error) {
        log.error("filter {} failed on request {}", names[index], ctx.requestId(), error);
        outcome.answer(ctx, new FilterResult.Error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                new DefaultHttpHeaders()));
    }

    /** Lets every filter see the response head, last phase first. */
    public void onResponse(RequestContext ctx, HttpResponse response) {
        for (int i = filters.length - 1; i >= 0; i--) {
            try {
                filters[i].onResponse(ctx, response);
            } catch (RuntimeException e) {
                log.error("filter {} failed on the response of {}", names[i], ctx.requestId(), e);
            }
        }
    }

    /** Passes a piece of the response body through every filter, last phase first. */
    public HttpContent onResponseContent(RequestContext ctx, HttpContent content) {
        HttpContent c = content;
        for (int i = filters.length - 1; i >= 0; i--) {
            c = filters[i].onResponseContent(ctx, c);
        }
        return c;
    }

    /** Tells every filter the exchange is over, last phase first. */
    public void onComplete(RequestContext ctx) {
        for (int i = filters.length - 1; i >= 0; i--) {
            try {
                filters[i].onComplete(ctx);
            } catch (RuntimeException e) {
                log.error("filter {} failed completing {}", names[i], ctx.requestId(), e);
            }
        }
    }
}
