package io.archway.route;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One request being matched: its parts, and what is worked out from them only when a candidate asks. */
final class MatchRequest {
    final String method;
    final @Nullable String host;
    final String path;
    private final HttpHeaders headers;
    private final @Nullable String rawQuery;
    private final RouteTable table;
    private String @Nullable [] wildcardSuffixes;
    private @Nullable Map<String, List<String>> query;

    MatchRequest(RouteTable table, String method, @Nullable String host, String path, HttpHeaders headers,
                 @Nullable String rawQuery) {
        this.table = table;
        this.method = method;
        this.host = host;
        this.path = path;
        this.headers = headers;
        this.rawQuery = rawQuery;
    }

    /** The configured wildcard suffixes this request's host ends in, longest first. */
    String[] wildcardSuffixes() {
        String[] s = wildcardSuffixes;
        if (s == null) {
            s = wildcardSuffixes = table.wildcardSuffixesOf(host);
        }
        return s;
    }

    /**
     * Whether the header is present exactly once, with exactly this value. A header sent twice matches no value:
     * the upstream might read the other copy.
     */
    boolean hasHeader(String name, String value) {
        Iterator<String> values = headers.valueStringIterator(name);
        return values.hasNext() && value.equals(values.next()) && !values.hasNext();
    }

    /** Like {@link #hasHeader}, for a decoded query parameter. */
    boolean hasQueryParameter(String key, String value) {
        List<String> values = query().get(key);
        return values != null && values.size() == 1 && value.equals(values.get(0));
    }

    private Map<String, List<String>> query() {
        Map<String, List<String>> q = query;
        if (q == null) {
            q = query = decode(rawQuery);
        }
        return q;
    }

    private static Map<String, List<String>> decode(@Nullable String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        try {
            // ';' is no separator here: most upstream frameworks read it as part of a value, and the gateway
            // must see the parameters the upstream will see.
            return QueryStringDecoder.builder().hasPath(false).semicolonIsNormalChar(true).build(rawQuery).parameters();
        } catch (IllegalArgumentException e) {
            // A broken percent-encoding: no parameter can be trusted, so no query match applies.
            return Map.of();
        }
    }
}
