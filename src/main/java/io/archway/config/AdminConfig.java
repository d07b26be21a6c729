package io.archway.config;

/** The admin listener; an empty token means the admin API is open (it is loopback by default). */
public record AdminConfig(HostPort listen, String token) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8081);
}
