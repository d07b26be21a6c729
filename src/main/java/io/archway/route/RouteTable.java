package io.archway.route;

import static java.util.Objects.requireNonNull;

import io.archway.config.ConfigPath;
import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The routes of one config, compiled for matching; immutable and safe to share between event loops.
 *
 * <p>A request gets the most specific route, whatever the order of the file (DESIGN §7 "Routing"):
 * <ol>
 *   <li>path kind: an exact path, then a template, then a prefix. Among templates that match, a literal segment
 *       beats a variable, compared segment by segment from the left; among prefixes, the longer wins;
 *   <li>host: an exact host, then wildcards (the longer first), then routes without a host;
 *   <li>more predicates beat fewer ({@code methods} counts as one, each header and each query key as one).
 * </ol>
 * A route that is first by this order but whose methods, headers or query do not fit is skipped for the next.
 *
 * <p>The paths are looked up in a hash map (exact) and two segment tries (templates, prefixes); each pattern leads
 * to its routes grouped by host. The work per request therefore depends on the path's depth and on the routes
 * sharing its pattern and host, not on how many routes there are.
 */
public final class RouteTable {
    /**
     * The request being matched, one per thread: matching runs on every request, and a fresh one each time would
     * be the only allocation of a miss. A table is shared by every event loop, so the scratch cannot live in it.
     */
    private static final FastThreadLocal<MatchRequest> REQUEST = new FastThreadLocal<>() {
        @Override
        protected MatchRequest initialValue() {
            return new MatchRequest();
        }
    };

    private final List<Route> routes;
    private final Map<String, HostSlot> exact;
    private final @Nullable PathNode templates;
    private final @Nullable PathNode prefixes;
    /** The most variables any template binds: the size of the scratch space a template walk needs. */
    private final int maxVariables;

