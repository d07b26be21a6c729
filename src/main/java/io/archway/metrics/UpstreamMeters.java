package io.archway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/** The meters of one upstream: a duration timer and a health gauge per target. */
final class UpstreamMeters {
    final String upstream;
    private final MeterRegistry registry;
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Gauge> health = new ConcurrentHashMap<>();

    UpstreamMeters(String upstream, MeterRegistry registry) {
        this.upstream = upstream;
        this.registry = registry;
    }

    /** A hash lookup per proxied request (the target text is a cached String, so its hash is too). */
    Timer duration(String target) {
        Timer t = durations.get(target);
        if (t == null) {
            t = durations.computeIfAbsent(target, k -> Timer.builder(MetricNames.UPSTREAM_DURATION)
                    .tag(MetricNames.TAG_UPSTREAM, upstream).tag(MetricNames.TAG_TARGET, k)
                    .description("Time from sending the request to a target to its response head")
                    .serviceLevelObjectives(MetricNames.BUCKETS)
                    .register(registry));
        }
        return t;
    }

    /** One target of one upstream, the state a health gauge reads. */
    record TargetRef(String upstream, String target) {}

    /** Registers the health gauges of the targets now configured and drops those of targets gone. */
    void targets(Set<String> targets, ToDoubleFunction<TargetRef> healthy) {
        for (String target : targets) {
            health.computeIfAbsent(target, k -> Gauge.builder(MetricNames.TARGET_HEALTHY,
                            new TargetRef(upstream, k), healthy)
                    .strongReference(true)
                    .tag(MetricNames.TAG_UPSTREAM, upstream).tag(MetricNames.TAG_TARGET, k)
                    .description("1 when the target may take traffic, 0 when health checks took it out")
                    .register(registry));
        }
        health.entrySet().removeIf(e -> {
            if (targets.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
        durations.entrySet().removeIf(e -> {
            if (targets.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }

    void remove() {
        health.values().forEach(registry::remove);
        durations.values().forEach(registry::remove);
        health.clear();
        durations.clear();
    }
}
