package io.archway.filter;

import io.archway.config.ConfigNode;
import io.archway.config.ConfigPath;
import io.archway.config.FilterCatalog;
import io.archway.config.GatewayConfig;
import io.archway.config.Problems;
import io.archway.filter.accesslog.AccessLogFilter;
import io.archway.filter.allow.AllowFilter;
import io.archway.filter.allow.AllowFilter.AllowConfig;
import io.archway.filter.auth.any.AuthAnyFilter;
import io.archway.filter.auth.any.AuthAnyFilter.AuthAnyConfig;
import io.archway.filter.auth.apikey.ApiKeyFilter;
import io.archway.filter.auth.apikey.ApiKeyFilter.ApiKeyConfig;
import io.archway.filter.auth.basic.BasicAuthFilter;
import io.archway.filter.auth.basic.BasicAuthFilter.BasicAuthConfig;
import io.archway.filter.auth.jwt.JwtFilter;
import io.archway.filter.auth.jwt.JwtFilterConfig;
import io.archway.filter.accesslog.AccessLogFilter.AccessLogConfig;
import io.archway.filter.accesslog.AccessLogWriter;
import io.archway.filter.bodylimit.BodyLimitFilter;
import io.archway.filter.bodylimit.BodyLimitFilter.BodyLimitConfig;
import io.archway.filter.ipfilter.IpFilter;
import io.archway.filter.ipfilter.IpFilter.IpFilterConfig;
import io.archway.filter.cache.CacheConfig;
import io.archway.filter.cache.CacheFilter;
import io.archway.filter.compress.CompressConfig;
import io.archway.filter.compress.CompressFilter;
import io.archway.filter.cors.CorsConfig;
import io.archway.filter.cors.CorsFilter;
import io.archway.filter.headers.HeaderRules;
import io.archway.filter.headers.RequestHeadersFilter;
import io.archway.filter.headers.ResponseHeadersFilter;
import io.archway.filter.ratelimit.GcraRateLimiter;
import io.archway.filter.ratelimit.RateLimitConfig;
import io.archway.filter.ratelimit.RateLimitFilter;
import io.archway.filter.requestid.RequestIdFilter;
import io.archway.filter.requestid.RequestIdFilter.RequestIdConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Every filter family the config may name, with its phase, config parser and factory: the one table
 * that decides filter order (by phase, then by position here). Adding a family is one class and one line.
 */
public final class FilterRegistry implements FilterCatalog {

    /** Builds a family's filter from its parsed config. */
    @FunctionalInterface
    public interface Factory {
        Filter create(Object config, FilterEnv env);
    }

    /**
     * A factory whose filter runs some of its route's sibling filters itself ({@code auth_any} tries
     * {@code jwt} and {@code api_key} in turn): those leave the chain and are handed to it, built.
     */
    public interface CompositeFactory extends Factory {
        /** The sibling families this filter takes over, in the order it wants them. */
        List<String> members(Object config);

        Filter create(Object config, Map<String, Filter> members, FilterEnv env);

        @Override
        default Filter create(Object config, FilterEnv env) {
            return create(config, Map.of(), env);
        }
    }

    /**
     * Checks a family's config against the rest of the config (issuers, consumers, sibling filters),
     * reporting at {@link Placement#path()}; run by {@code archway validate} and before every reload.
     */
    @FunctionalInterface
    public interface Validator {
        void validate(Object config, Placement at, Problems problems);
    }

    /**
     * Where one filter config applies: its YAML path, the whole config, and the families that run
     * beside it. {@code route} is the route's path, or null when the global {@code filters} map is
     * checked on its own; {@code siblings} are then the global and default-on families.
     */
    public record Placement(ConfigPath path, GatewayConfig config, @Nullable ConfigPath route, Set<String> siblings) {}

    /** One family: a null parser means the name is reserved by the contract but not built yet. */
    public record Family(String name, Phase phase, @Nullable Function<ConfigNode, Object> parser,
                         @Nullable Factory factory, @Nullable Validator validator) {
        boolean supported() {
            return parser != null && factory != null;
        }
    }

