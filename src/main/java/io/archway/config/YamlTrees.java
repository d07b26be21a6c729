package io.archway.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * YAML text to a tree exactly as the config loader reads it (only {@code true}/{@code false} are booleans,
 * digits with a leading zero stay text, duplicate keys and aliases are problems), for YAML that is a part
 * of a config, such as one route sent to the admin API.
 */
public final class YamlTrees {
    private YamlTrees() {}

    /** The tree of the text's one document; a missing node after a syntax error, which is added to problems. */
    public static JsonNode read(String text, String source, Problems problems) {
        return YamlReader.read(text, source, problems);
    }
}
