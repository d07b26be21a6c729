package io.archway.filter.compress;

import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.channel.ChannelHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content codings the gateway can produce, and which one a client's {@code Accept-Encoding} picks.
 * Brotli comes through Netty's encoder and brotli4j's native library; where that library does not load,
 * {@code br} is never chosen.
 */
enum Coding {
    IDENTITY(null),
    GZIP("gzip"),
    BR("br");

    private static final Logger log = LoggerFactory.getLogger(Coding.class);
    /** zlib's own default: most of the gain of 9 at a fraction of its cost. */
    private static final int GZIP_LEVEL = 6;
    /** brotli quality 4 (Netty's default): faster than gzip 6 and smaller. */
    private static final int BROTLI_QUALITY = 4;
    static final boolean BROTLI = brotliAvailable();

    final @Nullable String token;

    Coding(@Nullable String token) {
        this.token = token;
    }

    ChannelHandler newEncoder() {
        return switch (this) {
            case GZIP -> ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, GZIP_LEVEL);
            case BR -> new BrotliEncoder(StandardCompressionOptions.brotli(BROTLI_QUALITY, 22,
                    io.netty.handler.codec.compression.BrotliMode.TEXT));
            case IDENTITY -> throw new IllegalStateException("identity has no encoder");
        };
    }

    private static boolean brotliAvailable() {
        try {
            if (Brotli.isAvailable()) {
                return true;
            }
            log.info("brotli is not available here ({}); compress uses gzip only", String.valueOf(Brotli.cause()));
        } catch (LinkageError e) {
            log.info("brotli is not available here ({}); compress uses gzip only", e.toString());
        }
        return false;
    }

    /**
     * The coding for an {@code Accept-Encoding} value (RFC 9110 §12.5.3): the highest q above 0 among
     * gzip and br, {@code *} standing for those not named; br wins a tie. Null or empty: identity.
     */
    static Coding choose(@Nullable String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isEmpty()) {
            return IDENTITY;
        }
        float gzip = -1;
        float br = -1;
        float star = -1;
        int i = 0;
        int n = acceptEncoding.length();
        while (i < n) {
            int comma = acceptEncoding.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int semi = acceptEncoding.indexOf(';', i);
            int tokenEnd = semi >= 0 && semi < end ? semi : end;
            String coding = acceptEncoding.substring(i, tokenEnd).trim();
            float q = semi >= 0 && semi < end ? quality(acceptEncoding.substring(semi + 1, end)) : 1f;
            if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
                gzip = Math.max(gzip, q);
            } else if (coding.equalsIgnoreCase("br")) {
                br = Math.max(br, q);
            } else if (coding.equals("*")) {
                star = Math.max(star, q);
            }
            i = end + 1;
        }
        if (gzip < 0) {
            gzip = star;
        }
        if (br < 0) {
            br = star;
        }
        if (BROTLI && br > 0 && br >= gzip) {
            return BR;
        }
        return gzip > 0 ? GZIP : IDENTITY;
    }

    /** The q of {@code q=0.5} among a coding's parameters; unparseable counts as 0 (not acceptable). */
    private static float quality(String params) {
        for (String p : params.split(";")) {
            String t = p.trim();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                try {
                    float q = Float.parseFloat(t.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1f;
    }
}
