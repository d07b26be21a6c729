package io.archway.filter.ipfilter;

import io.archway.config.Cidr;
import io.archway.config.ConfigNode;
import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ip_filter}: 403 for a client address in {@code deny}, or outside {@code allow} when allow is
 * given. The address is DESIGN §7's client address (the peer, or the right-most untrusted
 * X-Forwarded-For hop behind a trusted proxy). IPv4 and IPv6; an IPv4-mapped IPv6 address counts as IPv4.
 */
public final class IpFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(IpFilter.class);
    private static final String CIDR_EXPECTED = "an IP address or CIDR block like 10.0.0.0/8 or 2001:db8::/32";
    private static final CompletionStage<FilterResult> FORBIDDEN = CompletableFuture.completedStage(
            new FilterResult.Error(HttpResponseStatus.FORBIDDEN, "forbidden", new DefaultHttpHeaders()));

    private final Cidr[] allow;
    private final Cidr[] deny;

    /** The config: blocks allowed and denied; deny wins. */
    public record IpFilterConfig(List<Cidr> allow, List<Cidr> deny) {
        public IpFilterConfig {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }

        public static IpFilterConfig parse(ConfigNode node) {
            node.expectObject("allow", "deny");
            List<Cidr> allow = blocks(node.get("allow"));
            List<Cidr> deny = blocks(node.get("deny"));
            if (node.get("allow").isMissing() && node.get("deny").isMissing() && node.isObject()) {
                node.problem("filters nothing (expected: allow, deny or both, lists of CIDR blocks)");
            }
            return new IpFilterConfig(allow, deny);
        }

        private static List<Cidr> blocks(ConfigNode n) {
            List<Cidr> out = new ArrayList<>();
            for (ConfigNode item : n.itemsOrSingle()) {
                Cidr c = item.parsed(null, Cidr::parse, CIDR_EXPECTED);
                if (c != null) {
                    out.add(c);
                } else if (item.isMissing()) {
                    item.invalid(CIDR_EXPECTED);
                }
            }
            if (n.isArray() && n.raw().isEmpty()) {
                // An empty allow list would lock everyone out; say so rather than guess.
                n.invalid("at least one " + CIDR_EXPECTED + ", or leave the key out");
            }
            return out;
        }
    }

    public IpFilter(IpFilterConfig config) {
        this.allow = config.allow().toArray(new Cidr[0]);
        this.deny = config.deny().toArray(new Cidr[0]);
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        if (permits(ctx.clientAddress())) {
            return FilterResult.PROCEED_NOW;
        }
        if (log.isDebugEnabled()) {
            log.debug("request {} on route {} denied: client {} not allowed", ctx.requestId(), ctx.route(),
                    ctx.clientIp());
        }
        return FORBIDDEN;
    }

    boolean permits(InetAddress address) {
        for (Cidr c : deny) {
            if (c.contains(address)) {
                return false;
            }
        }
        if (allow.length == 0) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
