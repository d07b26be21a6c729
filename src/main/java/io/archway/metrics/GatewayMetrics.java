package io.archway.metrics;

import io.archway.filter.Filter;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import io.archway.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's meters (DESIGN §5) in one Prometheus registry, plus JVM and Netty meters, and the
 * per-second series the dashboard draws. Lives as long as the gateway: config changes keep the meters
 * of routes and upstreams that stay, and drop those of routes and targets that are gone.
 *
 * <pre>{@code
 * GatewayMetrics metrics = new GatewayMetrics(true, connections::get, () -> snapshot.upstreams(), loops);
 * Filter observer = metrics.filterFor("users");   // put at the head of the route's chain
 * String text = metrics.scrape();                 // GET /metrics
 * }</pre>
 */
public final class GatewayMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayMetrics.class);
    /** The route label of requests that matched no route (and were answered 404 or rejected as malformed). */
    public static final String NO_ROUTE = "";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final boolean perRequest;
    private final Supplier<Map<String, Upstream>> liveUpstreams;
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<String, UpstreamMeters> upstreams = new ConcurrentHashMap<>();
    private final Map<String, RouteSeries> series = new ConcurrentHashMap<>();
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ScheduledExecutorService sampler;

    /**
     * @param perRequest false leaves request meters out of every chain (the gateway's own meters stay)
     * @param activeConnections open downstream connections
     * @param liveUpstreams the upstreams of the snapshot in force, read by the health gauges
     */
    public GatewayMetrics(boolean perRequest, IntSupplier activeConnections,
                          Supplier<Map<String, Upstream>> liveUpstreams, EventLoopGroup loops) {
        this.perRequest = perRequest;
        this.liveUpstreams = liveUpstreams;
        Gauge.builder(MetricNames.ACTIVE_CONNECTIONS, activeConnections, s -> s.getAsInt())
                .strongReference(true)
                .description("Open downstream connections").register(registry);
        reloadsOk = reloads("success");
        reloadsFailed = reloads("failure");
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // netty_eventexecutor_tasks_pending per event loop, and the pooled allocator's direct and heap memory.
        new NettyEventExecutorMetrics(loops).bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        routes.put(NO_ROUTE, new RouteMeters(NO_ROUTE, registry, this));
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "archway-metrics-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private Counter reloads(String result) {
        return Counter.builder(MetricNames.CONFIG_RELOADS).tag(MetricNames.TAG_RESULT, result)
                .description("Config changes applied (success) or refused (failure): file, SIGHUP and admin API")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text format of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The observer filter for a route's chain ({@link #NO_ROUTE} for the chain of unmatched requests),
     * or null when per-request metrics are off. Call off the event loops, when compiling a snapshot.
     */
    public @Nullable Filter filterFor(String route) {
        if (!perRequest) {
            return null;
        }
        return new RequestMetricsFilter(routes.computeIfAbsent(route, r -> new RouteMeters(r, registry, this)));
    }

    UpstreamMeters upstream(String name) {
        return upstreams.computeIfAbsent(name, n -> new UpstreamMeters(n, registry));
    }

    /**
     * After a config change: keeps the meters of these routes and of these upstreams' targets, registers
     * a health gauge per target, and removes everything else.
     */
    public void retain(Set<String> routeNames, Map<String, Set<String>> upstreamTargets) {
        routes.entrySet().removeIf(e -> {
            if (e.getKey().equals(NO_ROUTE) || routeNames.contains(e.getKey())) {
                return false;
            }
            e.getValue().remove();
            series.remove(e.getKey());
            return true;
        });
        upstreams.entrySet().removeIf(e -> {
            if (upstreamTargets.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().remove();
            return true;
        });
        upstreamTargets.forEach((name, targets) -> upstream(name).targets(targets, this::healthy));
    }

    /**
     * 1 when the target is in its upstream's healthy set, or has weight 0 (drained on purpose is not a
     * health problem); 0 when health checks took it out; NaN when it is no longer configured.
     */
    private double healthy(UpstreamMeters.TargetRef ref) {
        Upstream u = liveUpstreams.get().get(ref.upstream());
        if (u == null) {
            return Double.NaN;
        }
        TargetSnapshot s = u.snapshot();
        for (Target t : s.all()) {
            if (t.toString().equals(ref.target())) {
                return t.weight() == 0 || s.healthy().contains(t) ? 1 : 0;
            }
        }
        return Double.NaN;
    }

    /** Counts a config change that was applied ({@code true}) or refused. */
    public void configReload(boolean success) {
        (success ? reloadsOk : reloadsFailed).increment();
    }

    /** The last minutes of a route, one point per second; empty for an unknown route. */
    public List<RouteSeries.Point> series(String route) {
        RouteSeries s = series.get(route);
        return s == null ? List.of() : s.points();
    }

    /** Takes one point for every route now; the sampler does this every second. */
    void sample() {
        try {
            long nanos = System.nanoTime();
            long second = System.currentTimeMillis() / 1000;
            for (RouteMeters m : routes.values()) {
                RouteStats.Sample now = m.stats.sample();
                RouteSeries s = series.get(m.route);
                if (s == null) {
                    series.put(m.route, new RouteSeries(now, nanos));
                } else {
                    s.add(now, nanos, second);
                }
            }
        } catch (RuntimeException e) {
            log.warn("sampling route metrics failed", e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        gc.close();
        registry.close();
    }
}
