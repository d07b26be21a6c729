package io.archway.filter.ratelimit;

import io.archway.config.ConfigNode;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code rate_limit} settings: {@code limit} requests per {@code per}, per {@code key}, with a
 * bucket of {@code burst} tokens (default: {@code limit}).
 */
public record RateLimitConfig(int limit, Duration per, KeyKind key, @Nullable String header, int burst) {

    /** What a bucket belongs to. */
    public enum KeyKind { IP, CONSUMER, ROUTE, HEADER }

    static final String KEY_EXPECTED = "ip, consumer, route or header:NAME";

    public RateLimitConfig {
        Objects.requireNonNull(per, "per");
        Objects.requireNonNull(key, "key");
    }

    /** A limit keyed by client address with the default burst. */
    public static RateLimitConfig of(int limit, Duration per) {
        return new RateLimitConfig(limit, per, KeyKind.IP, null, limit);
    }

    /** Nanoseconds between two tokens: {@code per / limit}, at least 1. */
    public long emissionNanos() {
        return Math.max(1, per.toNanos() / limit);
    }

    /** Nanoseconds an empty bucket takes to fill up: {@code burst} tokens' worth. */
    public long fillNanos() {
        return emissionNanos() * burst;
    }

    public static @Nullable RateLimitConfig parse(ConfigNode node) {
        if (!node.expectObject("limit", "per", "key", "burst")) {
            node.invalid("a map like {limit: 100, per: 1m, key: ip}");
            return null;
        }
        int before = node.problems().size();
        ConfigNode limitNode = node.get("limit");
        if (limitNode.isMissing()) {
            limitNode.problem("missing (expected: an integer in 1.." + Integer.MAX_VALUE + ")");
        }
        int limit = limitNode.asInt(1, 1, Integer.MAX_VALUE);
        ConfigNode perNode = node.get("per");
        if (perNode.isMissing()) {
            perNode.problem("missing (expected: a duration like 1s)");
        }
        Duration per = perNode.asPositiveDuration(Duration.ofSeconds(1));
        KeyKind kind = KeyKind.IP;
        String header = null;
        ConfigNode keyNode = node.get("key");
        String key = keyNode.text(KEY_EXPECTED);
        if (key != null) {
            switch (key) {
                case "ip" -> kind = KeyKind.IP;
                case "consumer" -> kind = KeyKind.CONSUMER;
                case "route" -> kind = KeyKind.ROUTE;
                default -> {
                    if (key.startsWith("header:") && io.archway.config.Syntax.isToken(key.substring(7))) {
                        kind = KeyKind.HEADER;
                        header = key.substring(7);
                    } else {
                        keyNode.invalid(KEY_EXPECTED);
                    }
                }
            }
        }
        ConfigNode burstNode = node.get("burst");
        int burst = burstNode.asInt(limit, 1, Integer.MAX_VALUE);
        if (node.problems().size() != before) {
            return null;
        }
        RateLimitConfig config = new RateLimitConfig(limit, per, kind, header, burst);
        try {
            Math.multiplyExact(config.emissionNanos(), (long) burst);
        } catch (ArithmeticException e) {
            burstNode.invalid("a burst that refills within 290 years at limit per per");
            return null;
        }
        return config;
    }
}
