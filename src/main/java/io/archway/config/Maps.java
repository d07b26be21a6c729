package io.archway.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies of maps that keep the order of the YAML file (Map.copyOf does not). */
final class Maps {
    private Maps() {}

    static <K, V> Map<K, V> ordered(Map<K, V> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
