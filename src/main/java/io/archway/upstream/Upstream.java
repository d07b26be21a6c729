package io.archway.upstream;

import io.archway.config.UpstreamConfig;
import io.archway.upstream.balancer.Balancer;
import io.archway.upstream.balancer.RoundRobinBalancer;
import java.util.ArrayList;
import java.util.List;

/** A named set of targets at run time: its config, its balancer and the current target snapshot. */
public final class Upstream {
    private final UpstreamConfig config;
    private final Balancer balancer;
    private volatile TargetSnapshot snapshot;

    public Upstream(UpstreamConfig config) {
        this.config = config;
        List<Target> targets = new ArrayList<>();
        for (UpstreamConfig.TargetConfig t : config.targets()) {
            targets.add(new Target(t.address(), t.weight()));
        }
        this.snapshot = TargetSnapshot.allHealthy(targets);
        this.balancer = balancerFor(config.balancer());
    }

    private static Balancer balancerFor(UpstreamConfig.BalancerKind kind) {
        // Every kind but round robin arrives with the load-balancing work; until then they share it.
        return switch (kind) {
            case ROUND_ROBIN, LEAST_CONNECTIONS, LEAST_REQUEST, EWMA, IP_HASH, CONSISTENT_HASH, RANDOM ->
                    new RoundRobinBalancer();
        };
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public Balancer balancer() {
        return balancer;
    }

    public TargetSnapshot snapshot() {
        return snapshot;
    }

    public void snapshot(TargetSnapshot snapshot) {
        this.snapshot = snapshot;
    }
}
