package io.archway.filter.cache;

import java.util.List;
import java.util.Locale;

/**
 * The Cache-Control directives the cache acts on (RFC 9111 §5.2). A qualified {@code private="..."} or
 * {@code no-cache="..."} counts as the plain directive: the cache never stores part of a response.
 * A max-age that is not a number counts as 0 (stale), as §4.2.1 asks.
 */
record CacheControl(boolean noStore, boolean noCache, boolean isPrivate, boolean isPublic,
                    long maxAge, long sMaxAge) {
    static final CacheControl NONE = new CacheControl(false, false, false, false, -1, -1);

    static CacheControl parse(List<String> values) {
        if (values.isEmpty()) {
            return NONE;
        }
        boolean noStore = false;
        boolean noCache = false;
        boolean priv = false;
        boolean pub = false;
        long maxAge = -1;
        long sMaxAge = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                String d = part.trim();
                int eq = d.indexOf('=');
                String name = (eq < 0 ? d : d.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String arg = eq < 0 ? null : unquote(d.substring(eq + 1).trim());
                switch (name) {
                    case "no-store" -> noStore = true;
                    case "no-cache" -> noCache = true;
                    case "private" -> priv = true;
                    case "public" -> pub = true;
                    case "max-age" -> maxAge = seconds(arg);
                    case "s-maxage" -> sMaxAge = seconds(arg);
                    default -> { }
                }
            }
        }
        return new CacheControl(noStore, noCache, priv, pub, maxAge, sMaxAge);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static long seconds(String arg) {
        if (arg == null || arg.isEmpty()) {
            return 0;
        }
        for (int i = 0; i < arg.length(); i++) {
            if (arg.charAt(i) < '0' || arg.charAt(i) > '9') {
                return 0;
            }
        }
        // Delta-seconds beyond 2^31 are to be read as 2^31 (RFC 9111 §1.2.2).
        return arg.length() > 10 ? 2147483648L : Math.min(Long.parseLong(arg), 2147483648L);
    }
}
