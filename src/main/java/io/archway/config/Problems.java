package io.archway.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every config problem of one load, so that all of them are reported at once. */
public final class Problems {
    private final List<String> lines = new ArrayList<>();

    /** Adds {@code <path>: <message>}. */
    public void add(ConfigPath path, String message) {
        lines.add(path + ": " + message);
    }

    /** Adds a line that belongs to no path, such as a YAML syntax error that names its line and column. */
    public void addLine(String line) {
        lines.add(line);
    }

    /** Adds {@code <path>: <value> (expected: <expected>)}, the shape every value error takes. */
    public void invalid(ConfigPath path, Object value, String expected) {
        add(path, quote(value) + " (expected: " + expected + ")");
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public int size() {
        return lines.size();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Throws a ConfigException listing every problem, if there is any. */
    public void throwIfAny(String source) throws ConfigException {
        if (!lines.isEmpty()) {
            throw new ConfigException(source, lines);
        }
    }

    static String quote(Object value) {
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
        }
        return String.valueOf(value);
    }
}
