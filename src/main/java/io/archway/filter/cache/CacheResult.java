package io.archway.filter.cache;

import java.util.Locale;

/** What the cache did for a request: the {@code X-Cache} header, and the {@code result} metric label. */
public enum CacheResult {
    /** Answered from the cache (a stored response, or a 304 from one). */
    HIT,
    /** Fetched from the upstream (and stored, when the response allows it). */
    MISS,
    /** Not cacheable at all: another method, a Range request, {@code Cache-Control: no-store}. */
    BYPASS;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** {@code hit}, {@code miss} or {@code bypass}, as DESIGN §7 "Metric labels" writes them. */
    public String label() {
        return label;
    }
}
