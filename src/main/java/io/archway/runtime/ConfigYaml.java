package io.archway.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.archway.config.Problems;
import io.archway.config.YamlTrees;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a config tree (as written: {@code ${NAME}} references unexpanded) back as YAML. Strings are left
 * unquoted where YAML reads them back as the same string, so the file stays pleasant to edit; every
 * rendering is read back and compared, and quoted throughout if anything would read differently.
 */
final class ConfigYaml {
    private static final YAMLMapper PLAIN = mapper(true);
    private static final YAMLMapper QUOTED = mapper(false);

    private ConfigYaml() {}

    private static YAMLMapper mapper(boolean minimizeQuotes) {
        YAMLFactory f = YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .configure(YAMLGenerator.Feature.MINIMIZE_QUOTES, minimizeQuotes)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .build();
        return new YAMLMapper(f);
    }

    static String render(JsonNode tree) {
        String plain = write(PLAIN, tree);
        if (readsBackAs(plain, tree)) {
            return plain;
        }
        return write(QUOTED, tree);
    }

    private static String write(YAMLMapper mapper, JsonNode tree) {
        try {
            return mapper.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            // A tree of plain JSON nodes always serialises; this would be a bug.
            throw new IllegalStateException("cannot write config as YAML: " + e.getMessage(), e);
        }
    }

    private static boolean readsBackAs(String text, JsonNode tree) {
        Problems problems = new Problems();
        JsonNode back = YamlTrees.read(text, "rendered config", problems);
        return problems.isEmpty() && sameValue(back, tree);
    }

    /** Equal as config values: numbers by value (2 and 2.0 differ in type only), everything else exactly. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        return a.equals(VALUE_ORDER, b);
    }

    private static final Comparator<JsonNode> VALUE_ORDER = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        if (x.isContainerNode() || y.isContainerNode()) {
            return containersEqual(x, y) ? 0 : 1;
        }
        return x.equals(y) ? 0 : 1;
    };

    private static boolean containersEqual(JsonNode x, JsonNode y) {
        if (x.isArray() != y.isArray() || x.isObject() != y.isObject() || x.size() != y.size()) {
            return false;
        }
        if (x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        Iterator<Map.Entry<String, JsonNode>> it = x.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode other = y.get(e.getKey());
            if (other == null || !sameValue(e.getValue(), other)) {
                return false;
            }
        }
        return true;
    }
}
