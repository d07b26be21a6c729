package io.archway.filter.accesslog;

import io.archway.config.ConfigNode;
import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** One JSON line per request (DESIGN §5), written off the event loop by an {@link AccessLogWriter}. */
public final class AccessLogFilter implements Filter {
    private final AccessLogWriter writer;

    public AccessLogFilter(AccessLogWriter writer) {
        this.writer = writer;
    }

    /** The config: a file to append to, or stdout when absent. */
    public record AccessLogConfig(@Nullable String file) {
        public static AccessLogConfig parse(ConfigNode node) {
            if (!node.expectObject("file")) {
                return new AccessLogConfig(null);
            }
            return new AccessLogConfig(node.get("file").asString());
        }

        /** The key under which the gateway shares one writer per destination. */
        public String resourceKey() {
            return "access_log:" + (file == null ? "-" : file);
        }
    }

    /**
     * The Host the client sent: read before the proxy may replace it with the target's or a literal
     * ({@code host: target}), so the log shows what the client asked for.
     */
    private static final RequestContext.Key<String> CLIENT_HOST = new RequestContext.Key<>("access_log.host");

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        String host = ctx.request().headers().get(HttpHeaderNames.HOST);
        if (host != null) {
            ctx.put(CLIENT_HOST, host);
        }
        return FilterResult.PROCEED_NOW;
    }

    @Override
    public void onComplete(RequestContext ctx) {
        long now = System.nanoTime();
        writer.submit(new AccessLogEntry(ctx.startMillis(), ctx.requestId(), ctx.clientIp(), ctx.method(),
                host(ctx), ctx.path(), ctx.status(), ctx.route(),
                ctx.upstream(), ctx.target(), ctx.consumer(), ctx.bytesIn(), ctx.bytesOut(),
                (now - ctx.startNanos()) / 1e6, ctx.upstreamNanos() < 0 ? -1 : ctx.upstreamNanos() / 1e6));
    }

    /** Malformed requests skip onRequest; their Host header was never rewritten. */
    private static @Nullable String host(RequestContext ctx) {
        String host = ctx.get(CLIENT_HOST);
        return host != null ? host : ctx.request().headers().get(HttpHeaderNames.HOST);
    }
}
