package io.archway.route;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A route's {@code match.path}: exact ({@code /a/b}), template ({@code /users/{id}}, each {@code {name}} binding one
 * whole, non-empty segment) or prefix ({@code /x/**}, matching {@code /x}, {@code /x/} and everything below).
 * Literal segments are held in the form {@link PathNormalizer} gives request paths, so {@code /a/%7e} and
 * {@code /a/~} are the same pattern. Immutable.
 */
public final class PathPattern {
    /** The three kinds, in the order their routes are tried. */
    public enum Kind { EXACT, TEMPLATE, PREFIX }

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String text;
    private final Kind kind;
    /** Segments after the leading slash; null where a variable stands. A prefix's {@code **} is not included. */
    private final @Nullable String[] segments;
    private final List<String> variableNames;
    private final String shape;

    private PathPattern(String text, Kind kind, @Nullable String[] segments, List<String> variableNames) {
        this.text = text;
        this.kind = kind;
        this.segments = segments;
        this.variableNames = variableNames;
        StringBuilder b = new StringBuilder();
        for (String segment : segments) {
            b.append('/').append(segment == null ? "{}" : segment);
        }
        if (kind == Kind.PREFIX) {
            b.append("/**");
        }
        this.shape = b.toString();
    }

    /**
     * Parses a {@code match.path} as written in the config.
     *
     * @throws IllegalArgumentException with a message {@code "<path>" (expected: ...)} when the syntax is wrong
     */
    public static PathPattern parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw invalid(text, "a path starting with /");
        }
        String[] raw = text.substring(1).split("/", -1);
        List<@Nullable String> segments = new ArrayList<>(raw.length);
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean prefix = false;
        for (int i = 0; i < raw.length; i++) {
            String s = raw[i];
            boolean last = i == raw.length - 1;
            if (s.equals("**")) {
                if (!last) {
                    throw invalid(text, "** only as the last segment, as in /api/**");
                }
                prefix = true;
            } else if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                String name = s.substring(1, s.length() - 1);
                if (!VARIABLE_NAME.matcher(name).matches()) {
                    throw invalid(text, "variable names like {user_id}: a letter or _, then letters, digits or _");
                }
                if (!seen.add(name)) {
                    throw invalid(text, "each variable name once, {" + name + "} is repeated");
                }
                names.add(name);
                segments.add(null);
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw invalid(text, "{name} as a whole segment, as in /users/{id}");
            } else if (!s.isEmpty() && s.chars().allMatch(c -> c == '*')) {
                throw invalid(text, "/** at the end for a prefix, or {name} for one segment");
            } else if (s.isEmpty() && !last) {
                throw invalid(text, "no empty segments (//)");
            } else {
                segments.add(literal(text, s));
            }
        }
        if (prefix && !names.isEmpty()) {
            throw invalid(text, "either {name} segments or a /** suffix, not both");
        }
        Kind kind = prefix ? Kind.PREFIX : names.isEmpty() ? Kind.EXACT : Kind.TEMPLATE;
        return new PathPattern(text, kind, segments.toArray(new String[0]), List.copyOf(names));
    }

    private static String literal(String text, String segment) {
        String normal;
        try {
            normal = PathNormalizer.normalizeSegment(segment);
        } catch (BadPathException e) {
            throw invalid(text, "a path a request could reach, not one with: " + e.getMessage());
        }
        if (normal.equals(".") || normal.equals("..")) {
            throw invalid(text, "no . or .. segments");
        }
        return normal;
    }

    private static IllegalArgumentException invalid(@Nullable String text, String expected) {
        return new IllegalArgumentException(quote(text) + " (expected: " + expected + ")");
    }

    static String quote(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    /** The pattern as written in the config. */
    public String text() {
        return text;
    }

    public Kind kind() {
        return kind;
    }

    /** The variable names of a template, in path order; empty for other kinds. */
    public List<String> variableNames() {
        return variableNames;
    }

    /**
     * The pattern with variables written {@code {}} and literals normalised: two patterns with the same shape match
     * the same paths. For an exact pattern this is the normalised path itself.
     */
    public String shape() {
        return shape;
    }

    /** Segment {@code i} after the leading slash; null for a variable. */
    @Nullable String segment(int i) {
        return segments[i];
    }

    int segmentCount() {
        return segments.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
