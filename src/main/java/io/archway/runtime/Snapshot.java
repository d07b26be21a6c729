package io.archway.runtime;

import io.archway.config.ConfigPath;
import io.archway.config.FilterSpec;
import io.archway.config.GatewayConfig;
import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.archway.config.UpstreamConfig;
import io.archway.filter.Filter;
import io.archway.filter.FilterChain;
import io.archway.filter.FilterEnv;
import io.archway.filter.FilterRegistry;
import io.archway.filter.IdentityHeaders;
import io.archway.filter.Phase;
import io.archway.metrics.GatewayMetrics;
import io.archway.route.RouteTable;
import io.archway.upstream.Upstream;
import io.archway.upstream.UpstreamEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One compiled, immutable config: the route table, each route's filter chain and upstreams. Swapped
 * atomically on change; a request keeps the snapshot it started with.
 */
public final class Snapshot {
    /** The name the built-in metrics observer has in {@link FilterChain#names()}. */
    public static final String OBSERVER_NAME = "metrics";

    private final GatewayConfig config;
    private final RouteTable routes;
    private final CompiledRoute[] compiled;
    private final Map<String, Upstream> upstreams;
    private final FilterChain noRouteChain;

    private Snapshot(GatewayConfig config, RouteTable routes, CompiledRoute[] compiled,
                     Map<String, Upstream> upstreams, FilterChain noRouteChain) {
        this.config = config;
        this.routes = routes;
        this.compiled = compiled;
        this.upstreams = upstreams;
        this.noRouteChain = noRouteChain;
    }

    /**
     * The checks that need more than the loader sees: the route table (syntax, ties) and the parts of
     * the contract this build does not serve yet, which are refused rather than silently ignored.
     */
    public static void validate(GatewayConfig config, Problems problems) {
        RouteTable.compile(config.routes(), problems);
        Unsupported.check(config, problems);
        validateFilters(config, problems);
    }

    /**
     * Runs each family's {@link FilterRegistry.Validator}: once for the global map, then for every route
     * with the filters it really runs (defaults, global and its own, merged). A global filter checked on
     * every route reports the same line each time; it is reported once.
     */
    private static void validateFilters(GatewayConfig config, Problems problems) {
        FilterRegistry registry = FilterRegistry.INSTANCE;
        Problems found = new Problems();
        ConfigPath globalPath = ConfigPath.root().field("filters");
        Map<String, Placed> global = effective(config.filters(), Map.of(), globalPath, null);
        for (Placed p : global.values()) {
            check(registry, p, new FilterRegistry.Placement(p.path(), config, null, global.keySet()), found);
        }
        for (int i = 0; i < config.routes().size(); i++) {
            ConfigPath route = routePath(i);
            Map<String, Placed> placed = effective(config.filters(), config.routes().get(i).filters(),
                    globalPath, route.field("filters"));
            for (Placed p : placed.values()) {
                check(registry, p, new FilterRegistry.Placement(p.path(), config, route, placed.keySet()), found);
            }
        }
        new LinkedHashSet<>(found.lines()).forEach(problems::addLine);
    }

    private static void check(FilterRegistry registry, Placed p, FilterRegistry.Placement at, Problems found) {
        FilterRegistry.Validator v = registry.family(p.name()).validator();
        if (v != null) {
            v.validate(p.config(), at, found);
        }
    }

    /** One filter a route runs: its config and where that config is written (null path: a default). */
    private record Placed(String name, Object config, ConfigPath path) {}

    /**
     * Merges the default-on filters, the global filters and a route's own: a route's filter replaces
     * the global one of the same name, and {@code name: false} removes it. {@code ownPath} is null
     * when there is no route.
     */
    private static Map<String, Placed> effective(Map<String, FilterSpec> global, Map<String, FilterSpec> own,
                                                 ConfigPath globalPath, ConfigPath ownPath) {
        FilterRegistry registry = FilterRegistry.INSTANCE;
        Map<String, Placed> enabled = new LinkedHashMap<>();
        for (String name : FilterRegistry.ON_BY_DEFAULT) {
            enabled.put(name, new Placed(name, registry.defaultConfig(name), globalPath.field(name)));
        }
        for (Map<String, FilterSpec> layer : List.of(global, own)) {
            ConfigPath base = layer == global ? globalPath : ownPath;
            for (FilterSpec spec : layer.values()) {
                if (spec instanceof FilterSpec.Enabled e) {
                    enabled.put(e.name(), new Placed(e.name(), e.config(), base.field(e.name())));
                } else {
                    enabled.remove(spec.name());
                }
            }
        }
        return enabled;
    }

    /** Builds the snapshot of a config that {@link #validate} accepted, without meters and with fresh upstreams. */
    public static Snapshot compile(GatewayConfig config, FilterEnv env, UpstreamEnv upstreamEnv) {
        return compile(config, env, upstreamEnv, null, route -> null);
    }

