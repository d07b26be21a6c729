package io.archway.filter.cors;

import io.archway.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cors} settings. {@code origins} are exact ({@code https://app.example.com}), a subdomain
 * wildcard ({@code https://*.example.com}, or {@code *.example.com} for http and https), or {@code *};
 * {@code headers: ["*"]} allows whatever request headers a preflight asks for.
 */
public record CorsConfig(Set<String> exactOrigins, List<OriginPattern> patterns, boolean anyOrigin,
                         List<String> methods, List<String> headers, boolean anyHeader, List<String> expose,
                         boolean credentials, @Nullable Duration maxAge) {

    static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST");
    private static final Pattern EXACT = Pattern.compile("(?i)(https?)://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(:\\d{1,5})?");
    private static final Pattern WILDCARD = Pattern.compile("(?i)(?:(https?)://)?\\*((?:\\.[a-z0-9-]+)+)(:\\d{1,5})?");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^`|~-]+");
    private static final String ORIGIN_EXPECTED =
            "an origin like https://app.example.com, a wildcard like https://*.example.com, or *";

    /** A wildcard origin: a scheme (or either of http, https), a host suffix with its dot, a port or none. */
    public record OriginPattern(@Nullable String scheme, String suffix, String port) {
        boolean matches(String scheme, String host, String port) {
            return (this.scheme == null || this.scheme.equals(scheme)) && this.port.equals(port)
                    && host.length() > suffix.length() && host.endsWith(suffix);
        }
    }

    public static @Nullable CorsConfig parse(ConfigNode node) {
        if (!node.expectObject("origins", "methods", "headers", "expose", "credentials", "max_age")) {
            node.invalid("a map like {origins: [https://app.example.com]}");
            return null;
        }
        int before = node.problems().size();
        ConfigNode originsNode = node.get("origins");
        if (originsNode.isMissing()) {
            originsNode.problem("missing (expected: a list of origins, e.g. [https://app.example.com])");
        }
        boolean credentials = node.get("credentials").asBoolean(false);
        Set<String> exact = new LinkedHashSet<>();
        List<OriginPattern> patterns = new ArrayList<>();
        boolean any = false;
        for (ConfigNode item : originsNode.itemsOrSingle()) {
            String o = item.text(ORIGIN_EXPECTED);
            if (o == null) {
                continue;
            }
            var w = WILDCARD.matcher(o);
            var e = EXACT.matcher(o);
            if (o.equals("*")) {
                if (credentials) {
                    item.invalid("explicit origins: with credentials: true a browser refuses *");
                }
                any = true;
            } else if (o.equals("null")) {
                exact.add("null");
            } else if (w.matches()) {
                patterns.add(new OriginPattern(w.group(1) == null ? null : w.group(1).toLowerCase(Locale.ROOT),
                        w.group(2).toLowerCase(Locale.ROOT), w.group(3) == null ? "" : w.group(3)));
            } else if (e.matches()) {
                exact.add(o.toLowerCase(Locale.ROOT));
            } else {
                item.invalid(ORIGIN_EXPECTED);
            }
        }
        List<String> methods = tokens(node.get("methods"), "a method like GET", true);
        if (methods.contains("*")) {
            node.get("methods").invalid("a list of methods like [GET, POST]");
        }
        if (node.get("methods").isMissing()) {
            methods = DEFAULT_METHODS;
        }
        List<String> headers = new ArrayList<>();
        boolean anyHeader = false;
        for (String h : tokens(node.get("headers"), "a header name like Content-Type, or *", false)) {
            if (h.equals("*")) {
                anyHeader = true;
            } else {
                headers.add(h);
            }
        }
        List<String> expose = tokens(node.get("expose"), "a header name like X-Request-Id", false);
        Duration maxAge = null;
        if (!node.get("max_age").isMissing()) {
            maxAge = node.get("max_age").asDuration(Duration.ZERO);
        }
        if (node.problems().size() != before) {
            return null;
        }
        return new CorsConfig(Set.copyOf(exact), List.copyOf(patterns), any, List.copyOf(methods),
                List.copyOf(headers), anyHeader, List.copyOf(expose), credentials, maxAge);
    }

    private static List<String> tokens(ConfigNode list, String expected, boolean upperCase) {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list.itemsOrSingle()) {
            String s = item.text(expected);
            if (s == null) {
                continue;
            }
            if (!TOKEN.matcher(s).matches() || (s.contains("*") && !s.equals("*"))) {
                item.invalid(expected);
                continue;
            }
            out.add(upperCase ? s.toUpperCase(Locale.ROOT) : s);
        }
        return out;
    }
}
