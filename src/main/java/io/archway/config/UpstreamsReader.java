package io.archway.config;

import io.archway.config.UpstreamConfig.ActiveCheck;
import io.archway.config.UpstreamConfig.BalancerKind;
import io.archway.config.UpstreamConfig.CircuitBreakerConfig;
import io.archway.config.UpstreamConfig.DiscoveryConfig;
import io.archway.config.UpstreamConfig.HashOn;
import io.archway.config.UpstreamConfig.HealthCheckConfig;
import io.archway.config.UpstreamConfig.HostHeader;
import io.archway.config.UpstreamConfig.PassiveCheck;
import io.archway.config.UpstreamConfig.PoolConfig;
import io.archway.config.UpstreamConfig.RetriesConfig;
import io.archway.config.UpstreamConfig.TargetConfig;
import io.archway.config.UpstreamConfig.TimeoutsConfig;
import io.archway.config.UpstreamConfig.UpstreamTlsConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the {@code upstreams} map (DESIGN §2, §7 "Upstream defaults" and "Retries"). */
final class UpstreamsReader {
    private static final String[] KEYS = {"balancer", "hash_on", "targets", "discovery", "health_check",
        "slow_start", "timeouts", "retries", "circuit_breaker", "pool", "host", "tls", "http2"};
    private static final String HASH_ON_EXPECTED = "ip, path, header:NAME, cookie:NAME or query:NAME";
    private static final String RATE_EXPECTED = "a rate above 0 and at most 1, like 50% or 0.5";

    private UpstreamsReader() {}

