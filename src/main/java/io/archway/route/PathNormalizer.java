package io.archway.route;

/**
 * Brings a request path into the one form that routes are matched against and upstreams receive
 * (DESIGN §7 "Paths"), so that no spelling of a path reaches a route its decoded form would not match.
 *
 * <p>The rules, applied in one pass:
 * <ul>
 *   <li>percent-encoded unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded, so {@code %2E} is a dot
 *       before dot segments are resolved; other percent-encodings stay, with upper-case hex;
 *   <li>{@code %2F}, {@code %5C}, {@code %00}, a literal {@code \}, a {@code #}, control characters (including DEL)
 *       and broken percent-encodings are rejected;
 *   <li>characters that RFC 3986 does not allow in a path (space, {@code " < > [ ] ^ ` { | } ?} and non-ASCII)
 *       are percent-encoded. Characters U+0080..U+00FF stand for the byte they were decoded from (Netty reads
 *       the request line as ISO-8859-1), characters above U+00FF are encoded as UTF-8;
 *   <li>repeated slashes are merged, {@code .} and {@code ..} segments resolved ({@code ..} above the root stays at
 *       the root), and a trailing slash kept.
 * </ul>
 * The result is idempotent: normalising a normalised path returns it unchanged.
 */
public final class PathNormalizer {
    private static final byte REJECT = 0;
    private static final byte KEEP = 1;
    private static final byte ENCODE = 2;
    /** What to do with each ASCII character met outside a percent-encoding; '/' and '%' are handled apart. */
    private static final byte[] ASCII = new byte[128];
    private static final boolean[] UNRESERVED = new boolean[128];
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = c < 0x20 || c == 0x7F ? REJECT : ENCODE;
        }
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".toCharArray()) {
            UNRESERVED[c] = true;
            ASCII[c] = KEEP;
        }
        for (char c : "!$&'()*+,;=:@".toCharArray()) {
            ASCII[c] = KEEP;
        }
        ASCII['\\'] = REJECT;
        ASCII['#'] = REJECT;
    }

    private PathNormalizer() {}

    /**
     * Returns the normalised form of {@code rawPath} (the request-target's path, without the query); when the path
     * is already normal, the very same instance, without allocating.
     *
     * @throws BadPathException when the path must be answered with 400
     */
    public static String normalize(String rawPath) throws BadPathException {
        if (isNormal(rawPath)) {
            return rawPath;
        }
        return resolve(rawPath);
    }

    /**
     * Normalises one segment of a path written in the config: percent-encodings as in {@link #normalize}, and
     * characters above U+007F encoded as UTF-8, since YAML gives real characters rather than bytes. Dot
     * segments are left to the caller.
     */
    static String normalizeSegment(String segment) throws BadPathException {
        StringBuilder out = new StringBuilder(segment.length() + 8);
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/') {
                throw new BadPathException("slash inside a segment");
            }
            i = appendNormalized(segment, i, out, false);
        }
        return out.toString();
    }

    private static boolean isNormal(String path) {
        int length = path.length();
        if (length == 0 || path.charAt(0) != '/') {
            return false;
        }
        int segmentStart = 1;
        for (int i = 1; i < length; i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i == segmentStart || isDotSegment(path, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c == '%') {
                int b = hexByte(path, i);
                if (b < 0 || b < 128 && UNRESERVED[b] || isForbiddenByte(b)
                        || !isUpperHex(path.charAt(i + 1)) || !isUpperHex(path.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c >= 128 || ASCII[c] != KEEP) {
                return false;
            }
        }
        return !isDotSegment(path, segmentStart, length);
    }

    private static String resolve(String raw) throws BadPathException {
        int length = raw.length();
        if (length == 0 || raw.charAt(0) != '/') {
            throw new BadPathException("path does not start with /");
        }
        StringBuilder out = new StringBuilder(length + 8).append('/');
        // out always holds resolved segments each followed by '/', then the current segment from segmentStart.
        int segmentStart = 1;
        for (int i = 1; i < length; i++) {
            if (raw.charAt(i) == '/') {
                segmentStart = closeSegment(out, segmentStart, true);
            } else {
                i = appendNormalized(raw, i, out, true);
            }
        }
        closeSegment(out, segmentStart, false);
        return out.toString();
    }

    /** Resolves the segment that ends here; returns where the next one starts. */
    private static int closeSegment(StringBuilder out, int segmentStart, boolean slashFollows) {
        int n = out.length() - segmentStart;
        if (n == 1 && out.charAt(segmentStart) == '.') {
            out.setLength(segmentStart);
        } else if (n == 2 && out.charAt(segmentStart) == '.' && out.charAt(segmentStart + 1) == '.') {
            out.setLength(segmentStart);
            if (segmentStart > 1) {
                // Drop the previous segment; at the root there is none, and RFC 3986 keeps "/.." at "/".
                out.setLength(out.lastIndexOf("/", segmentStart - 2) + 1);
            }
        } else if (n > 0 && slashFollows) {
            out.append('/');
        }
        return out.length();
    }

    /** Appends the normalised form of the character (or percent-encoding) at {@code i}; returns its last index. */
    private static int appendNormalized(String s, int i, StringBuilder out, boolean charsAreBytes)
            throws BadPathException {
        char c = s.charAt(i);
        if (c == '%') {
            int b = hexByte(s, i);
            if (b < 0) {
                throw new BadPathException("invalid percent-encoding");
            }
            if (b == '/') {
                throw new BadPathException("encoded slash");
            }
            if (b == '\\') {
                throw new BadPathException("encoded backslash");
            }
            if (b == 0) {
                throw new BadPathException("encoded NUL");
            }
            if (b < 128 && UNRESERVED[b]) {
                out.append((char) b);
            } else {
                appendEncoded(out, b);
            }
            return i + 2;
        }
        if (c < 128) {
            switch (ASCII[c]) {
                case KEEP -> out.append(c);
                case ENCODE -> appendEncoded(out, c);
                default -> throw new BadPathException(c == '\\' ? "backslash" : c == '#' ? "fragment" : "control character");
            }
            return i;
        }
        if (charsAreBytes && c <= 0xFF) {
            appendEncoded(out, c);
            return i;
        }
        int codePoint = s.codePointAt(i);
        if (Character.isSurrogate((char) codePoint)) {
            throw new BadPathException("unpaired surrogate");
        }
        appendUtf8(out, codePoint);
        return i + Character.charCount(codePoint) - 1;
    }

    private static void appendUtf8(StringBuilder out, int cp) {
        if (cp < 0x80) {
            appendEncoded(out, cp);
        } else if (cp < 0x800) {
            appendEncoded(out, 0xC0 | cp >> 6);
            appendEncoded(out, 0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            appendEncoded(out, 0xE0 | cp >> 12);
            appendEncoded(out, 0x80 | cp >> 6 & 0x3F);
            appendEncoded(out, 0x80 | cp & 0x3F);
        } else {
            appendEncoded(out, 0xF0 | cp >> 18);
            appendEncoded(out, 0x80 | cp >> 12 & 0x3F);
            appendEncoded(out, 0x80 | cp >> 6 & 0x3F);
            appendEncoded(out, 0x80 | cp & 0x3F);
        }
    }

    private static void appendEncoded(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
    }

    private static boolean isDotSegment(String s, int start, int end) {
        int n = end - start;
        return n == 1 && s.charAt(start) == '.' || n == 2 && s.charAt(start) == '.' && s.charAt(start + 1) == '.';
    }

    private static boolean isForbiddenByte(int b) {
        return b == '/' || b == '\\' || b == 0;
    }

    /** The byte of the percent-encoding at {@code i}, or -1 when two hex digits do not follow. */
    private static int hexByte(String s, int i) {
        if (i + 2 >= s.length()) {
            return -1;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        // Character.digit also accepts non-ASCII digits (e.g. fullwidth ones); those are not hex here.
        if (hi < 0 || lo < 0 || s.charAt(i + 1) >= 128 || s.charAt(i + 2) >= 128) {
            return -1;
        }
        return hi << 4 | lo;
    }

    private static boolean isUpperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }
}
