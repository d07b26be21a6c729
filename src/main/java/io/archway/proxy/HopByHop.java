package io.archway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes what must not cross the gateway: hop-by-hop headers, headers a {@code Connection} header
 * names, and header names with {@code _} (many backends read them as the {@code -} name). Runs before
 * the gateway adds its own headers, so a {@code Connection} header can never remove one of those.
 */
final class HopByHop {
    private HopByHop() {}

    static boolean isHopByHop(CharSequence name) {
        int n = name.length();
        return switch (n) {
            case 2 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE);
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE);
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE);
            case 17 -> AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                    || isProxyHeader(name);
            default -> n > 6 && isProxyHeader(name);
        };
    }

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

    /** Strips the headers; in the common case (nothing to strip) it allocates nothing. */
    static void strip(HttpHeaders headers) {
        List<String> connectionNamed = null;
        boolean any = false;
        for (Map.Entry<CharSequence, CharSequence> e : (Iterable<Map.Entry<CharSequence, CharSequence>>) headers::iteratorCharSequence) {
            CharSequence name = e.getKey();
            if (isHopByHop(name) || hasUnderscore(name)) {
                any = true;
                if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                    if (connectionNamed == null) {
                        connectionNamed = new ArrayList<>(2);
                    }
                    for (String token : e.getValue().toString().split(",")) {
                        String t = token.trim();
                        if (!t.isEmpty()) {
                            connectionNamed.add(t);
                        }
                    }
                }
            }
        }
        if (!any) {
            return;
        }
        List<CharSequence> remove = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : (Iterable<Map.Entry<CharSequence, CharSequence>>) headers::iteratorCharSequence) {
            CharSequence name = e.getKey();
            if (isHopByHop(name) || hasUnderscore(name)) {
                remove.add(name);
            }
        }
        for (CharSequence name : remove) {
            headers.remove(name);
        }
        if (connectionNamed != null) {
            for (String name : connectionNamed) {
                headers.remove(name);
            }
        }
    }
}
