package io.archway.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 250ms, 2s, 1m, 1h, 1d}) and sizes ({@code 512B, 64KB, 10MB, 1GB}, powers of 1024). */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|k|m|g|kib|mib|gib)?");

    public static final String DURATION_EXPECTED = "a duration like 250ms, 2s, 1m or 1h";
    public static final String SIZE_EXPECTED = "a size like 512B, 64KB or 10MB";

    private Units() {}

    /** Parses a duration; throws IllegalArgumentException when it is not one. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(DURATION_EXPECTED);
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DURATION_EXPECTED);
        }
        try {
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException(DURATION_EXPECTED);
            };
            // Callers turn durations into millis or nanos; one that cannot be is a typo, not a wish.
            d.toNanos();
            return d;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(DURATION_EXPECTED);
        }
    }

    /** Parses a size in bytes; a bare number is bytes. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(SIZE_EXPECTED);
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SIZE_EXPECTED);
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long mult = switch (unit) {
            case "b" -> 1L;
            case "kb", "k", "kib" -> 1024L;
            case "mb", "m", "mib" -> 1024L * 1024;
            case "gb", "g", "gib" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException(SIZE_EXPECTED);
        };
        if (n > Long.MAX_VALUE / mult) {
            throw new IllegalArgumentException(SIZE_EXPECTED);
        }
        return n * mult;
    }

    /** Renders a duration the way a config would write it. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0 && ms != 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms != 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
