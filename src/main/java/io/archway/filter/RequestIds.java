package io.archway.filter;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 128 random bits as 32 hex digits, unique across nodes without coordination. */
public final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        byte[] out = new byte[32];
        for (int i = 15; i >= 0; i--) {
            out[i] = (byte) HEX[(int) (hi & 0xF)];
            hi >>>= 4;
            out[16 + i] = (byte) HEX[(int) (lo & 0xF)];
            lo >>>= 4;
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** DESIGN §2: a client's id is kept when it is 1–128 characters of {@code A-Za-z0-9._:-}. */
    public static boolean isValid(CharSequence id) {
        int n = id.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
