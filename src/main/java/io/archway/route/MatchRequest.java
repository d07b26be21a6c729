package io.archway.route;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request being matched: its parts, the scratch space of the template walk, and what is worked out from the
 * parts only when a candidate asks. {@link RouteTable#match} keeps one per thread and fills it for each request, so
 * that matching allocates nothing for itself; {@link #clear()} lets go of the request afterwards.
 */
final class MatchRequest {
    private static final int[] NO_BOUNDS = {};

    String method = "";
    /** The request's host in lower case, from index 0 to {@link #hostEnd}; null when the request named none. */
    @Nullable String host;
    int hostEnd;
    String path = "";
    /** Start and end of each variable's segment in {@link #path}, in order, as the template walk binds them. */
    int[] bounds = NO_BOUNDS;
    private @Nullable HttpHeaders headers;
    private @Nullable String rawQuery;
    private @Nullable Map<String, List<String>> query;

    void start(String method, @Nullable String hostHeader, String path, HttpHeaders headers, @Nullable String rawQuery,
               int variables) {
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.rawQuery = rawQuery;
        if (bounds.length < 2 * variables) {
            bounds = new int[2 * variables];
        }
        int end = hostHeader == null ? 0 : HostPattern.canonicalEnd(hostHeader);
        if (end == 0) {
            host = null;
            hostEnd = 0;
        } else if (HostPattern.hasUpperCase(hostHeader, end)) {
            host = hostHeader.substring(0, end).toLowerCase(Locale.ROOT);
            hostEnd = end;
        } else {
            // Port and trailing dot are left in the string and cut by hostEnd: no substring per request.
            host = hostHeader;
            hostEnd = end;
        }
    }

    /** Drops the references to the request, so that a thread's instance does not keep it alive. */
    void clear() {
        host = null;
        headers = null;
        rawQuery = null;
        query = null;
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
