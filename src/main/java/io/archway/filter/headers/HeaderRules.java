package io.archway.filter.headers;

import io.archway.config.ConfigNode;
import io.archway.config.Syntax;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The config of {@code request_headers} and {@code response_headers}: {@code remove} deletes,
 * {@code set} replaces, {@code add} appends another value, applied in that order. Names and values
 * are checked at load; a value that renders empty is not sent ({@code set} then only removes).
 */
public final class HeaderRules {
    /** Headers the gateway frames or routes by itself; a rule on them would corrupt the exchange. */
    private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "te", "trailer", "upgrade", "host");

    private final AsciiString[] remove;
    private final AsciiString[] setNames;
    private final Template[] setValues;
    private final AsciiString[] addNames;
    private final Template[] addValues;
    private final String description;

    private HeaderRules(List<AsciiString> remove, List<AsciiString> setNames, List<Template> setValues,
                        List<AsciiString> addNames, List<Template> addValues, String description) {
        this.remove = remove.toArray(new AsciiString[0]);
        this.setNames = setNames.toArray(new AsciiString[0]);
        this.setValues = setValues.toArray(new Template[0]);
        this.addNames = addNames.toArray(new AsciiString[0]);
        this.addValues = addValues.toArray(new Template[0]);
        this.description = description;
    }

    public static HeaderRules parse(ConfigNode node) {
        List<AsciiString> remove = new ArrayList<>();
        List<AsciiString> setNames = new ArrayList<>();
        List<Template> setValues = new ArrayList<>();
        List<AsciiString> addNames = new ArrayList<>();
        List<Template> addValues = new ArrayList<>();
        if (node.expectObject("set", "add", "remove")) {
            ConfigNode removeNode = node.get("remove");
            for (ConfigNode item : removeNode.itemsOrSingle()) {
                String name = item.text("a header name");
                if (name != null && checkName(name, item)) {
                    remove.add(AsciiString.cached(name));
                }
            }
            values(node.get("set"), setNames, setValues);
            values(node.get("add"), addNames, addValues);
        }
        return new HeaderRules(remove, setNames, setValues, addNames, addValues,
                node.raw().toString());
    }

    private static void values(ConfigNode map, List<AsciiString> names, List<Template> templates) {
        map.entries().forEach((name, valueNode) -> {
            if (!checkName(name, valueNode)) {
                return;
            }
            String text = valueNode.text("a header value");
            if (text == null) {
                if (valueNode.isMissing()) {
                    valueNode.invalid("a header value");
                }
                return;
            }
            Template t = Template.compile(text, valueNode);
            if (t != null) {
                names.add(AsciiString.cached(name));
                templates.add(t);
            }
        });
    }

    private static boolean checkName(String name, ConfigNode at) {
        if (!Syntax.isToken(name) || name.indexOf('_') >= 0) {
            at.problem(quote(name) + " (expected: a header name of letters, digits and -, without _ or CR/LF)");
            return false;
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            at.problem(quote(name) + " (expected: a header the gateway does not frame or route by itself)");
            return false;
        }
        return true;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    /** Applies the rules to {@code headers}, filling placeholders from {@code ctx}. */
    void apply(RequestContext ctx, HttpHeaders headers) {
        for (AsciiString name : remove) {
            headers.remove(name);
        }
        for (int i = 0; i < setNames.length; i++) {
            String v = setValues[i].render(ctx);
            if (v.isEmpty()) {
                headers.remove(setNames[i]);
            } else {
                headers.set(setNames[i], v);
            }
        }
        for (int i = 0; i < addNames.length; i++) {
            String v = addValues[i].render(ctx);
            if (!v.isEmpty()) {
                headers.add(addNames[i], v);
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
