package io.archway.route;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The route a request matched, with the values its path template bound. Immutable. The values are kept as places
 * in the path and cut out only when asked for: the proxy rarely needs them as strings.
 */
public final class RouteMatch {
    static final int[] NO_BOUNDS = {};

    private final Route route;
    private final String path;
    /** Start and end of each variable's segment in {@link #path}, in the order of the pattern's variables. */
    private final int[] bounds;

    RouteMatch(Route route, String path, int[] bounds) {
        this.route = route;
        this.path = path;
        this.bounds = bounds;
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
        return i < 0 ? null : value(i);
    }

    /**
     * The bound template variables in path order; empty for exact and prefix routes. A read-only view: each read
     * cuts its values from the path, and creating it copies nothing.
     */
    public Map<String, String> variables() {
        return bounds.length == 0 ? Map.of() : new Variables();
    }

    /**
     * The path and query to send upstream: the route's rewrite applied to the normalised path, then {@code ?} and
     * the raw query when there is one. Without rewrite and query this is {@link #path()} itself.
     */
    public String upstreamPath(@Nullable String rawQuery) {
        String upstream = route.rewrite().apply(path, bounds);
        return rawQuery == null ? upstream : upstream + '?' + rawQuery;
    }

    private String value(int i) {
        return path.substring(bounds[2 * i], bounds[2 * i + 1]);
    }

    @Override
    public String toString() {
        return route + " " + path + (bounds.length == 0 ? "" : " " + variables());
    }

    private final class Variables extends AbstractMap<String, String> {
        @Override
        public int size() {
            return bounds.length / 2;
        }

        @Override
        public boolean containsKey(Object key) {
            return route.pattern().variableNames().contains(key);
        }

        @Override
        public @Nullable String get(Object key) {
            return key instanceof String name ? variable(name) : null;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            List<String> names = route.pattern().variableNames();
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), value(i));
            }
            return Collections.unmodifiableMap(out).entrySet();
        }
    }
}
