package io.archway.filter;

import io.archway.config.FilterSpec;
import io.archway.config.GatewayConfig;
import io.archway.config.RouteConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * Removes a client's copies of the headers through which the gateway tells upstreams who is calling:
 * every header that any route's {@code forward_claims} fills in (DESIGN §7 "Identity"). It runs first on
 * every route, whatever filters the route has, because an upstream behind a route without {@code jwt}
 * must not believe a forged claim header either. ({@code X-Consumer} the proxy removes itself.)
 */
public final class IdentityHeaders implements Filter {

    /** A filter config naming request headers that the gateway fills in. */
    public interface Source {
        Set<String> identityHeaders();
    }

    private final AsciiString[] names;

    private IdentityHeaders(Set<String> names) {
        this.names = names.stream().map(AsciiString::cached).toArray(AsciiString[]::new);
    }

    /** Collects the headers of every filter config in the global map and on every route, once per config. */
    public static IdentityHeaders of(GatewayConfig config) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        collect(config.filters(), names);
        for (RouteConfig r : config.routes()) {
            collect(r.filters(), names);
        }
        return new IdentityHeaders(names);
    }

    private static void collect(Map<String, FilterSpec> filters, Set<String> into) {
        for (FilterSpec spec : filters.values()) {
            if (spec instanceof FilterSpec.Enabled e && e.config() instanceof Source s) {
                into.addAll(s.identityHeaders());
            }
        }
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /** The header names, for logs and tests. */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (AsciiString n : names) {
            out.add(n.toString());
        }
        return out;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        for (AsciiString n : names) {
            h.remove(n);
        }
        return FilterResult.PROCEED_NOW;
    }
}
