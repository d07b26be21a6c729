package io.archway.config;

import java.time.Duration;

/** Per-listener protection limits (DESIGN §2 {@code limits}). Sizes are in bytes. */
public record LimitsConfig(int maxConnections, long maxHeaderSize, long maxBodySize,
                           Duration headerTimeout, Duration idleTimeout) {
    public static final LimitsConfig DEFAULTS = new LimitsConfig(
            10_000, 16 * 1024, 10L * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(60));
}
