package io.archway.config;

import java.net.InetSocketAddress;

/** A {@code host:port} pair as written in the config, e.g. {@code 127.0.0.1:9001} or {@code [::1]:8080}. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; throws IllegalArgumentException with a message fit for a config error. */
    public static HostPort parse(String text) {
        return parse(text, 0);
    }

    /**
     * Parses {@code host:port} with a port of at least {@code minPort}: 0 suits listeners (any free
     * port, as tests use), 1 suits addresses that are connected to.
     */
    public static HostPort parse(String text, int minPort) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected: host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!Syntax.isIpv6Literal(host)) {
                throw new IllegalArgumentException("expected: host:port with an IPv6 address in brackets like [::1]:8080");
            }
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("expected: host:port, IPv6 addresses in brackets like [::1]:8080");
        } else if (!Syntax.isHost(host)) {
            throw new IllegalArgumentException("expected: host:port with a host name or IP address");
        }
        String portText = s.substring(colon + 1);
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected: host:port with a numeric port");
        }
        int port = portText.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(portText);
        if (port < minPort || port > 65535) {
            throw new IllegalArgumentException("expected: a port in " + minPort + "..65535");
        }
        return new HostPort(host, port);
    }

    /** An unresolved socket address: resolution happens when connecting, never while loading config. */
    public InetSocketAddress toSocketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