    static Map<String, UpstreamConfig> read(ConfigNode upstreams) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        upstreams.entries().forEach((name, node) -> {
            if (!Syntax.isName(name)) {
                node.problems().invalid(node.path(), name, Syntax.NAME_EXPECTED);
            }
            out.put(name, upstream(name, node));
        });
        return out;
    }

    private static UpstreamConfig upstream(String name, ConfigNode n) {
        n.expectObject(KEYS);
        BalancerKind balancer = n.get("balancer").asEnum(BalancerKind.ROUND_ROBIN);
        HashOn hashOn = hashOn(n.get("hash_on"), balancer);
        ConfigNode targetsNode = n.get("targets");
        ConfigNode discoveryNode = n.get("discovery");
        DiscoveryConfig discovery = discovery(discoveryNode);
        List<TargetConfig> targets = targets(targetsNode);
        boolean noTargetsWritten = targetsNode.isMissing() || (targetsNode.isArray() && targetsNode.raw().isEmpty());
        if (discoveryNode.isMissing() && noTargetsWritten) {
            targetsNode.invalid("at least one target, or discovery");
        }
        if (!discoveryNode.isMissing() && !targetsNode.isMissing()) {
            discoveryNode.problem("set together with targets (expected: either targets or discovery)");
        }
        return new UpstreamConfig(
                name,
                balancer,
                hashOn,
                targets,
                discovery,
                healthCheck(n.get("health_check")),
                n.get("slow_start").asDuration(Duration.ZERO),
                timeouts(n.get("timeouts")),
                retries(n.get("retries")),
                circuitBreaker(n.get("circuit_breaker")),
                pool(n.get("pool")),
                host(n.get("host")),
                tls(n.get("tls")),
                n.get("http2").asBoolean(false));
    }

    private static @Nullable HashOn hashOn(ConfigNode n, BalancerKind balancer) {
        if (n.isMissing()) {
            return balancer == BalancerKind.CONSISTENT_HASH ? new HashOn(HashOn.Source.IP, null) : null;
        }
        String s = n.text(HASH_ON_EXPECTED);
        if (s == null) {
            return null;
        }
        HashOn parsed = parseHashOn(s);
        if (parsed == null) {
            n.invalid(HASH_ON_EXPECTED);
            return null;
        }
        if (balancer == BalancerKind.CONSISTENT_HASH) {
            return parsed;
        }
        // "ip" is the default and harmless on any balancer (DESIGN §2's own example writes it
        // beside round_robin); any other source would be silently ignored, so it is an error.
        if (parsed.source() != HashOn.Source.IP) {
            n.invalid("hash_on only with balancer: consistent_hash");
        }
        return null;
    }

    private static @Nullable HashOn parseHashOn(String s) {
        if (s.equals("ip")) {
            return new HashOn(HashOn.Source.IP, null);
        }
        if (s.equals("path")) {
            return new HashOn(HashOn.Source.PATH, null);
        }
        int colon = s.indexOf(':');
        if (colon < 0 || colon == s.length() - 1) {
            return null;
        }
        String name = s.substring(colon + 1);
        return switch (s.substring(0, colon)) {
            case "header" -> Syntax.isToken(name) ? new HashOn(HashOn.Source.HEADER, Syntax.lower(name)) : null;
            case "cookie" -> Syntax.isToken(name) ? new HashOn(HashOn.Source.COOKIE, name) : null;
            case "query" -> new HashOn(HashOn.Source.QUERY, name);
            default -> null;
        };
    }

    private static List<TargetConfig> targets(ConfigNode n) {
        List<TargetConfig> out = new ArrayList<>();
        Map<HostPort, ConfigPath> seen = new HashMap<>();
        for (ConfigNode t : n.items()) {
            if (t.isMissing()) {
                t.invalid("a target like {address: 10.0.0.1:8080, weight: 1}");
                continue;
            }
            if (!t.expectObject("address", "weight")) {
                continue;
            }
            ConfigNode address = t.get("address");
            int weight = t.get("weight").asInt(1, 0, 1000);
            HostPort hp = address.isMissing()
                    ? missing(address, "host:port")
                    : address.parsed(null, s -> HostPort.parse(s, 1), "host:port");
            if (hp == null) {
                continue;
            }
            ConfigPath first = seen.putIfAbsent(new HostPort(Syntax.lower(hp.host()), hp.port()), address.path());
            if (first != null) {
                address.invalid("each address once, it is already at " + first);
                continue;
            }
            out.add(new TargetConfig(hp, weight));
        }
        return out;
    }

    private static @Nullable DiscoveryConfig discovery(ConfigNode n) {
        if (!n.expectObject("dns", "refresh")) {
            return null;
        }
        ConfigNode dns = n.get("dns");
        HostPort hp = dns.isMissing()
                ? missing(dns, "a DNS name and port like users.internal:8080")
                : dns.parsed(null, s -> HostPort.parse(s, 1), "a DNS name and port like users.internal:8080");
        Duration refresh = n.get("refresh").asPositiveDuration(Duration.ofSeconds(10));
        return hp == null ? null : new DiscoveryConfig(hp, refresh);
    }

    private static HealthCheckConfig healthCheck(ConfigNode n) {
        n.expectObject("active", "passive");
        return new HealthCheckConfig(active(n.get("active")), passive(n.get("passive")));
    }

    private static @Nullable ActiveCheck active(ConfigNode n) {
        if (n.isMissing() || (n.isBoolean() && !n.asBoolean(false))) {
            return null;
        }
        if (!n.isBoolean() && !n.expectObject("path", "interval", "timeout", "healthy", "unhealthy")) {
            return null;
        }
        ConfigNode pathNode = n.get("path");
        String path = pathNode.asString("/health");
        if (!path.startsWith("/")) {
            pathNode.invalid("a path starting with /");
            path = "/health";
        }
        Duration interval = n.get("interval").asPositiveDuration(Duration.ofSeconds(5));
        Duration timeout = n.get("timeout").asPositiveDuration(Duration.ofSeconds(1));
        if (timeout.compareTo(interval) >= 0) {
            // Blame whichever was written: a default cannot be the mistake.
            if (!n.get("timeout").isMissing()) {
                n.get("timeout").invalid("less than interval (" + Units.format(interval) + ")");
            } else {
                n.get("interval").invalid("more than timeout (" + Units.format(timeout) + ")");
            }
        }
        return new ActiveCheck(path, interval, timeout,
                n.get("healthy").asInt(2, 1, 1000), n.get("unhealthy").asInt(3, 1, 1000));
    }

    private static PassiveCheck passive(ConfigNode n) {
        if (n.isMissing()) {
            return PassiveCheck.DEFAULTS;
        }
        if (n.isBoolean()) {
            // failures = 0 is how the record says "off".
            return n.asBoolean(true) ? PassiveCheck.DEFAULTS : new PassiveCheck(0, PassiveCheck.DEFAULTS.ejectFor());
        }
        if (!n.expectObject("failures", "eject_for")) {
            return PassiveCheck.DEFAULTS;
        }
        return new PassiveCheck(n.get("failures").asInt(PassiveCheck.DEFAULTS.failures(), 0, 1000),
                n.get("eject_for").asPositiveDuration(PassiveCheck.DEFAULTS.ejectFor()));
    }

    private static TimeoutsConfig timeouts(ConfigNode n) {
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        if (!n.expectObject("connect", "response")) {
            return d;
        }
        return new TimeoutsConfig(n.get("connect").asPositiveDuration(d.connect()),
                n.get("response").asPositiveDuration(d.response()));
    }

    private static RetriesConfig retries(ConfigNode n) {
        RetriesConfig d = RetriesConfig.DEFAULTS;
        if (!n.expectObject("attempts", "on")) {
            return d;
        }
        int attempts = n.get("attempts").asInt(d.attempts(), 0, 10);
        ConfigNode on = n.get("on");
        if (on.isMissing()) {
            return new RetriesConfig(attempts, d.onConnectFailure(), d.onStatus());
        }
        boolean connectFailure = false;
        Set<Integer> statuses = new LinkedHashSet<>();
        for (ConfigNode item : on.itemsOrSingle()) {
            String s = item.text("connect_failure or a status in 500..599");
            if (s == null) {
                continue;
            }
            if (s.equals("connect_failure")) {
                connectFailure = true;
                continue;
            }
            int status = s.matches("[0-9]{3}") ? Integer.parseInt(s) : -1;
            if (status >= 500 && status <= 599) {
                statuses.add(status);
            } else {
                item.invalid("connect_failure or a status in 500..599");
            }
        }
        return new RetriesConfig(attempts, connectFailure, statuses);
    }

    private static @Nullable CircuitBreakerConfig circuitBreaker(ConfigNode n) {
        if (n.isMissing() || (n.isBoolean() && !n.asBoolean(false))) {
            return null;
        }
        if (!n.isBoolean() && !n.expectObject("failure_rate", "min_requests", "open_for")) {
            return null;
        }
        double rate = n.get("failure_rate").parsed(0.5, UpstreamsReader::rate, RATE_EXPECTED);
        return new CircuitBreakerConfig(rate,
                n.get("min_requests").asInt(20, 1, 1_000_000),
                n.get("open_for").asPositiveDuration(Duration.ofSeconds(10)));
    }

    /** {@code 50%} or {@code 0.5}, above 0 (0 would open on the first failure) and at most 1. */
    private static double rate(String s) {
        String t = s.trim();
        BigDecimal value;
        try {
            value = t.endsWith("%")
                    ? new BigDecimal(t.substring(0, t.length() - 1).trim()).movePointLeft(2)
                    : new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RATE_EXPECTED);
        }
        if (value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException(RATE_EXPECTED);
        }
        return value.doubleValue();
    }

    private static PoolConfig pool(ConfigNode n) {
        PoolConfig d = PoolConfig.DEFAULTS;
        if (!n.expectObject("max_per_target", "idle_timeout")) {
            return d;
        }
        return new PoolConfig(n.get("max_per_target").asInt(d.maxPerTarget(), 1, 100_000),
                n.get("idle_timeout").asPositiveDuration(d.idleTimeout()));
    }

    private static HostHeader host(ConfigNode n) {
        String expected = "original, target, or a host name like users.internal";
        String s = n.text(expected);
        if (s == null || s.equals("original")) {
            return HostHeader.ORIGINAL;
        }
        if (s.equals("target")) {
            return HostHeader.TARGET;
        }
        // A Host header may carry a port, so users.internal:8443 is as good as users.internal.
        if (Syntax.isHost(s) || isHostAndPort(s)) {
            return new HostHeader(HostHeader.Mode.LITERAL, s);
        }
        n.invalid(expected);
        return HostHeader.ORIGINAL;
    }

    private static boolean isHostAndPort(String s) {
        try {
            HostPort.parse(s, 1);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static UpstreamTlsConfig tls(ConfigNode n) {
        if (n.isMissing()) {
            return UpstreamTlsConfig.OFF;
        }
        if (n.isBoolean()) {
            return n.asBoolean(false) ? new UpstreamTlsConfig(true, true, null, null, null, null) : UpstreamTlsConfig.OFF;
        }
        if (!n.isObject()) {
            n.invalid("true, false, or a map with verify, ca, sni, cert, key");
            return UpstreamTlsConfig.OFF;
        }
        n.expectObject("verify", "ca", "sni", "cert", "key");
        boolean verify = n.get("verify").asBoolean(true);
        String ca = file(n.get("ca"));
        String cert = file(n.get("cert"));
        String key = file(n.get("key"));
        ConfigNode sniNode = n.get("sni");
        String sni = sniNode.text("a host name");
        if (sni != null && !Syntax.isHost(sni)) {
            sniNode.invalid("a host name");
            sni = null;
        }
        // A client certificate is useless without its key and the other way round.
        if (cert != null && key == null && n.get("key").isMissing()) {
            n.get("key").invalid("the private key file that goes with cert");
        }
        if (key != null && cert == null && n.get("cert").isMissing()) {
            n.get("cert").invalid("the certificate file that goes with key");
        }
        return new UpstreamTlsConfig(true, verify, ca, sni, cert, key);
    }

    private static @Nullable String file(ConfigNode n) {
        String s = n.text("a file path");
        if (s != null && s.isBlank()) {
            n.invalid("a file path");
            return null;
        }
        return s;
    }

    private static <T> @Nullable T missing(ConfigNode n, String expected) {
        n.invalid(expected);
        return null;
    }
}
