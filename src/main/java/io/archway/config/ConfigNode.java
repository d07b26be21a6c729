package io.archway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A YAML node being read, together with its path. Readers never throw on bad input: they report a
 * problem with the path and return the default, so that one load reports every problem at once.
 * String values have {@code ${NAME}} / {@code ${NAME:-default}} expanded from the environment.
 */
public final class ConfigNode {
    private final JsonNode node;
    private final ConfigPath path;
    private final Problems problems;
    private final Interpolator env;

    public ConfigNode(JsonNode node, ConfigPath path, Problems problems, Interpolator env) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
        this.env = env;
    }

    public ConfigPath path() {
        return path;
    }

    public Problems problems() {
        return problems;
    }

    /** The raw tree, placeholders unexpanded. */
    public JsonNode raw() {
        return node;
    }

    /** Absent, or written as {@code null} / {@code ~}. */
    public boolean isMissing() {
        return node.isMissingNode() || node.isNull();
    }

    public boolean isObject() {
        return node.isObject();
    }

    public boolean isArray() {
        return node.isArray();
    }

    public boolean isBoolean() {
        return node.isBoolean();
    }

    /** Reports {@code <path>: <this value> (expected: ...)}. */
    public void invalid(String expected) {
        problems.add(path, display() + " (expected: " + expected + ")");
    }

    /** Reports {@code <path>: <message>}. */
    public void problem(String message) {
        problems.add(path, message);
    }

    /**
     * Checks that this is a map whose keys are all among {@code allowed}; each unknown key is reported
     * (a typo must not silently disable a setting). Returns false, after reporting, when not a map.
     */
    public boolean expectObject(String... allowed) {
        if (isMissing()) {
            return false;
        }
        if (!node.isObject()) {
            invalid("a map with keys " + String.join(", ", allowed));
            return false;
        }
        List<String> keys = Arrays.asList(allowed);
        node.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                problems.add(path.field(k), "unknown key (expected one of: " + String.join(", ", allowed) + ")");
            }
        });
        return true;
    }

    public ConfigNode get(String key) {
        return new ConfigNode(node.isObject() ? node.get(key) : null, path.field(key), problems, env);
    }

    /** The entries of a map, in file order; reports when this is present but not a map. */
    public Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (isMissing()) {
            return out;
        }
        if (!node.isObject()) {
            invalid("a map");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.put(e.getKey(), new ConfigNode(e.getValue(), path.field(e.getKey()), problems, env));
        }
        return out;
    }

    /** The items of a list; reports when this is present but not a list. */
    public List<ConfigNode> items() {
        List<ConfigNode> out = new ArrayList<>();
        if (isMissing()) {
            return out;
        }
        if (!node.isArray()) {
            invalid("a list");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(node.get(i), path.index(i), problems, env));
        }
        return out;
    }

    /** The items of a list, or this node alone when it is a single value ("one address, or a list"). */
    public List<ConfigNode> itemsOrSingle() {
        if (node.isArray()) {
            return items();
        }
        List<ConfigNode> out = new ArrayList<>();
        if (!isMissing()) {
            out.add(this);
        }
        return out;
    }

    /** This scalar as a string with placeholders expanded; null when missing or not a scalar (reported). */
    public @Nullable String asString() {
        return text("a single value");
    }

    /** Like {@link #asString()}, but a list or map is reported as not being {@code expected}. */
    public @Nullable String text(String expected) {
        if (isMissing()) {
            return null;
        }
        if (!node.isValueNode()) {
            invalid(expected);
            return null;
        }
        return env.expand(node.asText(), path, problems);
    }

    /** The string, or null when missing or empty; empty is reported unless an unset ${VAR} already was. */
    public @Nullable String nonEmptyText(String expected) {
        int before = problems.size();
        String s = text(expected);
        if (s != null && s.isEmpty()) {
            if (problems.size() == before) {
                invalid(expected);
            }
            return null;
        }
        return s;
    }

    public String asString(String def) {
        String s = asString();
        return s == null ? def : s;
    }

    /** Like {@link #asString()}, but a missing value is reported as required. */
    public @Nullable String requiredString(String expected) {
        if (isMissing()) {
            problems.add(path, "missing (expected: " + expected + ")");
            return null;
        }
        return text(expected);
    }

    public int asInt(int def, int min, int max) {
        if (isMissing()) {
            return def;
        }
        String s = text("an integer in " + min + ".." + max);
        if (s == null) {
            return def;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        invalid("an integer in " + min + ".." + max);
        return def;
    }

    public boolean asBoolean(boolean def) {
        if (isMissing()) {
            return def;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        String s = asString();
        if ("true".equals(s)) {
            return true;
        }
        if ("false".equals(s)) {
            return false;
        }
        invalid("true or false");
        return def;
    }

    public Duration asDuration(Duration def) {
        return parsed(def, Units::parseDuration, Units.DURATION_EXPECTED);
    }

    /** A duration that must be above zero, for timeouts and intervals where 0 would mean "never" or "always". */
    public Duration asPositiveDuration(Duration def) {
        int before = problems.size();
        Duration d = asDuration(def);
        if (d.isZero() && problems.size() == before) {
            invalid("a duration above 0 like 250ms, 2s, 1m or 1h");
            return def;
        }
        return d;
    }

    /**
     * One of an enum's constants, written in lower case as YAML keys are ({@code least_request} for
     * {@code LEAST_REQUEST}).
     */
    public <E extends Enum<E>> E asEnum(E def) {
        E[] all = def.getDeclaringClass().getEnumConstants();
        List<String> names = new ArrayList<>();
        for (E e : all) {
            names.add(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        String expected = "one of " + String.join(", ", names);
        String s = text(expected);
        if (s == null) {
            return def;
        }
        int i = names.indexOf(s);
        if (i < 0) {
            invalid(expected);
            return def;
        }
        return all[i];
    }

    /** A size in bytes. */
    public long asSize(long def) {
        return parsed(def, Units::parseSize, Units.SIZE_EXPECTED);
    }

    /** Parses the string value with {@code parser}, which throws IllegalArgumentException with the expectation. */
    public <T> T parsed(T def, Function<String, T> parser, String expected) {
        if (isMissing()) {
            return def;
        }
        if (!node.isValueNode()) {
            invalid(expected);
            return def;
        }
        String s = asString();
        if (s == null) {
            return def;
        }
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            invalid(msg == null ? expected : msg.startsWith("expected: ") ? msg.substring(10) : msg);
            return def;
        }
    }

    /** A list of strings (a single string counts as a one-item list). */
    public List<String> asStrings() {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : itemsOrSingle()) {
            String s = item.asString();
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A map of string to string, e.g. header values. */
    public Map<String, String> asStringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        entries().forEach((k, v) -> {
            String s = v.asString();
            if (s != null) {
                out.put(k, s);
            }
        });
        return out;
    }

    /**
     * How the value is shown in an error: strings quoted and as written (placeholders unexpanded, so
     * an error never prints an expanded secret), other scalars bare, lists and maps by kind.
     */
    String display() {
        if (node.isMissingNode()) {
            return "missing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return Problems.quote(node.asText());
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.isEmpty()) {
            return node.isArray() ? "[]" : "{}";
        }
        return node.isArray() ? "a list" : "a map";
    }
}