    /**
     * Builds the snapshot of a config that {@link #validate} accepted. Call it off the event loops: targets
     * are resolved here.
     *
     * <p>An upstream whose config equals one in {@code previous} is carried over as the same object, with
     * its health state and balancer position; the others are new and start their health checks and DNS
     * discovery now (whoever drops them closes them: {@link #droppedBy}, {@link #closeUpstreams()}).
     * Filters are created anew, and find their long-lived state (buckets, caches, open files) in {@code env.shared()} under their config.
     *
     * @param observers the built-in observer (metrics) of a route's chain, by route name
     *                  ({@link GatewayMetrics#NO_ROUTE} for unmatched requests); null for none
     */
    public static Snapshot compile(GatewayConfig config, FilterEnv env, UpstreamEnv upstreamEnv,
                                   @Nullable Snapshot previous, Function<String, @Nullable Filter> observers) {
        Problems problems = new Problems();
        RouteTable table = RouteTable.compile(config.routes(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("config was not validated: " + problems.lines());
        }
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams().values()) {
            Upstream old = previous == null ? null : previous.upstreams.get(u.name());
            upstreams.put(u.name(), old != null && old.config().equals(u) ? old : new Upstream(u, upstreamEnv));
        }
        IdentityHeaders identity = IdentityHeaders.of(config);
        CompiledRoute[] compiled = new CompiledRoute[config.routes().size()];
        for (int i = 0; i < compiled.length; i++) {
            RouteConfig r = config.routes().get(i);
            Upstream[] ups = new Upstream[r.upstreams().size()];
            for (int j = 0; j < ups.length; j++) {
                ups[j] = upstreams.get(r.upstreams().get(j).name());
            }
            Upstream mirror = r.mirror() == null ? null : upstreams.get(r.mirror().upstream());
            compiled[i] = new CompiledRoute(r, chainFor(config.filters(), r.filters(), env, false, identity,
                    observers.apply(r.name())), ups, mirror);
        }
        FilterChain noRoute = chainFor(config.filters(), Map.of(), env, true, identity,
                observers.apply(GatewayMetrics.NO_ROUTE));
        return new Snapshot(config, table, compiled, upstreams, noRoute);
    }

    /**
     * The upstreams of this snapshot that {@code next} does not carry over: once {@code next} is in
     * force, nothing new reaches them, and they can be closed.
     */
    public List<Upstream> droppedBy(Snapshot next) {
        List<Upstream> dropped = new ArrayList<>();
        for (Upstream u : upstreams.values()) {
            if (next.upstreams.get(u.name()) != u) {
                dropped.add(u);
            }
        }
        return dropped;
    }

    /**
     * Builds a route's chain from its merged filters. A composite family (auth_any) takes its members
     * out of the chain and runs them itself. {@code identity} goes first on every route that proxies; the
     * built-in observer (metrics), when given, goes first of all, so that it sees every request and its
     * completion comes after every other filter's.
     */
    static FilterChain chainFor(Map<String, FilterSpec> global, Map<String, FilterSpec> own, FilterEnv env,
                                boolean observeOnly, IdentityHeaders identity, @Nullable Filter observer) {
        FilterRegistry registry = FilterRegistry.INSTANCE;
        ConfigPath root = ConfigPath.root();
        Map<String, Object> enabled = new LinkedHashMap<>();
        effective(global, own, root, root).forEach((name, p) -> enabled.put(name, p.config()));
        Map<String, Filter> taken = new LinkedHashMap<>();
        List<Map.Entry<String, Object>> ordered = enabled.entrySet().stream()
                .sorted((a, b) -> Integer.compare(registry.position(a.getKey()), registry.position(b.getKey())))
                .toList();
        for (Map.Entry<String, Object> e : ordered) {
            if (registry.family(e.getKey()).factory() instanceof FilterRegistry.CompositeFactory c && !observeOnly) {
                for (String member : c.members(e.getValue())) {
                    Object memberConfig = enabled.get(member);
                    if (memberConfig != null && !taken.containsKey(member)) {
                        taken.put(member, registry.family(member).factory().create(memberConfig, env));
                    }
                }
            }
        }
        List<FilterChain.Entry> entries = new ArrayList<>();
        if (observer != null) {
            entries.add(new FilterChain.Entry(OBSERVER_NAME, Phase.OBSERVE, observer));
        }
        if (!observeOnly && !identity.isEmpty()) {
            entries.add(new FilterChain.Entry("identity_headers", Phase.OBSERVE, identity));
        }
        for (Map.Entry<String, Object> e : ordered) {
            FilterRegistry.Family family = registry.family(e.getKey());
            if ((observeOnly && family.phase() != Phase.OBSERVE) || taken.containsKey(e.getKey())) {
                continue;
            }
            Filter filter = family.factory() instanceof FilterRegistry.CompositeFactory c
                    ? c.create(e.getValue(), taken, env)
                    : family.factory().create(e.getValue(), env);
            entries.add(new FilterChain.Entry(e.getKey(), family.phase(), filter));
        }
        return new FilterChain(entries);
    }

    public GatewayConfig config() {
        return config;
    }

    public RouteTable routes() {
        return routes;
    }

    public CompiledRoute route(int index) {
        return compiled[index];
    }

    public Map<String, Upstream> upstreams() {
        return upstreams;
    }

    /** Stops every upstream's health checks and DNS discovery (shutdown, or a reload that drops them). */
    public void closeUpstreams() {
        for (Upstream u : upstreams.values()) {
            u.close();
        }
    }

    /** Runs for requests that match no route or are malformed: request id and access log only. */
    public FilterChain noRouteChain() {
        return noRouteChain;
    }

    static ConfigPath routePath(int i) {
        return ConfigPath.root().field("routes").index(i);
    }
}
