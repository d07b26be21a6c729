package io.archway.filter.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.archway.filter.SharedResources;
import io.archway.filter.cache.ResponseCache.Entry;
import io.archway.filter.cache.ResponseCache.Fill;
import io.archway.filter.cache.ResponseCache.Stored;
import io.archway.filter.cache.ResponseCache.VaryBy;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code cache}: answers from stored responses, and stores what the upstream allows (RFC 9111 as
 * DESIGN §2 and §7 narrow it). The key is method, host, path and query, the configured {@code vary}
 * request headers and the request headers the upstream's {@code Vary} names. Responses are stored while
 * they stream to the client (never delaying it; past {@code max_body} storing is given up), concurrent
 * misses for one key wait for the first one's result instead of all going upstream, and conditional
 * requests are answered 304 from a stored response.
 *
 * <p>Freshness: {@code s-maxage}, else {@code max-age}, else {@code Expires} minus {@code Date}, else
 * {@code ttl}; less the response's age. Never stored: {@code no-store}, {@code private}, {@code no-cache}
 * (this cache does not revalidate), {@code Vary: *}, a {@code Set-Cookie}, a status other than 200, 203,
 * 204, 300, 301, 404, 410, and, for a request with {@code Authorization} or {@code Cookie}, a response
 * not marked {@code public}.
 */
public final class CacheFilter implements Filter {
    /** What the cache did for this request; read by metrics ({@code archway_cache_requests_total}). */
    public static final RequestContext.Key<CacheResult> RESULT = new RequestContext.Key<>("cache");
    private static final RequestContext.Key<State> STATE = new RequestContext.Key<>("cache.state");

    private static final Set<Integer> STORABLE = Set.of(200, 203, 204, 300, 301, 404, 410);
    /** How long a miss waits for another request's fetch of the same key before fetching itself. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final CacheConfig config;
    private final ResponseCache cache;
    private final String[] vary;
    private volatile @Nullable Namespace namespace;

    /** The key prefix of this filter's route and settings: a reload that keeps both keeps the entries. */
    private record Namespace(String route, String prefix) {}

    /** One request's dealings with the cache, from lookup to store. */
    private static final class State {
        final String key;
        final boolean credentials;
        final boolean head;
        /** The client's request headers, before later filters rewrite them: the upstream's Vary names some. */
        final HttpHeaders requestHeaders;
        @Nullable Fill fill;
        boolean capturing;
        int status;
        @Nullable HttpHeaders headers;
        @Nullable List<String> varyBy;
        long expiresNanos;
        long initialAge;
        byte @Nullable [] body;
        int length;

        State(String key, HttpHeaders requestHeaders, boolean head) {
            this.key = key;
            this.requestHeaders = new DefaultHttpHeaders().set(requestHeaders);
            this.credentials = requestHeaders.contains(HttpHeaderNames.AUTHORIZATION)
                    || requestHeaders.contains(HttpHeaderNames.COOKIE);
            this.head = head;
        }
    }

    CacheFilter(CacheConfig config, ResponseCache cache) {
        this.config = config;
        this.cache = cache;
        this.vary = config.vary().toArray(new String[0]);
    }

    /** The filter of one route, storing into the gateway's shared response cache. */
    public static CacheFilter create(CacheConfig config, SharedResources shared) {
        return new CacheFilter(config, shared.get("cache", () ->
                new ResponseCache(ResponseCache.DEFAULT_MAX_BYTES, Ticker.systemTicker())));
    }

