package io.archway.filter;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 128 random bits as 32 hex digits, unique across nodes without coordination. */
public final class RequestIds {
    /** Lower-case digits; its formatHex makes the string straight from the digits it writes, without a copy. */
    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {}

    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        byte[] bits = new byte[16];
        for (int i = 7; i >= 0; i--) {
            bits[i] = (byte) hi;
            hi >>>= 8;
            bits[8 + i] = (byte) lo;
            lo >>>= 8;
        }
        return HEX.formatHex(bits);
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
