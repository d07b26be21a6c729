package io.archway.filter.cache;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A stored response: status, headers as the upstream sent them (less Age and the framing), the body,
 * and when it was stored. Immutable once stored, read from every event loop at once.
 */
final class CachedResponse {
    /** Headers a 304 repeats from the stored response (RFC 9110 §15.4.5). */
    private static final AsciiString[] NOT_MODIFIED_HEADERS = {HttpHeaderNames.CACHE_CONTROL,
            HttpHeaderNames.CONTENT_LOCATION, HttpHeaderNames.DATE, HttpHeaderNames.ETAG, HttpHeaderNames.EXPIRES,
            HttpHeaderNames.VARY, HttpHeaderNames.LAST_MODIFIED};
    static final AsciiString X_CACHE = AsciiString.cached("X-Cache");
    static final String HIT = "HIT";

    final int status;
    final HttpHeaders headers;
    final byte[] body;
    /** A HEAD answer: no body, and its Content-Length describes the GET body. */
    final boolean head;
    final long storedNanos;
    final long initialAgeSeconds;
    final long expiresNanos;
    final @Nullable String etag;
    final long lastModifiedMillis;

    CachedResponse(int status, HttpHeaders headers, byte[] body, boolean head, long storedNanos,
                   long initialAgeSeconds, long expiresNanos, @Nullable String etag, long lastModifiedMillis) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.head = head;
        this.storedNanos = storedNanos;
        this.initialAgeSeconds = initialAgeSeconds;
        this.expiresNanos = expiresNanos;
        this.etag = etag;
        this.lastModifiedMillis = lastModifiedMillis;
    }

    boolean isFresh(long nowNanos) {
        return nowNanos - expiresNanos < 0;
    }

    long ageSeconds(long nowNanos) {
        return initialAgeSeconds + Math.max(0, nowNanos - storedNanos) / 1_000_000_000L;
    }

    /** The response for a hit; its body is a view of the stored bytes, nothing to release. */
    FullHttpResponse toResponse(long nowNanos) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        HttpHeaders h = r.headers();
        h.set(headers);
        if (!head && status != 204) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        h.set(HttpHeaderNames.AGE, Long.toString(ageSeconds(nowNanos)));
        h.set(X_CACHE, HIT);
        return r;
    }

    /** A 304 for a conditional request this response satisfies. */
    FullHttpResponse toNotModified(long nowNanos) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders h = r.headers();
        for (AsciiString name : NOT_MODIFIED_HEADERS) {
            for (String v : headers.getAll(name)) {
                h.add(name, v);
            }
        }
        h.set(HttpHeaderNames.AGE, Long.toString(ageSeconds(nowNanos)));
        h.set(X_CACHE, HIT);
        return r;
    }

    /** Bytes this entry holds, roughly: what the cache's byte bound counts. */
    int weight(String key) {
        long w = 256L + body.length + 2L * key.length();
        for (Map.Entry<String, String> e : headers) {
            w += 48 + 2L * (e.getKey().length() + e.getValue().length());
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }
}
