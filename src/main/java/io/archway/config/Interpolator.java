package io.archway.config;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in string values. An unset variable without a
 * default is a problem naming the variable and the path; {@code $$} stands for a literal {@code $}.
 * The placeholders that header filters fill in per request ({@code ${request_id}}, {@code ${consumer}},
 * {@code ${client_ip}}, {@code ${route}}, {@code ${header.NAME}}) are left as written for them.
 */
public final class Interpolator {
    /** Names filled in per request by the header filters, never taken from the environment. */
    public static final Set<String> RUNTIME_NAMES = Set.of("request_id", "consumer", "client_ip", "route");
    /** Prefix of the per-request placeholder naming a request header: {@code ${header.X-Tenant}}. */
    public static final String RUNTIME_HEADER_PREFIX = "header.";

    private final Function<String, String> lookup;

    public Interpolator(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public static Interpolator of(Map<String, String> env) {
        return new Interpolator(env::get);
    }

    public static Interpolator system() {
        return new Interpolator(System::getenv);
    }

    /** True when the text contains a placeholder, i.e. its written form differs from its value. */
    public static boolean hasPlaceholder(String text) {
        return text.contains("${");
    }

    public String expand(String text, ConfigPath path, Problems problems) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.invalid(path, text, "a closed placeholder like ${NAME} or ${NAME:-default}");
                    return text;
                }
                String inner = text.substring(i + 2, end);
                if (RUNTIME_NAMES.contains(inner) || inner.startsWith(RUNTIME_HEADER_PREFIX)) {
                    out.append(text, i, end + 1);
                    i = end + 1;
                    continue;
                }
                int sep = inner.indexOf(":-");
                String name = sep < 0 ? inner : inner.substring(0, sep);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.invalid(path, text, "a placeholder like ${NAME} or ${NAME:-default}");
                    return text;
                }
                String value = lookup.apply(name);
                if (value == null) {
                    if (sep < 0) {
                        problems.add(path, "environment variable " + name
                                + " is not set (expected: set it, or write ${" + name + ":-default})");
                        value = "";
                    } else {
                        value = inner.substring(sep + 2);
                    }
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
