package io.archway.filter.cache;

import io.archway.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cache} settings: {@code ttl} when the upstream gives no freshness of its own, the methods
 * to cache (GET, HEAD), request headers that split the key ({@code vary}), and the largest body stored.
 */
public record CacheConfig(Duration ttl, Set<String> methods, List<String> vary, long maxBody) {
    static final long DEFAULT_MAX_BODY = 1024 * 1024;

    public static @Nullable CacheConfig parse(ConfigNode node) {
        if (!node.expectObject("ttl", "methods", "vary", "max_body", "shared")) {
            node.invalid("a map like {ttl: 30s}");
            return null;
        }
        int before = node.problems().size();
        ConfigNode ttlNode = node.get("ttl");
        if (ttlNode.isMissing()) {
            ttlNode.problem("missing (expected: a duration like 30s, used when the upstream sets no freshness;"
                    + " 0s caches only what the upstream marks fresh)");
        }
        Duration ttl = ttlNode.asDuration(Duration.ZERO);
        Set<String> methods = new LinkedHashSet<>();
        ConfigNode methodsNode = node.get("methods");
        for (ConfigNode m : methodsNode.itemsOrSingle()) {
            String s = m.text("GET or HEAD");
            if (s == null) {
                continue;
            }
            String upper = s.toUpperCase(Locale.ROOT);
            if (upper.equals("GET") || upper.equals("HEAD")) {
                methods.add(upper);
            } else {
                m.invalid("GET or HEAD");
            }
        }
        if (methodsNode.isMissing()) {
            methods = Set.of("GET", "HEAD");
        }
        List<String> vary = new ArrayList<>();
        for (ConfigNode v : node.get("vary").itemsOrSingle()) {
            String s = v.text("a header name like Accept-Language");
            if (s == null) {
                continue;
            }
            if (!io.archway.config.Syntax.isToken(s)) {
                v.invalid("a header name like Accept-Language");
            } else {
                vary.add(s.toLowerCase(Locale.ROOT));
            }
        }
        long maxBody = node.get("max_body").asSize(DEFAULT_MAX_BODY);
        ConfigNode shared = node.get("shared");
        if (shared.asBoolean(false)) {
            shared.invalid("false: a cache shared between nodes needs cluster mode, which is not supported yet");
        }
        if (node.problems().size() != before) {
            return null;
        }
        return new CacheConfig(ttl, Set.copyOf(methods), List.copyOf(vary), maxBody);
    }
}
