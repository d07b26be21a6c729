package io.archway.metrics;

import static io.archway.metrics.MetricNames.TAG_METHOD;
import static io.archway.metrics.MetricNames.TAG_ROUTE;
import static io.archway.metrics.MetricNames.TAG_STATUS;
import static io.archway.metrics.MetricNames.TAG_STATUS_CLASS;
import static io.archway.metrics.MetricNames.TAG_UPSTREAM;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one route, resolved from the registry once per label combination and then kept in
 * arrays indexed by upstream, method and status: a request costs array reads, never a registry lookup.
 * Slots fill lazily from any event loop; two loops racing for one slot get the same meter from the
 * registry, so the race is harmless.
 */
final class RouteMeters {
    /** Methods with a label of their own; anything else is counted as OTHER, keeping the label set bounded. */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "OTHER"};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    final String route;
    final RouteStats stats = new RouteStats();
    private final MeterRegistry registry;
    private final GatewayMetrics owner;
    private final Queue<Meter> registered = new ConcurrentLinkedQueue<>();
    /** Copy-on-write: a route has one or a few upstreams, and they change only with the config. */
    private volatile UpstreamSlot[] slots = new UpstreamSlot[0];
    private volatile @Nullable Counter rateLimited;
    private final AtomicReferenceArray<Counter> cache = new AtomicReferenceArray<>(3);

    RouteMeters(String route, MeterRegistry registry, GatewayMetrics owner) {
        this.route = route;
        this.registry = registry;
        this.owner = owner;
    }

    /** The slot of an upstream name ("" for none), created on first use. */
    UpstreamSlot slot(@Nullable String upstream) {
        String name = upstream == null ? "" : upstream;
        UpstreamSlot[] s = slots;
        for (UpstreamSlot slot : s) {
            if (slot.upstream.equals(name)) {
                return slot;
            }
        }
        return addSlot(name);
    }

    private synchronized UpstreamSlot addSlot(String name) {
        UpstreamSlot[] s = slots;
        for (UpstreamSlot slot : s) {
            if (slot.upstream.equals(name)) {
                return slot;
            }
        }
        UpstreamSlot slot = new UpstreamSlot(name, name.isEmpty() ? null : owner.upstream(name));
        UpstreamSlot[] grown = java.util.Arrays.copyOf(s, s.length + 1);
        grown[s.length] = slot;
        slots = grown;
        return slot;
    }

    static int methodIndex(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "DELETE" -> 4;
            case "PATCH" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            default -> 8;
        };
    }

    Counter rateLimited() {
        Counter c = rateLimited;
        if (c == null) {
            c = keep(Counter.builder(MetricNames.RATE_LIMITED).tag(TAG_ROUTE, route)
                    .description("Requests refused by a rate limit").register(registry));
            rateLimited = c;
        }
        return c;
    }

    Counter cache(RequestOutcomes.CacheResult result) {
        int i = result.ordinal();
        Counter c = cache.get(i);
        if (c == null) {
            c = keep(Counter.builder(MetricNames.CACHE_REQUESTS).tag(TAG_ROUTE, route)
                    .tag(MetricNames.TAG_RESULT, result.label())
                    .description("Requests seen by the cache, by result").register(registry));
            cache.set(i, c);
        }
        return c;
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    /** Takes this route's meters out of the registry: the route is gone from the config. */
    void remove() {
        Meter m;
        while ((m = registered.poll()) != null) {
            registry.remove(m);
        }
    }

    /** The meters of one (route, upstream) pair. */
    final class UpstreamSlot {
        final String upstream;
        final @Nullable UpstreamMeters upstreamMeters;
        private final AtomicReferenceArray<MethodSlot> methods = new AtomicReferenceArray<>(METHODS.length);

        UpstreamSlot(String upstream, @Nullable UpstreamMeters upstreamMeters) {
            this.upstream = upstream;
            this.upstreamMeters = upstreamMeters;
        }

        MethodSlot method(int index) {
            MethodSlot m = methods.get(index);
            if (m == null) {
                m = new MethodSlot(this, METHODS[index]);
                if (!methods.compareAndSet(index, null, m)) {
                    m = methods.get(index);
                }
            }
            return m;
        }
    }

    /** The meters of one (route, upstream, method): a counter per status, a timer per status class. */
    final class MethodSlot {
        private final UpstreamSlot slot;
        private final String method;
        private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
        private final AtomicReferenceArray<Timer> byClass = new AtomicReferenceArray<>(STATUS_CLASSES.length);

        MethodSlot(UpstreamSlot slot, String method) {
            this.slot = slot;
            this.method = method;
        }

        Counter requests(int status) {
            int s = status >= 100 && status < 600 ? status : 0;
            Counter c = byStatus.get(s);
            if (c == null) {
                c = keep(Counter.builder(MetricNames.REQUESTS)
                        .tag(TAG_ROUTE, route).tag(TAG_UPSTREAM, slot.upstream).tag(TAG_METHOD, method)
                        .tag(TAG_STATUS, Integer.toString(s))
                        .description("Requests answered, by route, upstream, method and status")
                        .register(registry));
                byStatus.set(s, c);
            }
            return c;
        }

        Timer duration(int status) {
            int k = status >= 100 && status < 600 ? status / 100 - 1 : 4;
            Timer t = byClass.get(k);
            if (t == null) {
                t = keep(Timer.builder(MetricNames.REQUEST_DURATION)
                        .tag(TAG_ROUTE, route).tag(TAG_UPSTREAM, slot.upstream).tag(TAG_METHOD, method)
                        .tag(TAG_STATUS_CLASS, STATUS_CLASSES[k])
                        .description("Time from request head received to the last response byte written")
                        .serviceLevelObjectives(MetricNames.BUCKETS)
                        .register(registry));
                byClass.set(k, t);
            }
            return t;
        }
    }
}
