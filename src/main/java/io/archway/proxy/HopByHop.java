package io.archway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Removes what must not cross the gateway: hop-by-hop headers, headers a {@code Connection} header
 * names, and header names with {@code _} (many backends read them as the {@code -} name). Runs before
 * the gateway adds its own headers, so a {@code Connection} header can never remove one of those.
 */
final class HopByHop {
    private HopByHop() {}

    private static boolean isProxyHeader(CharSequence name) {
        return name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6);
    }

    private static boolean hasUnderscore(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return true;
            }
        }
        return false;
    }

    /** The fixed hop-by-hop names (RFC 9110 §7.6.1), removed by name: a hash lookup each, no iteration. */
    private static final AsciiString[] FIXED = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
        HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_CONNECTION,
        HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
    };

    /** Strips the headers; in the common case (only fixed hop-by-hop names present) it allocates nothing. */
    static void strip(HttpHeaders headers) {
        List<String> connectionNamed = null;
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION); values.hasNext(); ) {
                String value = values.next();
                if (isPlainConnectionValue(value)) {
                    continue;
                }
                for (String token : value.split(",")) {
                    String t = token.trim();
                    if (!t.isEmpty()) {
                        if (connectionNamed == null) {
                            connectionNamed = new ArrayList<>(2);
                        }
                        connectionNamed.add(t);
                    }
                }
            }
        }
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
        if (connectionNamed != null) {
            for (String name : connectionNamed) {
                headers.remove(name);
            }
        }
        // Other Proxy-* names and names with '_' need a look at every name; only a hit allocates.
        List<CharSequence> odd = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (hasUnderscore(name) || isProxyHeader(name)) {
                if (odd == null) {
                    odd = new ArrayList<>(2);
                }
                odd.add(name);
            }
        }
        if (odd != null) {
            for (CharSequence name : odd) {
                headers.remove(name);
            }
        }
    }

    /** {@code keep-alive}, {@code close} or {@code upgrade}: tokens that name no other header to remove. */
    private static boolean isPlainConnectionValue(String v) {
        return v.equalsIgnoreCase("keep-alive") || v.equalsIgnoreCase("close") || v.equalsIgnoreCase("upgrade");
    }
}
