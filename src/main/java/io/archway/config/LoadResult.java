package io.archway.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@link ConfigLoader#parse} made of a file: a best-effort config (defaults wherever a value
 * was bad), the tree as written, and every problem found. Use the config only when problems is empty.
 */
public record LoadResult(GatewayConfig config, JsonNode written, Problems problems) {

    public boolean isValid() {
        return problems.isEmpty();
    }
}
