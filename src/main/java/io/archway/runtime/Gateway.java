package io.archway.runtime;

import io.archway.admin.AdminServer;
import io.archway.config.GatewayConfig;
import io.archway.config.Interpolator;
import io.archway.config.LoadedConfig;
import io.archway.filter.FilterEnv;
import io.archway.filter.SharedResources;
import io.archway.metrics.GatewayMetrics;
import io.archway.proxy.FrontendSettings;
import io.archway.proxy.ProxyServer;
import io.archway.proxy.Transports;
import io.archway.upstream.Target;
import io.archway.upstream.Upstream;
import io.archway.upstream.UpstreamEnv;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: event loops, listeners, the admin API, the metrics and the live {@link Snapshot}.
 * Config changes (admin API, file edit, SIGHUP) go through {@link #config()}, which builds the next
 * snapshot off the event loops and swaps it in; a request keeps the snapshot it started with.
 *
 * <pre>{@code
 * try (Gateway g = Gateway.start(Configs.load(path, env), new Gateway.Options(path, env))) { ... }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /**
     * Where the config came from: a file (watched, and rewritten by admin changes) or nowhere (changes
     * live in memory only), and the environment its {@code ${NAME}} references are read from.
     */
    public record Options(@Nullable Path configFile, Interpolator env) {
        public static Options inMemory(Interpolator env) {
            return new Options(null, env);
        }
    }

    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final SharedResources shared = new SharedResources();
    private final ExecutorService blocking;
    private final EventLoopGroup loops;
    private final ProxyServer proxy;
    private final AdminServer admin;
    private final FrontendSettings settings;
    private final GatewayMetrics metrics;
    private final ConfigStore store;
    private final UpstreamEnv upstreamEnv;
    private @Nullable ConfigWatcher watcher;
    private List<InetSocketAddress> proxyAddresses = List.of();
    private InetSocketAddress adminAddress;
    private volatile boolean stopped;

    private Gateway(LoadedConfig loaded, Options options, UnaryOperator<UpstreamEnv> upstreamEnv) {
        GatewayConfig config = loaded.config();
        AtomicInteger daemonCount = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "archway-blocking-" + daemonCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int threads = Integer.getInteger("archway.threads", Runtime.getRuntime().availableProcessors());
        this.loops = Transports.group(threads, "archway-loop");
        this.upstreamEnv = upstreamEnv.apply(UpstreamEnv.of(loops));
        this.settings = new FrontendSettings(snapshot::get, "http", new AtomicInteger(), new AtomicInteger());
        // -Darchway.metrics=false leaves the per-request meters out (for measuring what they cost).
        this.metrics = new GatewayMetrics(!"false".equals(System.getProperty("archway.metrics")),
                settings::connections, () -> snapshot.get().upstreams(), loops);
        install(prepare(config));
        this.store = new ConfigStore(loaded, options.configFile(), options.env(), new ConfigStore.Applier() {
            @Override
            public Snapshot prepare(GatewayConfig c) {
                return Gateway.this.prepare(c);
            }

            @Override
            public void install(Snapshot s) {
                Gateway.this.install(s);
            }

            @Override
            public void counted(boolean applied) {
                metrics.configReload(applied);
            }
        });
        this.proxy = new ProxyServer(loops, settings);
        this.admin = new AdminServer(loops, this);
    }

    /** Starts with an in-memory config and the process environment. */
    public static Gateway start(LoadedConfig loaded) {
        return start(loaded, Options.inMemory(Interpolator.system()));
    }

    /** Starts listening; throws IllegalStateException naming the address when a port cannot be bound. */
    public static Gateway start(LoadedConfig loaded, Options options) {
        return start(loaded, options, UnaryOperator.identity());
    }

    /**
     * Starts with upstreams that see a changed environment (tests: a DNS server of their own, a fixed
     * clock); {@code upstreamEnv} gets the default one.
     */
    public static Gateway start(LoadedConfig loaded, UnaryOperator<UpstreamEnv> upstreamEnv) {
        return start(loaded, Options.inMemory(Interpolator.system()), upstreamEnv);
    }

    public static Gateway start(LoadedConfig loaded, Options options, UnaryOperator<UpstreamEnv> upstreamEnv) {
        Gateway g = new Gateway(loaded, options, upstreamEnv);
        try {
            GatewayConfig config = loaded.config();
            g.proxyAddresses = g.proxy.bind(config.listen());
            g.adminAddress = g.admin.bind(config.admin().listen());
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        g.watcher = ConfigWatcher.start(g.store);
        log.info("archway listening on {} (admin {})", g.proxyAddresses, g.adminAddress);
        return g;
    }

    /** Compiles a config against the snapshot in force, carrying over what did not change. */
    private Snapshot prepare(GatewayConfig config) {
        return Snapshot.compile(config, new FilterEnv(config, shared, blocking), upstreamEnv, snapshot.get(),
                metrics::filterFor);
    }

    /** Puts a snapshot in force; upstreams it does not carry over are closed. */
    private void install(Snapshot next) {
        Snapshot previous = snapshot.getAndSet(next);
        Map<String, Set<String>> targets = new HashMap<>();
        next.upstreams().forEach((name, u) -> targets.put(name,
                u.snapshot().all().stream().map(Target::toString).collect(Collectors.toCollection(LinkedHashSet::new))));
        metrics.retain(next.config().routes().stream().map(r -> r.name()).collect(Collectors.toSet()), targets);
        if (previous != null) {
            for (Upstream dropped : previous.droppedBy(next)) {
                close(dropped);
            }
        }
    }

    /** Stops an upstream's health checks and DNS discovery. */
    private static void close(Upstream upstream) {
        try {
            upstream.close();
        } catch (RuntimeException e) {
            log.warn("closing upstream {} failed", upstream.name(), e);
        }
    }

    public Snapshot snapshot() {
        return snapshot.get();
    }

    /** The running config and the way to change it. */
    public ConfigStore config() {
        return store;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Re-reads the config file (SIGHUP). */
    public ConfigStore.Reload reload() {
        return store.reloadFile();
    }

    public List<InetSocketAddress> proxyAddresses() {
        return proxyAddresses;
    }

    public InetSocketAddress proxyAddress() {
        return proxyAddresses.get(0);
    }

    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** Requests in progress right now. */
    public int inFlight() {
        return settings.inFlight();
    }

    /** Open downstream connections. */
    public int connections() {
        return settings.connections();
    }


    /**
     * Stops accepting, lets in-flight requests finish (up to {@code grace}), then closes everything.
     * Returns as soon as the last request is done.
     */
    public void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (watcher != null) {
            watcher.close();
        }
        proxy.stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        while (settings.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (settings.inFlight() > 0) {
            log.warn("shutdown grace {} over with {} requests still in flight", grace, settings.inFlight());
        }
        admin.close();
        proxy.closePools();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        Snapshot last = snapshot.get();
        if (last != null) {
            last.closeUpstreams();
        }
        metrics.close();
        shared.close();
        blocking.shutdownNow();
        log.info("archway stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
