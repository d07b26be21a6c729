package io.archway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a Jackson tree as written. The tree is built here rather than by
 * {@code ObjectMapper.readTree} so that duplicate keys and aliases are reported with their paths
 * while reading goes on, and so that scalars keep the text the user wrote.
 */
final class YamlReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    // Only true and false are booleans: YAML 1.1 would read "y", "no" and "on" as booleans and
    // silently turn a header value "n" into "false". "key:" with no value is null, "key: ''" is "".
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    // YAML 1.1 reads 0123 as octal 83; an API key or secret written as digits must keep its text.
    private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9_]+");

    private final String source;
    private final Problems problems;
    private final String text;

    private YamlReader(String text, String source, Problems problems) {
        this.text = text;
        this.source = source;
        this.problems = problems;
    }

    /**
     * The tree of the file's one document: an empty object for an empty file (or one of only
     * comments), a missing node after a syntax error, which is reported naming line and column.
     */
    static JsonNode read(String text, String source, Problems problems) {
        return new YamlReader(text, source, problems).read();
    }

    private JsonNode read() {
        // A byte order mark is legal at the start of a YAML stream but not inside a Java string.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (JsonParser p = YAML.createParser(body)) {
            JsonToken first = p.nextToken();
            JsonNode root = first == null ? NODES.objectNode() : value(p, first, ConfigPath.root());
            if (isEmptyDocument(root)) {
                root = NODES.objectNode();
            }
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                int line = p.currentTokenLocation().getLineNr();
                JsonNode extra = value(p, t, ConfigPath.root());
                if (!isEmptyDocument(extra)) {
                    problems.addLine(source + ": line " + line
                            + ": a second YAML document (expected: one document per file)");
                    break;
                }
            }
            return root;
        } catch (JsonProcessingException e) {
            problems.addLine(source + ": " + syntaxError(e));
            return MissingNode.getInstance();
        } catch (IOException e) {
            // Reading from a String does no I/O; anything here is the parser's own failure.
            problems.addLine(source + ": " + e.getMessage());
            return MissingNode.getInstance();
        }
    }

    /** A document that is only {@code ---}, or {@code ~}: the parser reports it as an empty scalar. */
    private static boolean isEmptyDocument(JsonNode n) {
        return n.isNull() || (n.isTextual() && n.asText().isEmpty());
    }

    private JsonNode value(JsonParser p, JsonToken t, ConfigPath path) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode obj = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String key = p.currentName();
                    JsonLocation at = p.currentTokenLocation();
                    JsonNode v = value(p, p.nextToken(), path.field(key));
                    if (obj.has(key)) {
                        // The first value is kept; either would be a guess, and the file is rejected anyway.
                        problems.add(path.field(key), "duplicate key at line " + at.getLineNr() + ", column "
                                + at.getColumnNr() + " (expected: each key at most once in a map)");
                    } else {
                        obj.set(key, v);
                    }
                }
                return obj;
            }
            case START_ARRAY: {
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    arr.add(value(p, v, path.index(i++)));
                }
                return arr;
            }
            case VALUE_STRING:
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    // Jackson does not resolve aliases: it would hand back the anchor's name as the value.
                    problems.add(path, "*" + p.getText()
                            + " (expected: the value written out; YAML aliases are not supported)");
                    return NODES.nullNode();
                }
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                if (LEADING_ZERO.matcher(p.getText()).matches()) {
                    return NODES.textNode(p.getText());
                }
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                // BigDecimal keeps "2.10" as written: a header value must not become "2.1".
                try {
                    return DecimalNode.valueOf(new BigDecimal(p.getText()));
                } catch (NumberFormatException e) {
                    return NODES.textNode(p.getText());   // .inf, .nan
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // !!binary and other tagged scalars: keep the text; the reader of the key judges it.
                return NODES.textNode(p.getText());
        }
    }

    /** One line, {@code line L, column C: problem}, without the parser's snippet or stack. */
    private String syntaxError(JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                Mark at = m.getProblemMark();
                StringBuilder sb = new StringBuilder()
                        .append("line ").append(at.getLine() + 1)
                        .append(", column ").append(at.getColumn() + 1).append(": ")
                        .append(oneLine(m.getProblem()));
                Mark ctx = m.getContextMark();
                if (m.getContext() != null && ctx != null && ctx.getLine() != at.getLine()) {
                    sb.append(" (").append(oneLine(m.getContext()))
                            .append(" started at line ").append(ctx.getLine() + 1).append(')');
                }
                if (flowPlaceholder(at)) {
                    sb.append("; quote values that contain ${...} inside [ ] or { }");
                }
                return sb.toString();
            }
        }
        JsonLocation at = e.getLocation();
        String msg = oneLine(e.getOriginalMessage());
        return at == null ? msg : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + msg;
    }

    /**
     * A {@code ${NAME}} inside a flow list or map ({@code [${KEY}]}) is a YAML syntax error whose
     * parser message does not say why; the hint saves a search.
     */
    private boolean flowPlaceholder(Mark at) {
        String[] lines = text.split("\n", -1);
        return at.getLine() < lines.length && lines[at.getLine()].matches(".*[\\[{,]\\s*\\$\\{.*");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
