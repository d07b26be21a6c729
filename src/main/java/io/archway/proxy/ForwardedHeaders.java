package io.archway.proxy;

import io.archway.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The client address and the forwarding headers of DESIGN §7 "Client address": believed only from
 * peers in {@code trusted_proxies}, replaced for everyone else.
 */
final class ForwardedHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    static final AsciiString VIA = AsciiString.cached("via");
    static final String VIA_VALUE = "1.1 archway";

    private ForwardedHeaders() {}

    static boolean isTrusted(InetAddress peer, List<Cidr> trusted) {
        for (int i = 0; i < trusted.size(); i++) {
            if (trusted.get(i).contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** The right-most X-Forwarded-For entry that is not a trusted proxy, or the peer. */
    static InetAddress clientAddress(InetAddress peer, boolean peerTrusted, HttpHeaders headers, List<Cidr> trusted) {
        if (!peerTrusted) {
            return peer;
        }
        List<String> values = headers.getAll(X_FORWARDED_FOR);
        for (int v = values.size() - 1; v >= 0; v--) {
            String[] hops = values.get(v).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                InetAddress hop = parse(hops[i].trim());
                if (hop == null) {
                    // An entry we cannot read ends the walk: nothing left of it can be believed.
                    return peer;
                }
                if (!isTrusted(hop, trusted)) {
                    return hop;
                }
            }
        }
        return peer;
    }

    private static InetAddress parse(String s) {
        String host = s;
        if (host.startsWith("[") && host.indexOf(']') > 0) {
            host = host.substring(1, host.indexOf(']'));
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String ip(InetAddress address) {
        return NetUtil.toAddressString(address);
    }

    /** This hop's {@code Forwarded} element: {@code for=<peer>;proto=<scheme>[;host="<host>"]}. */
    static String forwardedElement(InetAddress peer, String peerIp, String scheme, @Nullable String host) {
        String node = peer instanceof Inet6Address ? "\"[" + peerIp + "]\"" : peerIp;
        StringBuilder fwd = new StringBuilder(48).append("for=").append(node).append(";proto=").append(scheme);
        if (host != null && !host.isEmpty()) {
            fwd.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        return fwd.toString();
    }

    /**
     * Sets X-Forwarded-*, Forwarded and Via on a request going upstream; {@code element} is this hop's
     * {@link #forwardedElement}, which a connection can keep from one request to the next.
     */
    static void apply(HttpHeaders h, String peerIp, boolean peerTrusted, String scheme, @Nullable String host,
                      String element) {
        String xff = peerTrusted ? h.get(X_FORWARDED_FOR) : null;
        h.set(X_FORWARDED_FOR, xff == null || xff.isEmpty() ? peerIp : xff + ", " + peerIp);
        if (!peerTrusted || !h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, scheme);
        }
        if ((!peerTrusted || !h.contains(X_FORWARDED_HOST)) && host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
        String previous = peerTrusted ? h.get(FORWARDED) : null;
        h.set(FORWARDED, previous == null || previous.isEmpty() ? element : previous + ", " + element);
        String via = h.get(VIA);
        h.set(VIA, via == null || via.isEmpty() ? VIA_VALUE : via + ", " + VIA_VALUE);
    }
}
