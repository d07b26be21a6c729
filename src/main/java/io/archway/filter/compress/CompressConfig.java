package io.archway.filter.compress;

import io.archway.config.ConfigNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The {@code compress} settings: media types to compress ({@code text/*} allowed) and the least size worth it. */
public record CompressConfig(List<String> types, long minSize) {
    static final List<String> DEFAULT_TYPES = List.of("text/html", "text/plain", "text/css", "text/javascript",
            "application/javascript", "application/json", "application/xml", "image/svg+xml");
    static final long DEFAULT_MIN_SIZE = 1024;
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+/([a-z0-9!#$%&'+.^_`|~-]+|\\*)");

    public static @Nullable CompressConfig parse(ConfigNode node) {
        if (!node.expectObject("types", "min_size")) {
            node.invalid("a map like {types: [text/html], min_size: 1KB}");
            return null;
        }
        int before = node.problems().size();
        ConfigNode typesNode = node.get("types");
        List<String> types = new ArrayList<>();
        for (ConfigNode item : typesNode.itemsOrSingle()) {
            String t = item.text("a media type like text/html or text/*");
            if (t == null) {
                continue;
            }
            String lower = t.trim().toLowerCase(Locale.ROOT);
            if (!MEDIA_TYPE.matcher(lower).matches()) {
                item.invalid("a media type like text/html or text/*");
            } else {
                types.add(lower);
            }
        }
        long minSize = node.get("min_size").asSize(DEFAULT_MIN_SIZE);
        if (node.problems().size() != before) {
            return null;
        }
        return new CompressConfig(typesNode.isMissing() ? DEFAULT_TYPES : List.copyOf(types), minSize);
    }

    /** True when the response's Content-Type (parameters ignored) is one of {@link #types}. */
    boolean compresses(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mediaType = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int slash = mediaType.indexOf('/');
        for (String t : types) {
            if (t.equals(mediaType)
                    || (t.endsWith("/*") && slash > 0 && t.regionMatches(0, mediaType, 0, slash + 1) && t.length() == slash + 2)) {
                return true;
            }
        }
        return false;
    }
}
