package io.archway.route;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable String-keyed hash table that is looked up by a region of a longer string, so that walking a
 * request path segment by segment allocates no substrings. Open addressing, at most half full.
 */
final class SegmentMap<V> {
    private final @Nullable String[] keys;
    private final int[] hashes;
    private final @Nullable Object[] values;
    private final int mask;
    private final int size;

    SegmentMap(Map<String, V> entries) {
        int capacity = 2;
        while (capacity < entries.size() * 2) {
            capacity <<= 1;
        }
        keys = new String[capacity];
        hashes = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        size = entries.size();
        for (Map.Entry<String, V> e : entries.entrySet()) {
            int hash = e.getKey().hashCode();
            int i = spread(hash) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = e.getKey();
            hashes[i] = hash;
            values[i] = e.getValue();
        }
    }

    /** The value stored under {@code s.substring(from, to)}, or null. */
    @SuppressWarnings("unchecked")
    @Nullable V get(String s, int from, int to) {
        // Same function as String.hashCode, so stored keys can use their cached hash.
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + s.charAt(i);
        }
        int length = to - from;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            String key = keys[i];
            if (key == null) {
                return null;
            }
            if (hashes[i] == hash && key.length() == length && s.regionMatches(from, key, 0, length)) {
                return (V) values[i];
            }
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    private static int spread(int hash) {
        return hash ^ hash >>> 16;
    }
}
