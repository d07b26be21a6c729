package io.archway.upstream;

import io.archway.config.UpstreamConfig.DiscoveryConfig;
import io.archway.proxy.Transports;
import io.netty.channel.EventLoop;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Targets from DNS: resolves {@code discovery.dns}'s name every {@code refresh} with Netty's
 * asynchronous resolver on the upstream's home loop (nothing blocks), and hands each answer to the
 * upstream. A failed lookup keeps the previous targets: a DNS hiccup must not empty an upstream.
 * Caches are off, since the refresh interval is the point.
 */
final class DnsDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

    private final String upstream;
    private final DiscoveryConfig config;
    private final EventLoop loop;
    private final DnsNameResolver resolver;
    private final Consumer<List<InetAddress>> answers;
    private volatile boolean closed;
    private ScheduledFuture<?> next;
    private boolean failing;

    DnsDiscovery(String upstream, DiscoveryConfig config, EventLoop loop, DnsServerAddressStreamProvider servers,
                 Consumer<List<InetAddress>> answers) {
        this.upstream = upstream;
        this.config = config;
        this.loop = loop;
        this.answers = answers;
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelType(Transports.datagramChannel())
                .nameServerProvider(servers)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .queryTimeoutMillis(Math.max(100, Math.min(5000, config.refresh().toMillis())))
                .build();
    }

    void start() {
        loop.execute(this::refresh);
    }

    private void refresh() {
        if (closed) {
            return;
        }
        resolver.resolveAll(config.dns().host()).addListener((Future<List<InetAddress>> f) -> {
            if (closed) {
                return;
            }
            if (f.isSuccess()) {
                if (failing) {
                    failing = false;
                    log.info("upstream {}: DNS lookup of {} works again", upstream, config.dns().host());
                }
                answers.accept(f.getNow());
            } else if (!failing) {
                failing = true;
                log.warn("upstream {}: DNS lookup of {} failed, keeping the current targets: {}", upstream,
                        config.dns().host(), f.cause().toString());
            }
            next = loop.schedule(this::refresh, config.refresh().toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    @Override
    public void close() {
        closed = true;
        try {
            loop.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                }
                resolver.close();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The loop is already stopping: its timers and the resolver's channel go with it.
        }
    }
}
