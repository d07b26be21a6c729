package io.archway.upstream;

import io.archway.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code host:port} of an upstream, with its weight and live state: in-flight requests, latency
 * and health. The address is resolved when the config is compiled (off the event loops), so connecting
 * never waits for DNS. A target belongs to one {@link Upstream}; its state lives as long as the upstream
 * keeps it (across snapshots, and across DNS refreshes that still name its address).
 */
public final class Target {
    private final HostPort address;
    private final int weight;
    private final InetSocketAddress socketAddress;
    private final String text;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PeakEwma latency;
    final TargetHealth health = new TargetHealth();

    public Target(HostPort address, int weight) {
        this(address, weight, resolve(address), 0L);
    }

    /** A target whose address is already resolved (DNS discovery), with its latency clock start. */
    Target(HostPort address, int weight, InetSocketAddress socketAddress, long nowNanos) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
        }
        this.address = address;
        this.weight = weight;
        this.socketAddress = socketAddress;
        this.text = address.toString();
        this.latency = new PeakEwma(nowNanos);
    }

    private static InetSocketAddress resolve(HostPort address) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        } catch (UnknownHostException e) {
            // Left unresolved: the connect attempt fails and the target counts as a connect failure.
            return InetSocketAddress.createUnresolved(address.host(), address.port());
        }
    }

    public HostPort address() {
        return address;
    }

    /** The configured weight (0 drains the target). Balancers use the snapshot's effective weight. */
    public int weight() {
        return weight;
    }

    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    /** Requests sent to this target and not finished yet, across all event loops. */
    public AtomicInteger inFlight() {
        return inFlight;
    }

    /** Peak-EWMA of this target's response latency, fed by the proxy. */
    public PeakEwma latency() {
        return latency;
    }

    @Override
    public String toString() {
        return text;
    }
}