    // ---------------------------------------------------------------- request

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        CacheControl asked = CacheControl.parse(h.getAll(HttpHeaderNames.CACHE_CONTROL));
        if (!config.methods().contains(ctx.method()) || asked.noStore() || h.contains(HttpHeaderNames.RANGE)
                || HttpUtil.getContentLength(ctx.request(), 0L) > 0) {
            ctx.put(RESULT, CacheResult.BYPASS);
            return FilterResult.PROCEED_NOW;
        }
        String key = primaryKey(ctx);
        long now = cache.now();
        boolean refresh = asked.noCache() || asked.maxAge() == 0 || h.contains(HttpHeaderNames.PRAGMA, "no-cache", true);
        if (!refresh) {
            CachedResponse hit = lookup(key, h, now);
            if (hit != null) {
                return hit(ctx, hit, now);
            }
        }
        State st = new State(key, h, "HEAD".equals(ctx.method()));
        ctx.put(STATE, st);
        ctx.put(RESULT, CacheResult.MISS);
        if (refresh) {
            fetchToStore(ctx);
            return FilterResult.PROCEED_NOW;
        }
        Fill mine = new Fill();
        Fill running = cache.join(key, mine);
        if (running == null) {
            // The fill that just ended may have stored it between the lookup and the join.
            CachedResponse again = lookup(key, h, now);
            if (again != null) {
                cache.complete(key, mine, again);
                ctx.put(STATE, null);
                return hit(ctx, again, now);
            }
            st.fill = mine;
            fetchToStore(ctx);
            return FilterResult.PROCEED_NOW;
        }
        return waitFor(ctx, st, running);
    }

    /** A miss for a key another request is fetching: wait for it (on this request's loop), then look again. */
    private CompletionStage<FilterResult> waitFor(RequestContext ctx, State st, Fill running) {
        CompletableFuture<FilterResult> out = new CompletableFuture<>();
        ScheduledFuture<?> timeout = ctx.eventLoop().schedule(() -> {
            if (!out.isDone()) {
                fetchToStore(ctx);
                out.complete(FilterResult.PROCEED);
            }
        }, WAIT_NANOS, TimeUnit.NANOSECONDS);
        running.done.whenComplete((stored, error) -> ctx.eventLoop().execute(() -> {
            timeout.cancel(false);
            if (out.isDone()) {
                return;
            }
            long now = cache.now();
            CachedResponse hit = stored == null ? null : lookup(st.key, ctx.request().headers(), now);
            if (hit != null) {
                ctx.put(STATE, null);
                out.complete(hitResult(ctx, hit, now));
            } else {
                fetchToStore(ctx);
                out.complete(FilterResult.PROCEED);
            }
        }));
        return out;
    }

    /** This request goes upstream to be stored: a conditional would get a 304, which cannot be stored. */
    private static void fetchToStore(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        h.remove(HttpHeaderNames.IF_NONE_MATCH);
        h.remove(HttpHeaderNames.IF_MODIFIED_SINCE);
    }

    private CompletionStage<FilterResult> hit(RequestContext ctx, CachedResponse hit, long now) {
        return CompletableFuture.completedFuture(hitResult(ctx, hit, now));
    }

    private FilterResult hitResult(RequestContext ctx, CachedResponse hit, long now) {
        ctx.put(RESULT, CacheResult.HIT);
        if (hit.status == 200 && notModified(ctx.request().headers(), hit)) {
            return new FilterResult.Full(hit.toNotModified(now));
        }
        return new FilterResult.Full(hit.toResponse(now));
    }

    private @Nullable CachedResponse lookup(String key, HttpHeaders h, long now) {
        Stored s = cache.get(key);
        if (s instanceof VaryBy v) {
            s = cache.get(secondaryKey(key, v.headers(), h));
        }
        if (s instanceof Entry e && e.response().isFresh(now)) {
            return e.response();
        }
        return null;
    }

    /** RFC 9110 §13.1.2 and §13.1.3: If-None-Match wins; If-Modified-Since only without it. */
    static boolean notModified(HttpHeaders h, CachedResponse r) {
        String inm = h.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            return r.etag != null && etagListMatches(inm, r.etag);
        }
        String ims = h.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null && r.lastModifiedMillis > 0) {
            Date since = DateFormatter.parseHttpDate(ims);
            return since != null && r.lastModifiedMillis <= since.getTime();
        }
        return false;
    }

    /** Weak comparison: {@code W/"x"} and {@code "x"} match; {@code *} matches any. */
    static boolean etagListMatches(String list, String etag) {
        String mine = opaque(etag);
        for (String candidate : list.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || opaque(c).equals(mine)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    // ---------------------------------------------------------------- response

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        CacheResult result = ctx.get(RESULT);
        if (result == null) {
            return;
        }
        State st = ctx.get(STATE);
        if (st != null) {
            if (!(response instanceof FullHttpResponse) && startStoring(st, response)) {
                st.capturing = true;
            } else {
                giveUp(st);
            }
        }
        response.headers().set(CachedResponse.X_CACHE, result.name());
        io.archway.metrics.RequestOutcomes.cache(ctx, io.archway.metrics.RequestOutcomes.CacheResult.valueOf(result.name()));
    }

    /** Decides whether the response may be stored and, if so, keeps its head. */
    private boolean startStoring(State st, HttpResponse response) {
        int status = response.status().code();
        if (!STORABLE.contains(status)) {
            return false;
        }
        HttpHeaders h = response.headers();
        CacheControl cc = CacheControl.parse(h.getAll(HttpHeaderNames.CACHE_CONTROL));
        if (cc.noStore() || cc.isPrivate() || cc.noCache() || (st.credentials && !cc.isPublic())
                || h.contains(HttpHeaderNames.SET_COOKIE)) {
            return false;
        }
        List<String> varyBy = varyHeaders(h);
        if (varyBy.contains("*")) {
            return false;
        }
        long contentLength = HttpUtil.getContentLength(response, -1L);
        if (contentLength > config.maxBody()) {
            return false;
        }
        long wallNow = System.currentTimeMillis();
        long lifetimeSeconds = lifetimeSeconds(cc, h, wallNow);
        long age = initialAgeSeconds(h, wallNow);
        if (lifetimeSeconds - age <= 0) {
            return false;
        }
        HttpHeaders kept = new DefaultHttpHeaders().set(h);
        kept.remove(HttpHeaderNames.AGE);
        kept.remove(CachedResponse.X_CACHE);
        if (!st.head) {
            kept.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        st.status = status;
        st.headers = kept;
        st.varyBy = varyBy;
        st.initialAge = age;
        st.expiresNanos = cache.now() + (lifetimeSeconds - age) * 1_000_000_000L;
        st.body = new byte[st.head ? 0 : (int) (contentLength >= 0 ? contentLength : Math.min(8192, config.maxBody()))];
        return true;
    }

    private long lifetimeSeconds(CacheControl cc, HttpHeaders h, long wallNow) {
        if (cc.sMaxAge() >= 0) {
            return cc.sMaxAge();
        }
        if (cc.maxAge() >= 0) {
            return cc.maxAge();
        }
        String expires = h.get(HttpHeaderNames.EXPIRES);
        if (expires != null) {
            Date exp = DateFormatter.parseHttpDate(expires);
            if (exp == null) {
                return 0;   // an invalid Expires means "already expired" (RFC 9111 §5.3)
            }
            Date date = parseDate(h.get(HttpHeaderNames.DATE));
            long base = date == null ? wallNow : date.getTime();
            return Math.max(0, (exp.getTime() - base) / 1000);
        }
        return config.ttl().toSeconds();
    }

    /** RFC 9111 §4.2.3: the larger of the Age header and the time since the upstream's Date. */
    private static long initialAgeSeconds(HttpHeaders h, long wallNow) {
        long age = 0;
        String a = h.get(HttpHeaderNames.AGE);
        if (a != null) {
            try {
                age = Math.max(0, Long.parseLong(a.trim()));
            } catch (NumberFormatException ignored) {
                // an invalid Age is ignored (RFC 9111 §5.1)
            }
        }
        Date date = parseDate(h.get(HttpHeaderNames.DATE));
        if (date != null) {
            age = Math.max(age, (wallNow - date.getTime()) / 1000);
        }
        return age;
    }

    private static @Nullable Date parseDate(@Nullable String s) {
        return s == null ? null : DateFormatter.parseHttpDate(s);
    }

    private static List<String> varyHeaders(HttpHeaders h) {
        List<String> out = new ArrayList<>(2);
        for (String v : h.getAll(HttpHeaderNames.VARY)) {
            for (String part : v.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !out.contains(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    @Override
    public HttpContent onResponseContent(RequestContext ctx, HttpContent content) {
        State st = ctx.get(STATE);
        if (st == null || !st.capturing) {
            return content;
        }
        int n = content.content().readableBytes();
        if ((long) st.length + n > config.maxBody()) {
            giveUp(st);
            return content;
        }
        if (st.length + n > st.body.length) {
            st.body = Arrays.copyOf(st.body, (int) Math.min(config.maxBody(), Math.max(st.length + n, 2L * st.body.length)));
        }
        content.content().getBytes(content.content().readerIndex(), st.body, st.length, n);
        st.length += n;
        if (content instanceof LastHttpContent) {
            store(st);
        }
        return content;
    }

    private void store(State st) {
        st.capturing = false;
        byte[] body = st.length == st.body.length ? st.body : Arrays.copyOf(st.body, st.length);
        st.body = null;
        HttpHeaders h = st.headers;
        Date lastModified = parseDate(h.get(HttpHeaderNames.LAST_MODIFIED));
        CachedResponse r = new CachedResponse(st.status, h, body, st.head, cache.now(), st.initialAge,
                st.expiresNanos, h.get(HttpHeaderNames.ETAG), lastModified == null ? 0 : lastModified.getTime());
        List<String> varyBy = st.varyBy;
        if (varyBy.isEmpty()) {
            cache.put(st.key, new Entry(r));
        } else {
            // Secondary first: a request that sees the VaryBy must find the entry it points to.
            cache.put(secondaryKey(st.key, varyBy, st.requestHeaders), new Entry(r));
            Stored before = cache.get(st.key);
            long expires = before instanceof VaryBy v && v.headers().equals(varyBy)
                    && v.expiresNanos() - st.expiresNanos > 0 ? v.expiresNanos() : st.expiresNanos;
            cache.put(st.key, new VaryBy(List.copyOf(varyBy), expires));
        }
        if (st.fill != null) {
            cache.complete(st.key, st.fill, r);
            st.fill = null;
        }
    }

    /** Not storing after all: waiters fetch for themselves. */
    private void giveUp(State st) {
        st.capturing = false;
        st.body = null;
        if (st.fill != null) {
            cache.complete(st.key, st.fill, null);
            st.fill = null;
        }
    }

    @Override
    public void onComplete(RequestContext ctx) {
        State st = ctx.get(STATE);
        if (st != null) {
            giveUp(st);
        }
    }

    // ---------------------------------------------------------------- keys

    private String primaryKey(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        StringBuilder k = new StringBuilder(128).append(namespace(ctx)).append(ctx.method()).append(' ');
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            k.append(host.toLowerCase(Locale.ROOT));
        }
        k.append(ctx.path());
        if (ctx.rawQuery() != null) {
            k.append('?').append(ctx.rawQuery());
        }
        for (String name : vary) {
            appendValues(k.append('\n'), h, name);
        }
        return k.toString();
    }

    private static String secondaryKey(String primary, List<String> varyBy, HttpHeaders h) {
        StringBuilder k = new StringBuilder(primary.length() + 32).append(primary).append('\0');
        for (String name : varyBy) {
            appendValues(k.append('\n'), h, name);
        }
        return k.toString();
    }

    private static void appendValues(StringBuilder k, HttpHeaders h, String name) {
        List<String> values = h.getAll(name);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                k.append(',');
            }
            k.append(values.get(i).trim());
        }
    }

    /**
     * Entries are per route (and settings), and the factory does not learn the route, so the filter
     * binds to it on its first request: each route's chain has its own filter instance.
     */
    private String namespace(RequestContext ctx) {
        String route = String.valueOf(ctx.route());
        Namespace ns = namespace;
        if (ns == null || !ns.route.equals(route)) {
            ns = new Namespace(route, route + '\u0001' + config + '\u0001');
            namespace = ns;
        }
        return ns.prefix;
    }
}
