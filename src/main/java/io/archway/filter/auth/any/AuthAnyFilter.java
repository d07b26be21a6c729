package io.archway.filter.auth.any;

import io.archway.config.ConfigNode;
import io.archway.config.Problems;
import io.archway.filter.Filter;
import io.archway.filter.FilterEnv;
import io.archway.filter.FilterRegistry;
import io.archway.filter.RequestContext;
import io.archway.filter.auth.Authenticator;
import io.archway.filter.auth.Denial;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code auth_any: {of: [jwt, api_key]}}: tries the listed authentication filters, configured beside it
 * on the route, in order; the first that accepts the request wins. They do not also run on their own.
 * When none accepts, the answer is the most telling denial: a valid token lacking a scope (403) before
 * wrong credentials (401) before credentials that cannot be checked now (503); a request that sent none
 * gets 401 with every member's challenge.
 */
public final class AuthAnyFilter implements Authenticator {
    /** The families auth_any may try. */
    public static final List<String> MEMBERS = List.of("jwt", "api_key", "basic_auth");

    private final Authenticator[] members;

    /** The config: the families to try, in order. */
    public record AuthAnyConfig(List<String> of) {
        public AuthAnyConfig {
            of = List.copyOf(of);
        }

        public static AuthAnyConfig parse(ConfigNode node) {
            node.expectObject("of");
            ConfigNode ofNode = node.get("of");
            String expected = "one of " + String.join(", ", MEMBERS);
            Set<String> names = new LinkedHashSet<>();
            for (ConfigNode item : ofNode.itemsOrSingle()) {
                String name = item.text(expected);
                if (name == null || !MEMBERS.contains(name)) {
                    if (name != null || item.isMissing()) {
                        item.invalid(expected);
                    }
                } else if (!names.add(name)) {
                    item.invalid(expected + ", each once");
                }
            }
            if (ofNode.isMissing() || (ofNode.isArray() && ofNode.raw().isEmpty())) {
                ofNode.invalid("a list of filters to try, like [jwt, api_key]");
            }
            return new AuthAnyConfig(List.copyOf(names));
        }
    }

    /** Builds auth_any with the sibling filters it takes over from the route. */
    public static final FilterRegistry.CompositeFactory FACTORY = new FilterRegistry.CompositeFactory() {
        @Override
        public List<String> members(Object config) {
            return ((AuthAnyConfig) config).of();
        }

        @Override
        public Filter create(Object config, Map<String, Filter> members, FilterEnv env) {
            List<Authenticator> list = new ArrayList<>();
            for (String name : ((AuthAnyConfig) config).of()) {
                if (!(members.get(name) instanceof Authenticator a)) {
                    throw new IllegalStateException("auth_any: " + name + " is not configured on the route");
                }
                list.add(a);
            }
            return new AuthAnyFilter(list);
        }
    };

    /** Each listed filter must be on every route auth_any runs on. */
    public static void validate(Object config, FilterRegistry.Placement at, Problems problems) {
        if (at.route() == null) {
            return;
        }
        List<String> of = ((AuthAnyConfig) config).of();
        for (int i = 0; i < of.size(); i++) {
            if (!at.siblings().contains(of.get(i))) {
                problems.add(at.path().field("of").index(i), "\"" + of.get(i) + "\" is not configured on "
                        + at.route() + " (expected: auth_any lists filters the route also has, like "
                        + of.get(i) + ": {...})");
            }
        }
    }

    AuthAnyFilter(List<Authenticator> members) {
        this.members = members.toArray(new Authenticator[0]);
    }

    @Override
    public CompletionStage<@Nullable Denial> authenticate(RequestContext ctx) {
        return tryFrom(0, ctx, null, null);
    }

    private CompletionStage<@Nullable Denial> tryFrom(int start, RequestContext ctx, @Nullable Denial best,
                                                      @Nullable List<String> challenges) {
        for (int i = start; i < members.length; i++) {
            CompletionStage<@Nullable Denial> stage = members[i].authenticate(ctx);
            CompletableFuture<@Nullable Denial> f = stage.toCompletableFuture();
            if (!f.isDone() || f.isCompletedExceptionally()) {
                int next = i + 1;
                Denial b = best;
                List<String> c = challenges;
                // Members finish on the request's event loop, so this continues there.
                return stage.thenCompose(d -> d == null ? PASSED : continueAfter(next, ctx, d, b, c));
            }
            Denial d = f.getNow(null);
            if (d == null) {
                return PASSED;
            }
            if (d.kind() == Denial.Kind.MISSING && d.challenge() != null) {
                if (challenges == null) {
                    challenges = new ArrayList<>(members.length);
                }
                challenges.add(d.challenge());
            }
            if (best == null || d.kind().compareTo(best.kind()) > 0) {
                best = d;
            }
        }
        if (best == null || best.kind() != Denial.Kind.MISSING) {
            return CompletableFuture.completedStage(best);
        }
        return CompletableFuture.completedStage(Denial.missing(challenges == null ? List.of() : challenges,
                "no credentials"));
    }

    private CompletionStage<@Nullable Denial> continueAfter(int next, RequestContext ctx, Denial d,
                                                            @Nullable Denial best, @Nullable List<String> challenges) {
        List<String> c = challenges;
        if (d.kind() == Denial.Kind.MISSING && d.challenge() != null) {
            c = c == null ? new ArrayList<>(members.length) : c;
            c.add(d.challenge());
        }
        Denial b = best == null || d.kind().compareTo(best.kind()) > 0 ? d : best;
        return tryFrom(next, ctx, b, c);
    }
}
