package io.archway.runtime;

import io.archway.config.ConfigPath;
import io.archway.config.GatewayConfig;
import io.archway.config.Problems;
import io.archway.config.UpstreamConfig;

/**
 * Parts of DESIGN §2 that parse and validate but that this build does not serve yet. Refusing them
 * with a clear message is safer than running without, e.g., a circuit breaker a user relies on.
 */
final class Unsupported {
    private Unsupported() {}

    static void check(GatewayConfig config, Problems problems) {
        ConfigPath root = ConfigPath.root();
        if (config.tls() != null) {
            notYet(problems, root.field("tls"));
        }
        if (config.cluster() != null) {
            notYet(problems, root.field("cluster"));
        }
        for (UpstreamConfig u : config.upstreams().values()) {
            ConfigPath p = root.field("upstreams").field(u.name());
            if (u.tls().enabled()) {
                notYet(problems, p.field("tls"));
            }
            if (u.http2()) {
                notYet(problems, p.field("http2"));
            }
        }
    }

    private static void notYet(Problems problems, ConfigPath path) {
        problems.add(path, "is not supported yet (expected: remove it)");
    }
}
