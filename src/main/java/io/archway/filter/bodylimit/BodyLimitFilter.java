package io.archway.filter.bodylimit;

import io.archway.config.ConfigNode;
import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import java.util.concurrent.CompletionStage;

/**
 * Sets the route's own request body limit in place of {@code limits.max_body_size}; the proxy enforces
 * it, with 413 before the upstream sees a byte when Content-Length already says too much.
 */
public final class BodyLimitFilter implements Filter {
    private final long max;

    public BodyLimitFilter(BodyLimitConfig config) {
        this.max = config.max();
    }

    public record BodyLimitConfig(long max) {
        public static BodyLimitConfig parse(ConfigNode node) {
            if (!node.expectObject("max")) {
                node.invalid("a map like {max: 1MB}");
                return new BodyLimitConfig(Long.MAX_VALUE);
            }
            ConfigNode m = node.get("max");
            if (m.isMissing()) {
                m.problem("missing (expected: a size like 1MB)");
                return new BodyLimitConfig(Long.MAX_VALUE);
            }
            return new BodyLimitConfig(m.asSize(Long.MAX_VALUE));
        }
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        ctx.maxBodySize(max);
        return FilterResult.PROCEED_NOW;
    }
}
