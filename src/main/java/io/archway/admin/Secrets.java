package io.archway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.archway.runtime.ChangeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The secrets of a config as written: API keys, basic-auth password hashes, JWT secrets, the admin token
 * and a Redis password. The admin API shows them masked; a {@code ${NAME}} reference is no secret and is
 * shown as it is. A masked value sent back unchanged means "keep the current value", so a config read
 * with GET can be edited and PUT back.
 */
final class Secrets {
    static final String MASK = "***";
    /** A bare reference, with an empty default at most: it names a variable and reveals nothing. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-)?}");
    private static final Pattern URL_PASSWORD = Pattern.compile("^([a-z]+://[^:@/]*:)([^@/]*)(@.*)$");

    private Secrets() {}

    /** One secret's place: the node that holds it and its key or index there. */
    private record Slot(String path, JsonNode holder, String key, int index) {
        JsonNode value() {
            return key != null ? holder.get(key) : holder.get(index);
        }

        void set(String v) {
            if (key != null) {
                ((ObjectNode) holder).put(key, v);
            } else {
                ((ArrayNode) holder).set(index, TextNode.valueOf(v));
            }
        }
    }

    private static List<Slot> slots(JsonNode root) {
        List<Slot> out = new ArrayList<>();
        JsonNode admin = root.path("admin");
        if (admin.isObject() && admin.has("token")) {
            out.add(new Slot("admin.token", admin, "token", -1));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("consumers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            String at = "consumers." + c.getKey();
            JsonNode keys = c.getValue().path("api_keys");
            if (keys.isArray()) {
                for (int i = 0; i < keys.size(); i++) {
                    out.add(new Slot(at + ".api_keys[" + i + "]", keys, null, i));
                }
            } else if (c.getValue().isObject() && keys.isTextual()) {
                out.add(new Slot(at + ".api_keys", c.getValue(), "api_keys", -1));
            }
            JsonNode basic = c.getValue().path("basic_auth");
            if (basic.isObject() && basic.has("password_sha256")) {
                out.add(new Slot(at + ".basic_auth.password_sha256", basic, "password_sha256", -1));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("jwt").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> j = it.next();
            if (j.getValue().isObject() && j.getValue().has("secret")) {
                out.add(new Slot("jwt." + j.getKey() + ".secret", j.getValue(), "secret", -1));
            }
        }
        JsonNode cluster = root.path("cluster");
        if (cluster.isObject() && cluster.has("redis")) {
            out.add(new Slot("cluster.redis", cluster, "redis", -1));
        }
        return out;
    }

    /** A copy of the tree with every secret masked. */
    static JsonNode masked(JsonNode root) {
        JsonNode copy = root.deepCopy();
        for (Slot s : slots(copy)) {
            JsonNode v = s.value();
            if (v != null && v.isValueNode() && !v.isNull()) {
                s.set(mask(s.path(), v.asText()));
            }
        }
        return copy;
    }

    static String mask(String path, String value) {
        if (value.isEmpty() || REFERENCE.matcher(value).matches()) {
            return value;
        }
        if (path.equals("cluster.redis")) {
            var m = URL_PASSWORD.matcher(value);
            return m.matches() ? m.group(1) + MASK + m.group(3) : value;
        }
        return MASK;
    }

    /**
     * Puts back the current value wherever the edited tree holds exactly what GET shows for it; refuses
     * a bare mask where there is no current value to keep.
     */
    static void unmask(JsonNode edited, JsonNode current) throws ChangeException {
        Map<String, String> now = new java.util.HashMap<>();
        for (Slot s : slots(current)) {
            JsonNode v = s.value();
            if (v != null && v.isTextual()) {
                now.put(s.path(), v.asText());
            }
        }
        List<String> problems = new ArrayList<>();
        for (Slot s : slots(edited)) {
            JsonNode v = s.value();
            if (v == null || !v.isTextual()) {
                continue;
            }
            String old = now.get(s.path());
            if (old != null && !old.equals(v.asText()) && mask(s.path(), old).equals(v.asText())) {
                s.set(old);
            } else if (v.asText().equals(MASK) || v.asText().contains(":" + MASK + "@")) {
                problems.add(s.path() + ": \"" + v.asText()
                        + "\" is the mask GET shows (expected: the value itself, or a ${NAME} reference)");
            }
        }
        if (!problems.isEmpty()) {
            throw ChangeException.invalid(problems);
        }
    }
}
