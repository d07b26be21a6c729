package io.archway.filter;

import io.archway.config.ConfigNode;
import io.archway.config.FilterCatalog;
import io.archway.filter.accesslog.AccessLogFilter;
import io.archway.filter.accesslog.AccessLogFilter.AccessLogConfig;
import io.archway.filter.accesslog.AccessLogWriter;
import io.archway.filter.bodylimit.BodyLimitFilter;
import io.archway.filter.bodylimit.BodyLimitFilter.BodyLimitConfig;
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

    /** One family: a null parser means the name is reserved by the contract but not built yet. */
    public record Family(String name, Phase phase, @Nullable Function<ConfigNode, Object> parser,
                         @Nullable Factory factory) {
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
            reserved("ip_filter", Phase.ACCESS),
            family("cors", Phase.ACCESS, CorsConfig::parse, (c, env) -> new CorsFilter((CorsConfig) c)),
            family("body_limit", Phase.ACCESS, BodyLimitConfig::parse,
                    (c, env) -> new BodyLimitFilter((BodyLimitConfig) c)),
            reserved("jwt", Phase.AUTHN),
            reserved("api_key", Phase.AUTHN),
            reserved("basic_auth", Phase.AUTHN),
            reserved("auth_any", Phase.AUTHN),
            reserved("allow", Phase.AUTHZ),
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
        return new Family(name, phase, parser, factory);
    }

    private static Family reserved(String name, Phase phase) {
        return new Family(name, phase, null, null);
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
