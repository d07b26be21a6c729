package io.archway.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Reads a {@code filters} map, global or a route's, handing each filter's settings to the catalog. */
final class FiltersReader {
    private final FilterCatalog catalog;
    private final Interpolator env;

    FiltersReader(FilterCatalog catalog, Interpolator env) {
        this.catalog = catalog;
        this.env = env;
    }

    Map<String, FilterSpec> read(ConfigNode filters) {
        Map<String, FilterSpec> out = new LinkedHashMap<>();
        filters.entries().forEach((name, n) -> {
            FilterSpec spec = filter(name, n);
            if (spec != null) {
                out.put(name, spec);
            }
        });
        return out;
    }

    private @Nullable FilterSpec filter(String name, ConfigNode n) {
        if (!catalog.names().contains(name)) {
            n.problem("unknown filter (expected one of: " + String.join(", ", new TreeSet<>(catalog.names())) + ")");
            return null;
        }
        if (n.isBoolean() && !n.asBoolean(true)) {
            // Turning off a filter that cannot be on yet is harmless, and keeps a config written for
            // a later version loadable.
            return new FilterSpec.Disabled(name);
        }
        if (!catalog.isSupported(name)) {
            n.problem(Problems.quote(name) + " is not supported yet (expected one of: " + supported() + ")");
            return null;
        }
        ConfigNode settings = n;
        if (n.isMissing() || n.isBoolean()) {
            // "request_id: true" and a bare "request_id:" both mean: on, with its defaults.
            settings = new ConfigNode(JsonNodeFactory.instance.objectNode(), n.path(), n.problems(), env);
        } else if (!n.isObject()) {
            n.invalid("a map of settings, true or false");
            return null;
        }
        Object config;
        try {
            config = catalog.parse(name, settings);
        } catch (IllegalArgumentException e) {
            // The catalog should report through the node; this keeps "never throws on bad input" if one does not.
            String msg = e.getMessage() == null ? "" : e.getMessage();
            n.problem(msg.startsWith("expected: ") ? "invalid (" + msg + ")" : "invalid (expected: " + msg + ")");
            return null;
        }
        return config == null ? null : new FilterSpec.Enabled(name, config);
    }

    private String supported() {
        TreeSet<String> names = new TreeSet<>();
        for (String s : catalog.names()) {
            if (catalog.isSupported(s)) {
                names.add(s);
            }
        }
        return String.join(", ", names);
    }
}
