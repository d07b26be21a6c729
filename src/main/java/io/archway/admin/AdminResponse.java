package io.archway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What an admin endpoint answers: status, content type, body and any extra headers. */
record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json";

    static AdminResponse json(int status, JsonNode body) {
        return new AdminResponse(status, JSON, Json.bytes(body), Map.of());
    }

    static AdminResponse ok(JsonNode body) {
        return json(200, body);
    }

    static AdminResponse text(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static AdminResponse noContent() {
        return new AdminResponse(204, JSON, new byte[0], Map.of());
    }

    /** The error body of DESIGN §3: {@code {"error": "...", "details": [...]}}. */
    static AdminResponse error(int status, String error, List<String> details) {
        return json(status, Json.error(error, details));
    }

    AdminResponse withStatus(int newStatus) {
        return new AdminResponse(newStatus, contentType, body, headers);
    }

    AdminResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, h);
    }
}
