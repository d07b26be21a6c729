package io.archway.config;

import java.net.InetSocketAddress;

/** A {@code host:port} pair as written in the config, e.g. {@code 127.0.0.1:9001} or {@code [::1]:8080}. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; throws IllegalArgumentException with a message fit for a config error. */
    public static HostPort parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected: host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("expected: host:port, IPv6 addresses in brackets like [::1]:8080");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("expected: host:port");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected: host:port with a numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected: a port in 0..65535");
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