    private RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Map<String, List<Route>> exactPaths = new HashMap<>();
        PathNode.Builder templateRoot = new PathNode.Builder();
        PathNode.Builder prefixRoot = new PathNode.Builder();
        int variables = 0;
        for (Route route : routes) {
            PathPattern pattern = route.pattern();
            switch (pattern.kind()) {
                case EXACT -> exactPaths.computeIfAbsent(pattern.shape(), p -> new ArrayList<>()).add(route);
                case TEMPLATE -> {
                    PathNode.Builder node = templateRoot;
                    for (int i = 0; i < pattern.segmentCount(); i++) {
                        String segment = pattern.segment(i);
                        node = segment == null ? node.variable() : node.child(segment);
                    }
                    node.add(route);
                    variables = Math.max(variables, pattern.variableNames().size());
                }
                case PREFIX -> {
                    PathNode.Builder node = prefixRoot;
                    for (int i = 0; i < pattern.segmentCount(); i++) {
                        node = node.child(requireNonNull(pattern.segment(i)));
                    }
                    node.add(route);
                }
            }
        }
        Map<String, HostSlot> exactSlots = new HashMap<>();
        exactPaths.forEach((path, list) -> exactSlots.put(path, HostSlot.of(list)));
        this.exact = exactSlots;
        this.templates = templateRoot.isEmpty() ? null : templateRoot.build();
        this.prefixes = prefixRoot.isEmpty() ? null : prefixRoot.build();
        this.maxVariables = variables;
    }

    /**
     * Compiles the routes of a config. Reports to {@code problems}, with paths like {@code routes[2].match.path}:
     * bad path, host or rewrite syntax (that route is left out of the table), and ties, where two routes share
     * host, path shape and predicate count and their methods overlap, so that neither is more specific.
     */
    public static RouteTable compile(List<RouteConfig> configs, Problems problems) {
        ConfigPath routesAt = ConfigPath.root().field("routes");
        List<Route> routes = new ArrayList<>(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            RouteConfig config = configs.get(i);
            ConfigPath at = routesAt.index(i);
            ConfigPath matchAt = at.field("match");
            PathPattern pattern = null;
            try {
                pattern = PathPattern.parse(config.match().path());
            } catch (IllegalArgumentException e) {
                problems.add(matchAt.field("path"), e.getMessage());
            }
            HostPattern host = null;
            boolean hostValid = true;
            if (config.match().host() != null) {
                try {
                    host = HostPattern.parse(config.match().host());
                } catch (IllegalArgumentException e) {
                    problems.add(matchAt.field("host"), e.getMessage());
                    hostValid = false;
                }
            }
            if (pattern == null || !hostValid) {
                continue;
            }
            Rewrite rewrite = Rewrite.compile(config.rewrite(), pattern, at.field("rewrite"), problems);
            if (rewrite != null) {
                routes.add(new Route(config, i, pattern, host, new Matcher(config.match()), rewrite));
            }
        }
        reportTies(routes, routesAt, problems);
        return new RouteTable(routes);
    }

    private static void reportTies(List<Route> routes, ConfigPath routesAt, Problems problems) {
        record Key(String host, String shape, int predicates) {}
        Map<Key, List<Route>> groups = new HashMap<>();
        for (Route route : routes) {
            HostPattern host = route.host();
            Key key = new Key(host == null ? "" : host.key(), route.pattern().shape(), route.matcher().predicateCount());
            List<Route> group = groups.computeIfAbsent(key, k -> new ArrayList<>());
            for (Route earlier : group) {
                if (earlier.matcher().methodsOverlap(route.matcher())) {
                    problems.add(routesAt.index(route.index()).field("match"),
                            "same host, path and predicate count as " + earlier
                                    + " (expected: a more specific match on one of them)");
                    break;
                }
            }
            group.add(route);
        }
    }

    /** The compiled routes in file order; routes whose match or rewrite was invalid are not among them. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * Finds the route for a request, or null when none matches (404 {@code no_route}).
     *
     * @param method the request method, compared exactly
     * @param host the Host header (or {@code :authority}) as received, with or without port; null when absent
     * @param normalizedPath the path as {@link PathNormalizer#normalize} returned it
     * @param headers the request headers; names compare case-insensitively, values exactly
     * @param rawQuery the query string without {@code ?}, decoded only if a candidate route matches on it
     */
    public @Nullable RouteMatch match(String method, @Nullable String host, String normalizedPath, HttpHeaders headers,
                                      @Nullable String rawQuery) {
        requireNonNull(method, "method");
        requireNonNull(headers, "headers");
        if (normalizedPath.isEmpty() || normalizedPath.charAt(0) != '/') {
            return null;
        }
        MatchRequest request = REQUEST.get();
        request.start(method, host, normalizedPath, headers, rawQuery, maxVariables);
        try {
            return find(request);
        } finally {
            request.clear();
        }
    }

    private @Nullable RouteMatch find(MatchRequest request) {
        String path = request.path;
        HostSlot slot = exact.get(path);
        if (slot != null) {
            Route route = slot.match(request);
            if (route != null) {
                return new RouteMatch(route, path, RouteMatch.NO_BOUNDS);
            }
        }
        if (templates != null) {
            Route route = walkTemplates(templates, request, 1, 0);
            if (route != null) {
                int variables = route.pattern().variableNames().size();
                return new RouteMatch(route, path,
                        variables == 0 ? RouteMatch.NO_BOUNDS : Arrays.copyOf(request.bounds, 2 * variables));
            }
        }
        if (prefixes != null) {
            Route route = walkPrefixes(prefixes, request, 1);
            if (route != null) {
                return new RouteMatch(route, path, RouteMatch.NO_BOUNDS);
            }
        }
        return null;
    }

    /**
     * Depth-first, literal child before variable, so the first route found is the most specific template.
     * {@code request.bounds} receives start and end of each variable's segment, in order.
     */
    private static @Nullable Route walkTemplates(PathNode node, MatchRequest request, int start, int depth) {
        String path = request.path;
        int end = path.indexOf('/', start);
        boolean last = end < 0;
        if (last) {
            end = path.length();
        }
        PathNode literal = node.children.get(path, start, end);
        if (literal != null) {
            Route route = last ? routesAt(literal, request) : walkTemplates(literal, request, end + 1, depth);
            if (route != null) {
                return route;
            }
        }
        PathNode variable = node.variable;
        if (variable != null && end > start) {
            int[] bounds = request.bounds;
            bounds[2 * depth] = start;
            bounds[2 * depth + 1] = end;
            return last ? routesAt(variable, request) : walkTemplates(variable, request, end + 1, depth + 1);
        }
        return null;
    }

    /** Deepest prefix first: the walk goes down as far as the path allows, then tries each node on the way back. */
    private static @Nullable Route walkPrefixes(PathNode node, MatchRequest request, int start) {
        String path = request.path;
        if (start < path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            PathNode child = node.children.get(path, start, end);
            if (child != null) {
                Route route = walkPrefixes(child, request, end + 1);
                if (route != null) {
                    return route;
                }
            }
        }
        return routesAt(node, request);
    }

    private static @Nullable Route routesAt(PathNode node, MatchRequest request) {
        HostSlot slot = node.routes;
        return slot == null ? null : slot.match(request);
    }
}
