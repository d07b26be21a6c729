package io.archway.runtime;

import io.archway.config.ConfigPath;
import io.archway.config.FilterSpec;
import io.archway.config.GatewayConfig;
import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.archway.config.UpstreamConfig;
import io.archway.filter.FilterChain;
import io.archway.filter.FilterEnv;
import io.archway.filter.FilterRegistry;
import io.archway.filter.Phase;
import io.archway.route.RouteTable;
import io.archway.upstream.Upstream;
import io.archway.upstream.UpstreamEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compiled, immutable config: the route table, each route's filter chain and upstreams. Swapped
 * atomically on change; a request keeps the snapshot it started with.
 */
public final class Snapshot {
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
    }

    /**
     * Builds the snapshot of a config that {@link #validate} accepted. Its upstreams start their health
     * checks and DNS discovery now; whoever drops the snapshot closes them ({@link #closeUpstreams()}).
     */
    public static Snapshot compile(GatewayConfig config, FilterEnv env, UpstreamEnv upstreamEnv) {
        Problems problems = new Problems();
        RouteTable table = RouteTable.compile(config.routes(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("config was not validated: " + problems.lines());
        }
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams().values()) {
            upstreams.put(u.name(), new Upstream(u, upstreamEnv));
        }
        CompiledRoute[] compiled = new CompiledRoute[config.routes().size()];
        for (int i = 0; i < compiled.length; i++) {
            RouteConfig r = config.routes().get(i);
            Upstream[] ups = new Upstream[r.upstreams().size()];
            for (int j = 0; j < ups.length; j++) {
                ups[j] = upstreams.get(r.upstreams().get(j).name());
            }
            Upstream mirror = r.mirror() == null ? null : upstreams.get(r.mirror().upstream());
            compiled[i] = new CompiledRoute(r, chainFor(config.filters(), r.filters(), env, false), ups, mirror);
        }
        FilterChain noRoute = chainFor(config.filters(), Map.of(), env, true);
        return new Snapshot(config, table, compiled, upstreams, noRoute);
    }

    /**
     * Merges the default-on filters, the global filters and a route's own: a route's filter replaces
     * the global one of the same name, and {@code name: false} removes it.
     */
    static FilterChain chainFor(Map<String, FilterSpec> global, Map<String, FilterSpec> own, FilterEnv env,
                                boolean observeOnly) {
        FilterRegistry registry = FilterRegistry.INSTANCE;
        Map<String, Object> enabled = new LinkedHashMap<>();
        for (String name : FilterRegistry.ON_BY_DEFAULT) {
            enabled.put(name, registry.defaultConfig(name));
        }
        for (Map<String, FilterSpec> layer : List.of(global, own)) {
            for (FilterSpec spec : layer.values()) {
                if (spec instanceof FilterSpec.Enabled e) {
                    enabled.put(e.name(), e.config());
                } else {
                    enabled.remove(spec.name());
                }
            }
        }
        List<FilterChain.Entry> entries = new ArrayList<>();
        enabled.entrySet().stream()
                .sorted((a, b) -> Integer.compare(registry.position(a.getKey()), registry.position(b.getKey())))
                .forEach(e -> {
                    FilterRegistry.Family family = registry.family(e.getKey());
                    if (observeOnly && family.phase() != Phase.OBSERVE) {
                        return;
                    }
                    entries.add(new FilterChain.Entry(e.getKey(), family.phase(),
                            family.factory().create(e.getValue(), env)));
                });
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
