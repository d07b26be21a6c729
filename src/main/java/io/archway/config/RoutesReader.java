package io.archway.config;

import io.archway.config.RouteConfig.MatchConfig;
import io.archway.config.RouteConfig.MirrorConfig;
import io.archway.config.RouteConfig.RespondConfig;
import io.archway.config.RouteConfig.RewriteConfig;
import io.archway.config.RouteConfig.WeightedUpstream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code routes} and checks what a route refers to. Path and host pattern syntax beyond
 * "starts with /" is the router's to check, where the patterns are compiled.
 */
final class RoutesReader {
    private static final String[] KEYS = {"name", "match", "upstream", "upstreams", "respond", "mirror",
        "rewrite", "filters"};
    private static final List<String> TARGET_KEYS = List.of("upstream", "upstreams", "respond");
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^{}/]*)}");
    private static final String PERCENT_EXPECTED = "a percentage in 0..100";

    private final Set<String> upstreamNames;
    private final FiltersReader filters;

    RoutesReader(Set<String> upstreamNames, FiltersReader filters) {
        this.upstreamNames = upstreamNames;
        this.filters = filters;
    }

    List<RouteConfig> read(ConfigNode routes) {
        List<RouteConfig> out = new ArrayList<>();
        Map<String, ConfigPath> names = new HashMap<>();
        for (ConfigNode n : routes.items()) {
            if (n.isMissing()) {
                n.invalid("a route with name, match and upstream");
                continue;
            }
            if (!n.expectObject(KEYS)) {
                continue;
            }
            RouteConfig route = route(n);
            ConfigPath first = route.name().isEmpty() ? null : names.putIfAbsent(route.name(), n.path());
            if (first != null) {
                n.get("name").problem(Problems.quote(route.name()) + " is already the name of " + first
                        + " (expected: a unique route name)");
            }
            out.add(route);
        }
        return out;
    }

    private RouteConfig route(ConfigNode n) {
        ConfigNode nameNode = n.get("name");
        String name = nameNode.requiredString(Syntax.NAME_EXPECTED);
        if (name != null && !Syntax.isName(name)) {
            nameNode.invalid(Syntax.NAME_EXPECTED);
        }
        MatchConfig match = match(n.get("match"));

        List<String> present = TARGET_KEYS.stream().filter(k -> !n.get(k).isMissing()).toList();
        if (present.isEmpty()) {
            n.problem("nothing to answer with (expected: exactly one of upstream, upstreams, respond)");
        }
        for (String extra : present.subList(Math.min(1, present.size()), present.size())) {
            n.get(extra).problem("set together with " + present.get(0)
                    + " (expected: exactly one of upstream, upstreams, respond)");
        }

        List<WeightedUpstream> upstreams = new ArrayList<>();
        String single = n.get("upstream").text("an upstream name");
        if (single != null && defined(n.get("upstream"), single)) {
            upstreams.add(new WeightedUpstream(single, 1));
        }
        upstreams.addAll(split(n.get("upstreams")));
        RespondConfig respond = respond(n.get("respond"));

        boolean responds = !n.get("respond").isMissing();
        for (String key : List.of("mirror", "rewrite")) {
            if (responds && !n.get(key).isMissing()) {
                n.get(key).problem("set on a respond route (expected: " + key + " only with upstream or upstreams)");
            }
        }
        return new RouteConfig(
                name == null ? "" : name,
                match,
                upstreams,
                mirror(n.get("mirror")),
                rewrite(n.get("rewrite"), match.path()),
                filters.read(n.get("filters")),
                respond);
    }

    private MatchConfig match(ConfigNode n) {
        if (n.isMissing()) {
            n.invalid("a map with at least path");
        }
        n.expectObject("host", "path", "methods", "headers", "query");
        ConfigNode hostNode = n.get("host");
        String host = hostNode.text("a host like api.example.com or *.example.com");
        if (host != null && host.isBlank()) {
            hostNode.invalid("a host like api.example.com or *.example.com");
            host = null;
        }
        ConfigNode pathNode = n.get("path");
        String path = n.isObject() ? pathNode.requiredString("a path starting with /") : null;
        if (path != null && !path.startsWith("/")) {
            pathNode.invalid("a path starting with /");
        }
        return new MatchConfig(host, path == null ? "" : path, methods(n.get("methods")),
                headers(n.get("headers")), query(n.get("query")));
    }

    private static Set<String> methods(ConfigNode n) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigNode item : n.itemsOrSingle()) {
            String m = item.text("an HTTP method like GET");
            if (m == null || !Syntax.isToken(m)) {
                if (m != null || item.isMissing()) {
                    item.invalid("an HTTP method like GET");
                }
                continue;
            }
            out.add(m.toUpperCase(java.util.Locale.ROOT));
        }
        if (n.isArray() && n.raw().isEmpty()) {
            // An empty list reads as "no method"; "all methods" is written by leaving methods out.
            n.invalid("at least one method, or no methods key for all");
        }
        return out;
    }

    /** Header names in lower case: HTTP/2 sends them so, and matching ignores case anyway. */
    private static Map<String, String> headers(ConfigNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, ConfigPath> seen = new HashMap<>();
        n.entries().forEach((name, v) -> {
            if (!Syntax.isToken(name)) {
                n.problems().invalid(v.path(), name, "a header name");
                return;
            }
            String lower = Syntax.lower(name);
            ConfigPath first = seen.putIfAbsent(lower, v.path());
            if (first != null) {
                v.problem("the same header as " + first + " (expected: each header once, names ignore case)");
                return;
            }
            String value = v.text("a header value");
            if (value != null) {
                out.put(lower, value);
            } else if (v.isMissing()) {
                v.invalid("a header value");
            }
        });
        return out;
    }

    private static Map<String, String> query(ConfigNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.entries().forEach((name, v) -> {
            String value = v.text("a query parameter value");
            if (value != null) {
                out.put(name, value);
            } else if (v.isMissing()) {
                // Dropping it would quietly widen the match to requests without the parameter.
                v.invalid("a query parameter value");
            }
        });
        return out;
    }

    private List<WeightedUpstream> split(ConfigNode n) {
        List<WeightedUpstream> out = new ArrayList<>();
        Map<String, ConfigPath> seen = new HashMap<>();
        for (ConfigNode item : n.items()) {
            if (item.isMissing()) {
                item.invalid("{name, weight}");
                continue;
            }
            if (!item.expectObject("name", "weight")) {
                continue;
            }
            ConfigNode nameNode = item.get("name");
            String name = nameNode.requiredString("an upstream name");
            int weight = item.get("weight").asInt(1, 1, 1000);
            if (name == null || !defined(nameNode, name)) {
                continue;
            }
            ConfigPath first = seen.putIfAbsent(name, nameNode.path());
            if (first != null) {
                nameNode.problem(Problems.quote(name) + " is already at " + first
                        + " (expected: each upstream once in a split)");
                continue;
            }
            out.add(new WeightedUpstream(name, weight));
        }
        if (n.isArray() && n.raw().isEmpty()) {
            n.invalid("at least one {name, weight}");
        }
        return out;
    }

    private static @Nullable RespondConfig respond(ConfigNode n) {
        if (!n.expectObject("status", "body", "headers")) {
            return null;
        }
        Map<String, String> headers = headers(n.get("headers"));
        return new RespondConfig(n.get("status").asInt(200, 100, 599), n.get("body").asString(""), headers);
    }

    private @Nullable MirrorConfig mirror(ConfigNode n) {
        if (!n.expectObject("upstream", "percent")) {
            return null;
        }
        ConfigNode up = n.get("upstream");
        String name = up.requiredString("an upstream name");
        double percent = n.get("percent").parsed(100.0, RoutesReader::percent, PERCENT_EXPECTED);
        return name != null && defined(up, name) ? new MirrorConfig(name, percent) : null;
    }

    private static double percent(String s) {
        String t = s.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        BigDecimal v;
        try {
            v = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PERCENT_EXPECTED);
        }
        if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException(PERCENT_EXPECTED);
        }
        return v.doubleValue();
    }

    private static @Nullable RewriteConfig rewrite(ConfigNode n, String matchPath) {
        if (!n.expectObject("strip_prefix", "path")) {
            return null;
        }
        ConfigNode strip = n.get("strip_prefix");
        ConfigNode path = n.get("path");
        if (strip.isMissing() && path.isMissing()) {
            n.invalid("exactly one of strip_prefix, path");
            return null;
        }
        if (!strip.isMissing() && !path.isMissing()) {
            path.problem("set together with strip_prefix (expected: exactly one of strip_prefix, path)");
            return null;
        }
        ConfigNode given = strip.isMissing() ? path : strip;
        String value = given.text("a path starting with /");
        if (value == null) {
            return null;
        }
        if (!value.startsWith("/")) {
            given.invalid("a path starting with /");
            return null;
        }
        if (given == strip) {
            return new RewriteConfig(value, null);
        }
        Set<String> bound = variables(matchPath);
        for (String v : variables(value)) {
            if (!bound.contains(v)) {
                given.invalid(bound.isEmpty()
                        ? "no {variables}: match.path binds none"
                        : "only variables that match.path binds: {" + String.join("}, {", bound) + "}");
                return null;
            }
        }
        return new RewriteConfig(null, value);
    }

    private static Set<String> variables(String path) {
        Set<String> out = new TreeSet<>();
        Matcher m = PATH_VARIABLE.matcher(path);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Reports, at the referring node, a route that names an upstream nobody defined. */
    private boolean defined(ConfigNode at, String name) {
        if (upstreamNames.contains(name)) {
            return true;
        }
        at.problem(Problems.quote(name) + " is not defined " + (upstreamNames.isEmpty()
                ? "(expected: an upstream defined under upstreams, which has none)"
                : "(expected one of: " + String.join(", ", new TreeSet<>(upstreamNames)) + ")"));
        return false;
    }
}
