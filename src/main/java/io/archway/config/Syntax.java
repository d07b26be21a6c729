package io.archway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The small grammars the config checks values against: names, HTTP tokens, host names, IP literals. */
public final class Syntax {
    /** Upstream and route names: they appear in metric labels, log fields and admin URLs unescaped. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    static final String NAME_EXPECTED = "a name of letters, digits, '.', '_' and '-'";

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    // Underscores are not valid in DNS host names, but Docker and Compose service names use them.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private Syntax() {}

    static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    /** An RFC 9110 token: what header names and methods are made of. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv4Literal(String s) {
        return IPV4.matcher(s).matches();
    }

    /**
     * An IPv6 literal without brackets. The character check comes first because
     * InetAddress.getByName falls back to a DNS lookup for anything it cannot parse as a literal,
     * and loading a config must never touch the network.
     */
    static boolean isIpv6Literal(String s) {
        if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A DNS name, an IPv4 literal, or an IPv6 literal (with or without brackets). */
    static boolean isHost(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            return isIpv6Literal(s.substring(1, s.length() - 1));
        }
        if (isIpv4Literal(s) || isIpv6Literal(s)) {
            return true;
        }
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (name.isEmpty() || name.length() > 253 || name.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code localhost} or a loopback literal; decided without DNS. */
    static boolean isLoopbackHost(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (isIpv4Literal(h)) {
            return h.startsWith("127.");
        }
        if (isIpv6Literal(h)) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
