package io.archway.filter.allow;

import io.archway.config.ConfigNode;
import io.archway.config.Problems;
import io.archway.filter.Filter;
import io.archway.filter.FilterRegistry;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code allow}: lets through only the consumers named, or members of the groups named; everyone
 * else, the unauthenticated too, gets 403. Runs after authentication (phase authz).
 */
public final class AllowFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger("io.archway.filter.auth");
    private static final List<String> AUTHENTICATING = List.of("jwt", "api_key", "basic_auth", "auth_any");
    private static final CompletionStage<FilterResult> FORBIDDEN = CompletableFuture.completedStage(
            new FilterResult.Error(HttpResponseStatus.FORBIDDEN, "forbidden", new DefaultHttpHeaders()));

    private final Set<String> consumers;
    private final Set<String> groups;

    /** The config: who may pass. */
    public record AllowConfig(Set<String> consumers, Set<String> groups) {
        public AllowConfig {
            consumers = Set.copyOf(consumers);
            groups = Set.copyOf(groups);
        }

        public static AllowConfig parse(ConfigNode node) {
            node.expectObject("consumers", "groups");
            List<String> consumers = names(node.get("consumers"), "a consumer name");
            List<String> groups = names(node.get("groups"), "a group name");
            if (consumers.isEmpty() && groups.isEmpty() && node.isObject()) {
                node.problem("allows no one (expected: consumers, groups or both, each with at least one name)");
            }
            return new AllowConfig(Set.copyOf(consumers), Set.copyOf(groups));
        }

        private static List<String> names(ConfigNode n, String what) {
            List<String> out = new java.util.ArrayList<>();
            for (ConfigNode item : n.itemsOrSingle()) {
                String s = item.nonEmptyText(what);
                if (s != null) {
                    out.add(s);
                } else if (item.isMissing()) {
                    item.invalid(what);
                }
            }
            return out;
        }
    }

    public AllowFilter(AllowConfig config) {
        this.consumers = config.consumers();
        this.groups = config.groups();
    }

    /** A route with allow must also authenticate, or allow would refuse everyone. */
    public static void validate(Object config, FilterRegistry.Placement at, Problems problems) {
        if (at.route() == null) {
            return;
        }
        for (String s : AUTHENTICATING) {
            if (at.siblings().contains(s)) {
                return;
            }
        }
        problems.add(at.path(), "on " + at.route() + ", which authenticates no one, so it would refuse every "
                + "request (expected: one of " + String.join(", ", AUTHENTICATING) + " on that route too)");
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        String consumer = ctx.consumer();
        if (consumer != null) {
            if (consumers.contains(consumer)) {
                return FilterResult.PROCEED_NOW;
            }
            for (String g : ctx.consumerGroups()) {
                if (groups.contains(g)) {
                    return FilterResult.PROCEED_NOW;
                }
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("request {} on route {} denied (forbidden): consumer not allowed", ctx.requestId(), ctx.route());
        }
        return FORBIDDEN;
    }
}
