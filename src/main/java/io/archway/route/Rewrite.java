package io.archway.route;

import io.archway.config.ConfigPath;
import io.archway.config.Problems;
import io.archway.config.RouteConfig.RewriteConfig;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A route's {@code rewrite}, compiled: none, {@code strip_prefix}, or a {@code path} template filled from the
 * variables the match bound. Works on the normalised path; the query string is the caller's business.
 */
final class Rewrite {
    static final Rewrite NONE = new Rewrite(null, null, null);

    private final @Nullable String stripPrefix;
    /** Literal pieces of a path template; a variable goes between piece i and i + 1. */
    private final String @Nullable [] pieces;
    /** For each gap between pieces, the index of the variable in the match pattern. */
    private final int @Nullable [] variables;

    private Rewrite(@Nullable String stripPrefix, String @Nullable [] pieces, int @Nullable [] variables) {
        this.stripPrefix = stripPrefix;
        this.pieces = pieces;
        this.variables = variables;
    }

    /** Compiles a route's rewrite; reports a problem and returns null when it is invalid. */
    static @Nullable Rewrite compile(@Nullable RewriteConfig config, PathPattern match, ConfigPath at,
                                     Problems problems) {
        if (config == null || config.stripPrefix() == null && config.path() == null) {
            return NONE;
        }
        if (config.stripPrefix() != null && config.path() != null) {
            problems.add(at, "has both strip_prefix and path (expected: one of them)");
            return null;
        }
        if (config.stripPrefix() != null) {
            return stripPrefix(config.stripPrefix(), at.field("strip_prefix"), problems);
        }
        return template(config.path(), match, at.field("path"), problems);
    }

    private static @Nullable Rewrite stripPrefix(String prefix, ConfigPath at, Problems problems) {
        String trimmed = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!isNormal(trimmed)) {
            problems.invalid(at, prefix, "a normalised path like /api");
            return null;
        }
        return trimmed.equals("/") ? NONE : new Rewrite(trimmed, null, null);
    }

    private static @Nullable Rewrite template(String text, PathPattern match, ConfigPath at, Problems problems) {
        List<String> names = match.variableNames();
        String expected = "a normalised path like /v2/users/{id}, with variables from match.path"
                + (names.isEmpty() ? " (it has none)" : " (" + String.join(", ", names) + ")");
        List<String> pieces = new ArrayList<>();
        List<Integer> variables = new ArrayList<>();
        StringBuilder check = new StringBuilder();
        int from = 0;
        while (true) {
            int open = text.indexOf('{', from);
            int closeBefore = text.indexOf('}', from);
            if (open < 0) {
                if (closeBefore >= 0) {
                    problems.invalid(at, text, expected);
                    return null;
                }
                break;
            }
            int close = text.indexOf('}', open);
            int index = close < 0 ? -1 : names.indexOf(text.substring(open + 1, close));
            if (closeBefore < open || index < 0) {
                problems.invalid(at, text, expected);
                return null;
            }
            pieces.add(text.substring(from, open));
            variables.add(index);
            // A stand-in for the value, so that the normal-form check below sees a path a request could have.
            check.append(text, from, open).append('x');
            from = close + 1;
        }
        pieces.add(text.substring(from));
        check.append(text, from, text.length());
        if (!isNormal(check.toString())) {
            problems.invalid(at, text, expected);
            return null;
        }
        return new Rewrite(null, pieces.toArray(new String[0]), variables.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isNormal(String path) {
        try {
            return PathNormalizer.normalize(path).equals(path);
        } catch (BadPathException e) {
            return false;
        }
    }

    /**
     * The path to send upstream for a request on {@code path}; {@code bounds} holds start and end of each bound
     * variable's segment in {@code path}, in pattern order.
     */
    String apply(String path, int[] bounds) {
        if (stripPrefix != null) {
            if (path.startsWith(stripPrefix)) {
                if (path.length() == stripPrefix.length()) {
                    return "/";
                }
                if (path.charAt(stripPrefix.length()) == '/') {
                    return path.substring(stripPrefix.length());
                }
            }
            return path;
        }
        String[] p = pieces;
        int[] v = variables;
        if (p == null || v == null) {
            return path;
        }
        if (v.length == 0) {
            return p[0];
        }
        StringBuilder out = new StringBuilder(path.length() + 16).append(p[0]);
        for (int i = 0; i < v.length; i++) {
            out.append(path, bounds[2 * v[i]], bounds[2 * v[i] + 1]).append(p[i + 1]);
        }
        return out.toString();
    }
}