    private static final Map<String, Family> FAMILIES = table(List.of(
            family("request_id", Phase.OBSERVE, RequestIdConfig::parse,
                    (c, env) -> new RequestIdFilter((RequestIdConfig) c)),
            reserved("tracing", Phase.OBSERVE),
            family("access_log", Phase.OBSERVE, AccessLogConfig::parse, (c, env) -> {
                AccessLogConfig config = (AccessLogConfig) c;
                return new AccessLogFilter(env.shared().get(config.resourceKey(),
                        () -> AccessLogWriter.open(config.file())));
            }),
            family("ip_filter", Phase.ACCESS, IpFilterConfig::parse, (c, env) -> new IpFilter((IpFilterConfig) c)),
            family("cors", Phase.ACCESS, CorsConfig::parse, (c, env) -> new CorsFilter((CorsConfig) c)),
            family("body_limit", Phase.ACCESS, BodyLimitConfig::parse,
                    (c, env) -> new BodyLimitFilter((BodyLimitConfig) c)),
            family("jwt", Phase.AUTHN, JwtFilterConfig::parse, JwtFilter::create, JwtFilterConfig::validate),
            family("api_key", Phase.AUTHN, ApiKeyConfig::parse, ApiKeyFilter::create),
            family("basic_auth", Phase.AUTHN, BasicAuthConfig::parse, BasicAuthFilter::create),
            family("auth_any", Phase.AUTHN, AuthAnyConfig::parse, AuthAnyFilter.FACTORY, AuthAnyFilter::validate),
            family("allow", Phase.AUTHZ, AllowConfig::parse, (c, env) -> new AllowFilter((AllowConfig) c),
                    AllowFilter::validate),
            family("rate_limit", Phase.LIMIT, RateLimitConfig::parse,
                    (c, env) -> new RateLimitFilter((RateLimitConfig) c, env.shared(), GcraRateLimiter::new)),
            family("cache", Phase.CACHE, CacheConfig::parse,
                    (c, env) -> CacheFilter.create((CacheConfig) c, env.shared())),
            family("request_headers", Phase.TRANSFORM, HeaderRules::parse,
                    (c, env) -> new RequestHeadersFilter((HeaderRules) c)),
            family("response_headers", Phase.TRANSFORM, HeaderRules::parse,
                    (c, env) -> new ResponseHeadersFilter((HeaderRules) c)),
            family("compress", Phase.TRANSFORM, CompressConfig::parse,
                    (c, env) -> new CompressFilter((CompressConfig) c))));

    /** Families that are on for every route unless a config turns them off with {@code name: false}. */
    public static final List<String> ON_BY_DEFAULT = List.of("request_id", "access_log");

    public static final FilterRegistry INSTANCE = new FilterRegistry();

    private static Family family(String name, Phase phase, Function<ConfigNode, Object> parser, Factory factory) {
        return new Family(name, phase, parser, factory, null);
    }

    private static Family family(String name, Phase phase, Function<ConfigNode, Object> parser, Factory factory,
                                 Validator validator) {
        return new Family(name, phase, parser, factory, validator);
    }

    private static Family reserved(String name, Phase phase) {
        return new Family(name, phase, null, null, null);
    }

    private static Map<String, Family> table(List<Family> families) {
        Map<String, Family> map = new LinkedHashMap<>();
        families.forEach(f -> map.put(f.name(), f));
        return map;
    }

    @Override
    public Set<String> names() {
        return FAMILIES.keySet();
    }

    @Override
    public boolean isSupported(String name) {
        Family f = FAMILIES.get(name);
        return f != null && f.supported();
    }

    @Override
    public Object parse(String name, ConfigNode node) {
        Family f = FAMILIES.get(name);
        if (f == null || f.parser() == null) {
            throw new IllegalArgumentException("filter " + name + " (expected one of: " + names() + ")");
        }
        return f.parser().apply(node);
    }

    public Family family(String name) {
        Family f = FAMILIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown filter " + name);
        }
        return f;
    }

    /** The config a default-on family gets when the file does not mention it. */
    public Object defaultConfig(String name) {
        return switch (name) {
            case "request_id" -> RequestIdConfig.DEFAULTS;
            case "access_log" -> new AccessLogConfig(null);
            default -> throw new IllegalArgumentException("no default config for filter " + name);
        };
    }

    /** Position of a family in the table: the order within one phase. */
    public int position(String name) {
        int i = 0;
        for (String n : FAMILIES.keySet()) {
            if (n.equals(name)) {
                return i;
            }
            i++;
        }
        return Integer.MAX_VALUE;
    }
}
