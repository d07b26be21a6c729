package io.archway.route;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A route's {@code match.host}, lower-case: an exact name, or a wildcard {@code *.example.com} kept as its
 * suffix {@code .example.com}, which matches every host ending in it but not the apex {@code example.com}.
 */
record HostPattern(@Nullable String exact, @Nullable String suffix) {
    private static final String EXPECTED = "a host name like api.example.com or *.example.com, without a port";

    /** Parses a host as written in the config; throws IllegalArgumentException with an "expected" message. */
    static HostPattern parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("*.")) {
            String name = lower.substring(2);
            if (!isHostName(name)) {
                throw invalid(text);
            }
            return new HostPattern(null, "." + name);
        }
        if (!isHostName(lower) && !isIpv6Literal(lower)) {
            throw invalid(text);
        }
        return new HostPattern(lower, null);
    }

    /**
     * Where the host ends in a Host header: before the port and the trailing dot of a fully qualified name; 0 when
     * nothing is left. Routes see the host up to there, in lower case ({@link MatchRequest}).
     */
    static int canonicalEnd(String hostHeader) {
        if (hostHeader.isEmpty()) {
            return 0;
        }
        int end = hostHeader.length();
        if (hostHeader.charAt(0) == '[') {
            int close = hostHeader.indexOf(']');
            if (close > 0) {
                end = close + 1;
            }
        } else {
            int colon = hostHeader.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        if (end > 0 && hostHeader.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }

    /** Whether an ASCII upper-case letter comes before {@code end}. */
    static boolean hasUpperCase(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** What two routes must share to have the same host: the exact name, or {@code *} and the suffix. */
    String key() {
        return exact != null ? exact : "*" + suffix;
    }

    @Override
    public String toString() {
        return key();
    }

    private static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length < 1 || length > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = name.charAt(i);
                // '_' is not in RFC 1123 names, but internal DNS names use it and clients send it.
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isIpv6Literal(String name) {
        if (name.length() < 4 || name.charAt(0) != '[' || name.charAt(name.length() - 1) != ']') {
            return false;
        }
        for (int i = 1; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                return false;
            }
        }
        return name.indexOf(':') > 0;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(PathPattern.quote(text) + " (expected: " + EXPECTED + ")");
    }
}
