package io.archway.upstream.balancer;

import io.archway.config.UpstreamConfig.HashOn;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The keys of the hash balancers, hashed straight from the request's own strings: a header value, a
 * cookie or a query parameter is found by scanning, never by splitting into new strings.
 */
final class Hashing {
    /** No key in the request: the balancer falls back to round robin. Never the hash of a real key. */
    static final long MISSING = 0;

    private Hashing() {}

    static long key(HashOn on, RequestContext ctx) {
        return switch (on.source()) {
            case IP -> chars(ctx.clientIp());
            case PATH -> chars(ctx.path());
            case HEADER -> chars(ctx.request().headers().get(on.name()));
            case COOKIE -> cookie(ctx.request().headers().get(HttpHeaderNames.COOKIE), on.name());
            case QUERY -> query(ctx.rawQuery(), on.name());
        };
    }

    static long chars(CharSequence s) {
        return s == null ? MISSING : chars(s, 0, s.length());
    }

    /** FNV-1a over the UTF-16 units of {@code s[from, to)}, then a finaliser so nearby keys spread out. */
    static long chars(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        long m = mix(h);
        return m == MISSING ? 1 : m;
    }

    /** The 64-bit finaliser of MurmurHash3. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b=2}). */
    static long cookie(String header, String name) {
        if (header == null) {
            return MISSING;
        }
        int i = 0;
        int len = header.length();
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = len;
            }
            if (header.startsWith(name, i) && i + name.length() < end && header.charAt(i + name.length()) == '=') {
                return chars(header, i + name.length() + 1, end);
            }
            i = end + 1;
        }
        return MISSING;
    }

    /** The raw (still percent-encoded) value of query parameter {@code name}. */
    static long query(String query, String name) {
        if (query == null) {
            return MISSING;
        }
        int i = 0;
        int len = query.length();
        while (i <= len) {
            int end = query.indexOf('&', i);
            if (end < 0) {
                end = len;
            }
            int after = i + name.length();
            if (after <= end && query.startsWith(name, i)) {
                if (after == end) {
                    return chars(query, after, end);
                }
                if (query.charAt(after) == '=') {
                    return chars(query, after + 1, end);
                }
            }
            i = end + 1;
        }
        return MISSING;
    }
}
