package io.archway.filter.auth;

import io.archway.filter.RequestContext;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Records who is calling: on the context (rate limits, logs) and in {@code X-Consumer} for the upstream. */
public final class Identity {
    public static final AsciiString X_CONSUMER = AsciiString.cached("X-Consumer");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Identity() {}

    public static void set(RequestContext ctx, String consumer, List<String> groups) {
        ctx.consumer(consumer, groups);
        ctx.request().headers().set(X_CONSUMER, headerValue(consumer));
    }

    /**
     * A value that is safe in a header: printable ASCII as it is; '%', control characters and anything
     * beyond ASCII percent-encoded as UTF-8. A claim comes from a token, and Netty writes each char as one
     * byte, so U+010A would otherwise reach the upstream as a line feed.
     */
    public static String headerValue(String value) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '%') {
                break;
            }
            i++;
        }
        if (i == n) {
            return value;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(value, 0, i);
        byte[] rest = value.substring(i).getBytes(StandardCharsets.UTF_8);
        for (byte b : rest) {
            int c = b & 0xFF;
            if (c < 0x20 || c > 0x7E || c == '%') {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
