package io.archway.filter.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's response cache: one Caffeine cache for every route (keys start with the route's
 * namespace), bounded by the bytes its entries hold, each entry expiring when it stops being fresh.
 * Beside it, the fills in progress: the first miss for a key fetches, later ones wait for its result.
 * Shared by all event loops; kept across reloads in {@link io.archway.filter.SharedResources}.
 */
final class ResponseCache {
    /** The byte budget: a quarter of the heap, at most 256 MB. */
    static final long DEFAULT_MAX_BYTES = Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);

    /** What a key maps to: a stored response, or the request headers the upstream says it varies by. */
    sealed interface Stored permits Entry, VaryBy {}

    record Entry(CachedResponse response) implements Stored {}

    /** The upstream's {@code Vary} for a primary key: the stored responses sit under secondary keys. */
    record VaryBy(List<String> headers, long expiresNanos) implements Stored {}

    /** A fetch in progress: completes with what was stored, or null when nothing was. */
    static final class Fill {
        final CompletableFuture<@Nullable CachedResponse> done = new CompletableFuture<>();
    }

    private final Cache<String, Stored> entries;
    private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
    private final Ticker ticker;

    ResponseCache(long maxBytes, Ticker ticker) {
        this.ticker = ticker;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Stored s) -> s instanceof Entry e ? e.response().weight(key) : 64 + 2 * key.length())
                .expireAfter(Expiry.writing((String key, Stored s) -> Duration.ofNanos(Math.max(0,
                        (s instanceof Entry e ? e.response().expiresNanos : ((VaryBy) s).expiresNanos()) - ticker.read()))))
                .ticker(ticker)
                // Housekeeping on the thread that touched the cache, a few entries at a time, rather than a
                // hand-off to the common pool (a wake-up and a lock handoff every few dozen hits).
                .executor(Runnable::run)
                .build();
    }

    long now() {
        return ticker.read();
    }

    @Nullable Stored get(String key) {
        return entries.getIfPresent(key);
    }

    void put(String key, Stored value) {
        entries.put(key, value);
    }

    /** Becomes the fill of {@code key} and returns null, or returns the fill already in progress. */
    @Nullable Fill join(String key, Fill mine) {
        return fills.putIfAbsent(key, mine);
    }

    /** Ends a fill: later misses fetch for themselves or find the stored entry. */
    void complete(String key, Fill fill, @Nullable CachedResponse stored) {
        fills.remove(key, fill);
        fill.done.complete(stored);
    }
}
