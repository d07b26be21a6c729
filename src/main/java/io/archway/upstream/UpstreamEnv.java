package io.archway.upstream;

import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What upstreams get from the gateway: the event loops their health checks, DNS refreshes and timers
 * run on, the clock and randomness their balancers use (tests inject fixed ones), and the DNS servers
 * that discovery asks.
 */
public record UpstreamEnv(EventLoopGroup loops, LongSupplier nanoClock, RandomGenerator random,
                          DnsServerAddressStreamProvider dnsServers) {

    /** System clock, per-thread randomness and the platform's DNS servers ({@code /etc/resolv.conf}). */
    public static UpstreamEnv of(EventLoopGroup loops) {
        return new UpstreamEnv(loops, System::nanoTime, ThreadLocalRandomGenerator.INSTANCE,
                DnsServerAddressStreamProviders.platformDefault());
    }

    /** The default randomness: the calling thread's ThreadLocalRandom, as a RandomGenerator. */
    public static RandomGenerator defaultRandom() {
        return ThreadLocalRandomGenerator.INSTANCE;
    }

    public UpstreamEnv withDnsServers(DnsServerAddressStreamProvider servers) {
        return new UpstreamEnv(loops, nanoClock, random, servers);
    }

    /** Draws from the calling thread's ThreadLocalRandom: shared by every event loop, contended by none. */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        static final ThreadLocalRandomGenerator INSTANCE = new ThreadLocalRandomGenerator();

        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public long nextLong(long bound) {
            return ThreadLocalRandom.current().nextLong(bound);
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }
}
