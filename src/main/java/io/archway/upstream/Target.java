package io.archway.upstream;

import io.archway.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code host:port} of an upstream, with its weight and live counters. The address is resolved
 * when the config is compiled (off the event loops), so connecting never waits for DNS.
 */
public final class Target {
    private final HostPort address;
    private final int weight;
    private final InetSocketAddress socketAddress;
    private final String text;
    private final AtomicInteger inFlight = new AtomicInteger();

    public Target(HostPort address, int weight) {
        this.address = address;
        this.weight = weight;
        this.socketAddress = resolve(address);
        this.text = address.toString();
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

    @Override
    public String toString() {
        return text;
    }
}
