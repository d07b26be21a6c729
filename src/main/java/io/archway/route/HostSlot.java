package io.archway.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The routes that share one path pattern, grouped by host so that a request only looks at routes for its own
 * host, however many hosts there are. Tried in precedence order: exact host, wildcards (longer first), no host;
 * within one host, more predicates first.
 */
final class HostSlot {
    private static final Route[] NONE = {};
    /** More predicates first; file order only to be deterministic, since ties are rejected at compile. */
    static final Comparator<Route> BY_PREDICATES =
            Comparator.comparingInt((Route r) -> -r.matcher().predicateCount()).thenComparingInt(Route::index);

    private final SegmentMap<Route[]> exact;
    /** Keyed by the suffix with its leading dot, so that a request's host is probed in place, without substrings. */
    private final SegmentMap<Route[]> wildcard;
    private final int longestSuffix;
    private final Route[] any;

    private HostSlot(Map<String, Route[]> exact, Map<String, Route[]> wildcard, Route[] any) {
        this.exact = new SegmentMap<>(exact);
        this.wildcard = new SegmentMap<>(wildcard);
        this.longestSuffix = wildcard.keySet().stream().mapToInt(String::length).max().orElse(0);
        this.any = any;
    }

    static HostSlot of(List<Route> routes) {
        Map<String, List<Route>> exact = new HashMap<>();
        Map<String, List<Route>> wildcard = new HashMap<>();
        List<Route> any = new ArrayList<>();
        for (Route route : routes) {
            HostPattern host = route.host();
            if (host == null) {
                any.add(route);
            } else if (host.exact() != null) {
                exact.computeIfAbsent(host.exact(), h -> new ArrayList<>()).add(route);
            } else {
                wildcard.computeIfAbsent(host.suffix(), h -> new ArrayList<>()).add(route);
            }
        }
        return new HostSlot(sorted(exact), sorted(wildcard), sorted(any));
    }

    @Nullable Route match(MatchRequest request) {
        String host = request.host;
        if (host != null) {
            int end = request.hostEnd;
            if (!exact.isEmpty()) {
                Route route = first(exact.get(host, 0, end), request);
                if (route != null) {
                    return route;
                }
            }
            if (!wildcard.isEmpty()) {
                // Longest suffix first. From the first dot after position 0: the apex never matches its own wildcard.
                for (int dot = host.indexOf('.', 1); dot >= 0 && dot < end; dot = host.indexOf('.', dot + 1)) {
                    if (end - dot <= longestSuffix) {
                        Route route = first(wildcard.get(host, dot, end), request);
                        if (route != null) {
                            return route;
                        }
                    }
                }
            }
        }
        return first(any, request);
    }

    private static @Nullable Route first(Route @Nullable [] routes, MatchRequest request) {
        if (routes != null) {
            for (Route route : routes) {
                if (route.matcher().matches(request)) {
                    return route;
                }
            }
        }
        return null;
    }

    private static Map<String, Route[]> sorted(Map<String, List<Route>> byHost) {
        Map<String, Route[]> out = new HashMap<>();
        byHost.forEach((host, routes) -> out.put(host, sorted(routes)));
        return out;
    }

    private static Route[] sorted(List<Route> routes) {
        if (routes.isEmpty()) {
            return NONE;
        }
        routes.sort(BY_PREDICATES);
        return routes.toArray(NONE);
    }
}
