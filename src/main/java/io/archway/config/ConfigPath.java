package io.archway.config;

/**
 * Where a value sits in the YAML file, written as DESIGN §7 says: {@code routes[2].filters.rate_limit.per}.
 * Immutable; each step returns a new path.
 */
public final class ConfigPath {
    private static final ConfigPath ROOT = new ConfigPath("");
    private final String text;

    private ConfigPath(String text) {
        this.text = text;
    }

    public static ConfigPath root() {
        return ROOT;
    }

    public ConfigPath field(String name) {
        return new ConfigPath(text.isEmpty() ? name : text + "." + name);
    }

    public ConfigPath index(int i) {
        return new ConfigPath(text + "[" + i + "]");
    }

    public boolean isRoot() {
        return text.isEmpty();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "(root)" : text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigPath p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
