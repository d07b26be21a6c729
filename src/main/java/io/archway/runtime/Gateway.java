package io.archway.runtime;

import io.archway.admin.AdminServer;
import io.archway.config.GatewayConfig;
import io.archway.config.LoadedConfig;
import io.archway.filter.FilterEnv;
import io.archway.filter.SharedResources;
import io.archway.proxy.FrontendSettings;
import io.archway.proxy.ProxyServer;
import io.archway.proxy.Transports;
import io.archway.upstream.UpstreamEnv;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: event loops, listeners, the admin API and the live {@link Snapshot}.
 *
 * <pre>{@code
 * try (Gateway g = Gateway.start(Configs.load(path, Interpolator.system()))) { ... }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final SharedResources shared = new SharedResources();
    private final ExecutorService blocking;
    private final EventLoopGroup loops;
    private final ProxyServer proxy;
    private final AdminServer admin;
    private final FrontendSettings settings;
    private List<InetSocketAddress> proxyAddresses = List.of();
    private InetSocketAddress adminAddress;
    private volatile boolean stopped;

    private Gateway(LoadedConfig loaded, UnaryOperator<UpstreamEnv> upstreamEnv) {
        GatewayConfig config = loaded.config();
        AtomicInteger daemonCount = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "archway-blocking-" + daemonCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int threads = Integer.getInteger("archway.threads", Runtime.getRuntime().availableProcessors());
        this.loops = Transports.group(threads, "archway-loop");
        snapshot.set(Snapshot.compile(config, new FilterEnv(config, shared, blocking),
                upstreamEnv.apply(UpstreamEnv.of(loops))));
        this.settings = new FrontendSettings(snapshot::get, "http", new AtomicInteger(), new AtomicInteger());
        this.proxy = new ProxyServer(loops, settings);
        this.admin = new AdminServer(loops, () -> snapshot.get().config().admin().token());
    }

    /** Starts listening; throws IllegalStateException naming the address when a port cannot be bound. */
    public static Gateway start(LoadedConfig loaded) {
        return start(loaded, UnaryOperator.identity());
    }

    /**
     * Starts with upstreams that see a changed environment (tests: a DNS server of their own, a fixed
     * clock); {@code upstreamEnv} gets the default one.
     */
    public static Gateway start(LoadedConfig loaded, UnaryOperator<UpstreamEnv> upstreamEnv) {
        Gateway g = new Gateway(loaded, upstreamEnv);
        try {
            GatewayConfig config = loaded.config();
            g.proxyAddresses = g.proxy.bind(config.listen());
            g.adminAddress = g.admin.bind(config.admin().listen());
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        log.info("archway listening on {} (admin {})", g.proxyAddresses, g.adminAddress);
        return g;
    }

    public Snapshot snapshot() {
        return snapshot.get();
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

    /**
     * Stops accepting, lets in-flight requests finish (up to {@code grace}), then closes everything.
     * Returns as soon as the last request is done.
     */
    public void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
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
        snapshot.get().closeUpstreams();
        proxy.closePools();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        shared.close();
        blocking.shutdownNow();
        log.info("archway stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
