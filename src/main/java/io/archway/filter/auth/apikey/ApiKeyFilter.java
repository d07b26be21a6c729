package io.archway.filter.auth.apikey;

import io.archway.config.ConfigNode;
import io.archway.config.ConsumerConfig;
import io.archway.filter.FilterEnv;
import io.archway.filter.RequestContext;
import io.archway.filter.auth.Authenticator;
import io.archway.filter.auth.Consumers;
import io.archway.filter.auth.Denial;
import io.archway.filter.auth.Identity;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code api_key}: the caller is the consumer whose key the request carries, in a header or (when
 * configured) a query parameter. Keys are found by a hash lookup ({@link Consumers}) and never logged.
 */
public final class ApiKeyFilter implements Authenticator {
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^`|~-]+");

    private final AsciiString header;
    private final @Nullable String query;
    private final Consumers consumers;
    private final CompletionStage<@Nullable Denial> missing;
    private final CompletionStage<@Nullable Denial> unknown;

    /** The config: where the key is read from. */
    public record ApiKeyConfig(String header, @Nullable String query) {
        public static final String DEFAULT_HEADER = "X-API-Key";

        public static ApiKeyConfig parse(ConfigNode node) {
            node.expectObject("header", "query");
            ConfigNode h = node.get("header");
            String header = h.asString(DEFAULT_HEADER);
            if (!HEADER_NAME.matcher(header).matches() || header.indexOf('_') >= 0) {
                h.invalid("a header name like X-API-Key");
                header = DEFAULT_HEADER;
            }
            ConfigNode q = node.get("query");
            String query = q.nonEmptyText("a query parameter name like api_key");
            return new ApiKeyConfig(header, query);
        }
    }

    ApiKeyFilter(ApiKeyConfig config, Consumers consumers) {
        this.header = AsciiString.cached(config.header());
        this.query = config.query();
        this.consumers = consumers;
        String challenge = "ApiKey header=\"" + config.header() + "\""
                + (config.query() == null ? "" : ", query=\"" + config.query() + "\"");
        this.missing = CompletableFuture.completedStage(Denial.missing(challenge, "no API key"));
        this.unknown = CompletableFuture.completedStage(Denial.invalid("unauthorized", challenge, "unknown API key"));
    }

    public static ApiKeyFilter create(Object config, FilterEnv env) {
        return new ApiKeyFilter((ApiKeyConfig) config, Consumers.of(env));
    }

    @Override
    public CompletionStage<@Nullable Denial> authenticate(RequestContext ctx) {
        String key = ctx.request().headers().get(header);
        if (key == null && query != null) {
            key = queryParameter(ctx.rawQuery(), query);
        }
        if (key == null || key.isEmpty()) {
            return missing;
        }
        ConsumerConfig consumer = consumers.byApiKey(key);
        if (consumer == null) {
            return unknown;
        }
        Identity.set(ctx, consumer.name(), consumer.groups());
        return PASSED;
    }

    /** The first value of a query parameter, percent-decoded; null when absent or malformed. */
    static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        int i = 0;
        int n = rawQuery.length();
        while (i <= n) {
            int amp = rawQuery.indexOf('&', i);
            int end = amp < 0 ? n : amp;
            int eq = rawQuery.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() && rawQuery.startsWith(name, i)) {
                try {
                    return QueryStringDecoder.decodeComponent(rawQuery.substring(eq + 1, end));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return null;
    }
}
