package io.archway.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A filter catalog for config tests: it knows a few names, some of them not built yet, and
 * parses {@code request_id} like the real one would ({@code {header: X-Request-Id}}).
 */
final class FakeFilterCatalog implements FilterCatalog {
    private final Set<String> supported;
    private final Set<String> names;

    private FakeFilterCatalog(List<String> supported, List<String> unsupported) {
        this.supported = new LinkedHashSet<>(supported);
        this.names = new LinkedHashSet<>(supported);
        this.names.addAll(unsupported);
    }

    /** request_id, access_log, jwt and cache work; rate_limit is known but not built yet. */
    static FakeFilterCatalog standard() {
        return new FakeFilterCatalog(List.of("request_id", "access_log", "jwt", "cache"), List.of("rate_limit"));
    }

    /** Every filter of the DESIGN §2 example works. */
    static FakeFilterCatalog everything() {
        return new FakeFilterCatalog(List.of("request_id", "access_log", "jwt", "cache", "rate_limit"), List.of());
    }

    record RequestIdConfig(String header) {}

    /** What the fake makes of filters it has no record for: their settings, as written. */
    record Settings(String json) {}

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public boolean isSupported(String name) {
        return supported.contains(name);
    }

    @Override
    public Object parse(String name, ConfigNode node) {
        if (name.equals("request_id")) {
            node.expectObject("header");
            return new RequestIdConfig(node.get("header").asString("X-Request-Id"));
        }
        if (name.equals("cache")) {
            node.expectObject("ttl", "methods", "vary", "max_body", "shared");
            node.get("ttl").asDuration(java.time.Duration.ofSeconds(30));
        }
        return new Settings(node.raw().toString());
    }
}
