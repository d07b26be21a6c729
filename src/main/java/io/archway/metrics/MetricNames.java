package io.archway.metrics;

import java.time.Duration;

/**
 * Every meter name and tag key of the gateway, in one place. Names are Micrometer's dotted form; the
 * Prometheus registry renders them as DESIGN §5 says ({@code archway.requests} becomes
 * {@code archway_requests_total}, a timer gets {@code _seconds}).
 */
public final class MetricNames {
    private MetricNames() {}

    /** {@code archway_requests_total{route,upstream,method,status}} */
    public static final String REQUESTS = "archway.requests";
    /** {@code archway_request_duration_seconds{route,upstream,method,status_class}}, a histogram. */
    public static final String REQUEST_DURATION = "archway.request.duration";
    /** {@code archway_upstream_duration_seconds{upstream,target}}: request sent to response head received. */
    public static final String UPSTREAM_DURATION = "archway.upstream.duration";
    /** {@code archway_upstream_target_healthy{upstream,target}}, 0 or 1. */
    public static final String TARGET_HEALTHY = "archway.upstream.target.healthy";
    /** {@code archway_active_connections}: open downstream connections. */
    public static final String ACTIVE_CONNECTIONS = "archway.active.connections";
    /** {@code archway_rate_limited_total{route}} */
    public static final String RATE_LIMITED = "archway.rate.limited";
    /** {@code archway_cache_requests_total{route,result}} with result hit, miss or bypass. */
    public static final String CACHE_REQUESTS = "archway.cache.requests";
    /** {@code archway_config_reloads_total{result}} with result success or failure. */
    public static final String CONFIG_RELOADS = "archway.config.reloads";

    public static final String TAG_ROUTE = "route";
    public static final String TAG_UPSTREAM = "upstream";
    public static final String TAG_METHOD = "method";
    public static final String TAG_STATUS = "status";
    public static final String TAG_STATUS_CLASS = "status_class";
    public static final String TAG_TARGET = "target";
    public static final String TAG_RESULT = "result";

    /**
     * Histogram bucket bounds of both duration histograms. Fixed, few buckets: each label combination
     * costs one series per bucket, and these cover a proxied request from sub-millisecond to a minute.
     */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
    };
}
