package io.archway.route;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The route a request matched, with the values its path template bound. Immutable. */
public final class RouteMatch {
    static final String[] NO_VALUES = {};

    private final Route route;
    private final String path;
    private final String[] values;

    RouteMatch(Route route, String path, String[] values) {
        this.route = route;
        this.path = path;
        this.values = values;
    }

    public Route route() {
        return route;
    }

    /** The normalised request path that was matched. */
    public String path() {
        return path;
    }

    /** The value bound to a template variable, or null when the route's pattern has no such variable. */
    public @Nullable String variable(String name) {
        int i = route.pattern().variableNames().indexOf(name);
        return i < 0 ? null : values[i];
    }

    /** The bound template variables in path order; empty for exact and prefix routes. */
    public Map<String, String> variables() {
        if (values.length == 0) {
            return Map.of();
        }
        List<String> names = route.pattern().variableNames();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(names.get(i), values[i]);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The path and query to send upstream: the route's rewrite applied to the normalised path, then {@code ?} and
     * the raw query when there is one. Without rewrite and query this is {@link #path()} itself.
     */
    public String upstreamPath(@Nullable String rawQuery) {
        String upstream = route.rewrite().apply(path, values);
        return rawQuery == null ? upstream : upstream + '?' + rawQuery;
    }

    @Override
    public String toString() {
        return route + " " + path + (values.length == 0 ? "" : " " + variables());
    }
}
