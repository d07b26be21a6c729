package io.archway.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A named set of targets with how to balance over them, check them and talk to them. */
public record UpstreamConfig(
        String name,
        BalancerKind balancer,
        @Nullable HashOn hashOn,
        List<TargetConfig> targets,
        @Nullable DiscoveryConfig discovery,
        HealthCheckConfig healthCheck,
        Duration slowStart,
        TimeoutsConfig timeouts,
        RetriesConfig retries,
        @Nullable CircuitBreakerConfig circuitBreaker,
        PoolConfig pool,
        HostHeader host,
        UpstreamTlsConfig tls,
        boolean http2) {

    public UpstreamConfig {
        targets = List.copyOf(targets);
    }

    /** The YAML {@code balancer} values. */
    public enum BalancerKind {
        ROUND_ROBIN, LEAST_CONNECTIONS, LEAST_REQUEST, EWMA, IP_HASH, CONSISTENT_HASH, RANDOM;

        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a consistent hash is computed from: {@code ip | header:NAME | cookie:NAME | query:NAME | path}. */
    public record HashOn(Source source, @Nullable String name) {
        public enum Source { IP, HEADER, COOKIE, QUERY, PATH }

        @Override
        public String toString() {
            return name == null ? source.name().toLowerCase(java.util.Locale.ROOT)
                    : source.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
        }
    }

    /** One {@code host:port} with its weight (default 1; 0 drains it). */
    public record TargetConfig(HostPort address, int weight) {}

    /** Targets resolved from DNS instead of a list. */
    public record DiscoveryConfig(HostPort dns, Duration refresh) {}

    public record HealthCheckConfig(@Nullable ActiveCheck active, PassiveCheck passive) {
        public static final HealthCheckConfig DEFAULTS = new HealthCheckConfig(null, PassiveCheck.DEFAULTS);
    }

    public record ActiveCheck(String path, Duration interval, Duration timeout, int healthy, int unhealthy) {}

    public record PassiveCheck(int failures, Duration ejectFor) {
        public static final PassiveCheck DEFAULTS = new PassiveCheck(5, Duration.ofSeconds(30));
    }

    public record TimeoutsConfig(Duration connect, Duration response) {
        public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /**
     * Extra tries ({@code attempts} 2 = up to 3 in all) and the upstream outcomes that allow one:
     * a connect failure and/or listed 5xx statuses (DESIGN §7 "Retries").
     */
    public record RetriesConfig(int attempts, boolean onConnectFailure, Set<Integer> onStatus) {
        public static final RetriesConfig DEFAULTS = new RetriesConfig(1, true, Set.of());

        public RetriesConfig {
            onStatus = Set.copyOf(onStatus);
        }
    }

    /** Opens when failureRate (0..1) of at least minRequests fail; answers 503 for openFor. */
    public record CircuitBreakerConfig(double failureRate, int minRequests, Duration openFor) {}

    public record PoolConfig(int maxPerTarget, Duration idleTimeout) {
        public static final PoolConfig DEFAULTS = new PoolConfig(256, Duration.ofSeconds(50));
    }

    /** The Host header sent upstream: the client's, the target's {@code host:port}, or a literal. */
    public record HostHeader(Mode mode, @Nullable String literal) {
        public enum Mode { ORIGINAL, TARGET, LITERAL }

        public static final HostHeader ORIGINAL = new HostHeader(Mode.ORIGINAL, null);
        public static final HostHeader TARGET = new HostHeader(Mode.TARGET, null);
    }

    /** TLS to the targets; {@code enabled=false} is plain HTTP. */
    public record UpstreamTlsConfig(boolean enabled, boolean verify, @Nullable String ca, @Nullable String sni,
                                    @Nullable String cert, @Nullable String key) {
        public static final UpstreamTlsConfig OFF = new UpstreamTlsConfig(false, true, null, null, null, null);
    }
}
