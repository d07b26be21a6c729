package io.archway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole validated config of one gateway: what {@link ConfigLoader} makes of an archway.yaml.
 * Maps keep the order in which the file lists their keys.
 */
public record GatewayConfig(
        List<HostPort> listen,
        List<Cidr> trustedProxies,
        @Nullable TlsConfig tls,
        AdminConfig admin,
        LimitsConfig limits,
        Duration shutdownGrace,
        Map<String, UpstreamConfig> upstreams,
        Map<String, ConsumerConfig> consumers,
        Map<String, JwtIssuerConfig> jwt,
        Map<String, FilterSpec> filters,
        List<RouteConfig> routes,
        @Nullable ClusterConfig cluster) {

    public GatewayConfig {
        listen = List.copyOf(listen);
        trustedProxies = List.copyOf(trustedProxies);
        upstreams = Maps.ordered(upstreams);
        consumers = Maps.ordered(consumers);
        jwt = Maps.ordered(jwt);
        filters = Maps.ordered(filters);
        routes = List.copyOf(routes);
    }
}
