package io.archway.filter.auth.jwt;

import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Tokens already verified, so that a client sending the same token again costs a map lookup instead
 * of a signature check (tens of microseconds for RS256, more for ES256). Bounded: when full, expired
 * entries go, and if that is not enough, all of them. Only tokens that passed are kept.
 */
final class TokenCache {
    static final int MAX_ENTRIES = 4096;
    /** Larger tokens are verified every time rather than held: memory stays bounded by ~16 MB. */
    static final int MAX_TOKEN_CHARS = 4096;

    private final ConcurrentHashMap<Key, Verified> entries = new ConcurrentHashMap<>();

    @Nullable Verified get(String token) {
        return token.length() > MAX_TOKEN_CHARS ? null : entries.get(new Key(token));
    }

    void put(String token, Verified v, long nowSeconds) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> e.expiresAt() < nowSeconds);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(new Key(token), v);
    }

    int size() {
        return entries.size();
    }

    /**
     * A token as a map key, compared in constant time: the lookup must not reveal, by how long it
     * takes, how much of a guessed token matches one that is cached.
     */
    private static final class Key {
        private final String token;

        Key(String token) {
            this.token = token;
        }

        @Override
        public int hashCode() {
            return token.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k) || k.token.length() != token.length()) {
                return false;
            }
            String a = token;
            String b = k.token;
            int diff = 0;
            for (int i = 0; i < a.length(); i++) {
                diff |= a.charAt(i) ^ b.charAt(i);
            }
            return diff == 0;
        }
    }
}
