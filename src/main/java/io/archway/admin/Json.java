package io.archway.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.archway.config.Problems;
import io.archway.config.YamlTrees;
import io.archway.runtime.ChangeException;
import java.util.List;

/** JSON in and out of the admin API; YAML bodies are read the way the config loader reads a file. */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // 0.5 stays a decimal as written, like the YAML reader keeps it.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A duplicate key must not silently pick one value, as in the config file.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLMapper YAML = new YAMLMapper();

    private Json() {}

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String yaml(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode error(String error, List<String> details) {
        ObjectNode n = object();
        n.put("error", error);
        ArrayNode d = n.putArray("details");
        details.forEach(d::add);
        return n;
    }

    /** The request body as a tree: YAML with {@code Content-Type: application/yaml}, JSON otherwise. */
    static JsonNode body(AdminRequest req) throws ChangeException {
        if (req.body().length == 0) {
            throw new ChangeException(400, "bad_request", List.of("request body: empty (expected: a JSON object)"));
        }
        if (req.isYaml()) {
            Problems problems = new Problems();
            JsonNode tree = YamlTrees.read(req.bodyText(), "request body", problems);
            if (!problems.isEmpty()) {
                throw new ChangeException(400, "bad_request", problems.lines());
            }
            return tree;
        }
        try {
            return MAPPER.readTree(req.body());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new ChangeException(400, "bad_request", List.of("request body: " + where + e.getOriginalMessage()
                    + " (expected: JSON, or YAML with Content-Type: application/yaml)"));
        } catch (java.io.IOException e) {
            throw new ChangeException(400, "bad_request", List.of("request body: " + e.getMessage()));
        }
    }

    /** The body, which must be an object. */
    static ObjectNode objectBody(AdminRequest req) throws ChangeException {
        JsonNode n = body(req);
        if (!n.isObject()) {
            throw new ChangeException(400, "bad_request", List.of("request body: " + n.getNodeType().name().toLowerCase()
                    + " (expected: an object)"));
        }
        return (ObjectNode) n;
    }
}
