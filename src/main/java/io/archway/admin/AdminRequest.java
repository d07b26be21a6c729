package io.archway.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One admin request, copied off the event loop's buffers so a worker thread can handle it.
 *
 * @param query decoded query parameters, in order
 * @param params the values bound by the endpoint's path pattern ({@code {name}}), decoded
 */
record AdminRequest(String method, String path, Map<String, List<String>> query, @Nullable String contentType,
                    @Nullable String accept, byte[] body, Map<String, String> params) {

    String param(String name) {
        return params.get(name);
    }

    @Nullable String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A YAML body: {@code Content-Type: application/yaml} (or the older x-yaml and text/yaml). */
    boolean isYaml() {
        return isYaml(contentType);
    }

    /** The client asked for YAML back. */
    boolean wantsYaml() {
        return isYaml(accept);
    }

    private static boolean isYaml(@Nullable String mediaType) {
        if (mediaType == null) {
            return false;
        }
        String t = mediaType.toLowerCase(Locale.ROOT);
        return t.contains("application/yaml") || t.contains("application/x-yaml") || t.contains("text/yaml");
    }

    AdminRequest withParams(Map<String, String> bound) {
        return new AdminRequest(method, path, query, contentType, accept, body, bound);
    }
}
