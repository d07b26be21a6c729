package io.archway.filter.headers;

import io.archway.config.ConfigNode;
import io.archway.config.Interpolator;
import io.archway.filter.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A header value with per-request placeholders, compiled once at config load: {@code ${request_id}},
 * {@code ${consumer}}, {@code ${client_ip}}, {@code ${route}} and {@code ${header.NAME}} (a request
 * header). Environment placeholders were already expanded by the loader, which leaves these alone;
 * any other {@code ${...}} left in the text came from a {@code $$} escape and is literal.
 */
final class Template {
    private static final String[] NO_PARTS = new String[0];

    /** The parts in order: what each is, and its literal text or header name. */
    private final Kind[] kinds;
    private final String[] values;
    private final @Nullable String constant;
    /** Whether the value depends on nothing but the route: then every request of a route gets the same one. */
    private final boolean perRoute;
    /**
     * The value last rendered, when {@link #perRoute}. A filter belongs to one route's chain, so this is rendered
     * once and then nearly always reused. Shared by event loops without a lock: the record is immutable, and a
     * loop that sees an older one only renders again.
     */
    private @Nullable Rendered last;

    enum Kind { LITERAL, REQUEST_ID, CONSUMER, CLIENT_IP, ROUTE, HEADER }

    private record Rendered(@Nullable String route, String value) {}

    private Template(List<Kind> kinds, List<String> values) {
        this.kinds = kinds.toArray(new Kind[0]);
        this.values = values.toArray(NO_PARTS);
        this.constant = kinds.stream().allMatch(k -> k == Kind.LITERAL) ? String.join("", values) : null;
        this.perRoute = kinds.stream().allMatch(k -> k == Kind.LITERAL || k == Kind.ROUTE);
    }

    /** Compiles a value, reporting a bad {@code ${header.NAME}} or a control character at the node's path. */
    static @Nullable Template compile(String text, ConfigNode node) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                node.invalid("a header value without control characters such as CR or LF");
                return null;
            }
        }
        List<Kind> kinds = new ArrayList<>();
        List<String> values = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            int end = start < 0 ? -1 : text.indexOf('}', start + 2);
            if (start < 0 || end < 0) {
                literal.append(text, i, text.length());
                break;
            }
            String name = text.substring(start + 2, end);
            Kind kind = switch (name) {
                case "request_id" -> Kind.REQUEST_ID;
                case "consumer" -> Kind.CONSUMER;
                case "client_ip" -> Kind.CLIENT_IP;
                case "route" -> Kind.ROUTE;
                default -> name.startsWith(Interpolator.RUNTIME_HEADER_PREFIX) ? Kind.HEADER : Kind.LITERAL;
            };
            if (kind == Kind.LITERAL) {
                literal.append(text, i, end + 1);
                i = end + 1;
                continue;
            }
            literal.append(text, i, start);
            if (literal.length() > 0) {
                kinds.add(Kind.LITERAL);
                values.add(literal.toString());
                literal.setLength(0);
            }
            String value = name;
            if (kind == Kind.HEADER) {
                value = name.substring(Interpolator.RUNTIME_HEADER_PREFIX.length());
                if (!io.archway.config.Syntax.isToken(value)) {
                    node.invalid("${header.NAME} with a header name like X-Tenant");
                    return null;
                }
            }
            kinds.add(kind);
            values.add(value);
            i = end + 1;
        }
        if (literal.length() > 0 || kinds.isEmpty()) {
            kinds.add(Kind.LITERAL);
            values.add(literal.toString());
        }
        return new Template(kinds, values);
    }

    /** The value for this request; empty when every placeholder is empty and there is no literal text. */
    String render(RequestContext ctx) {
        if (constant != null) {
            return constant;
        }
        if (kinds.length == 1) {
            return value(0, ctx);
        }
        if (!perRoute) {
            return join(ctx);
        }
        String route = ctx.route();
        Rendered r = last;
        if (r == null || !Objects.equals(r.route(), route)) {
            r = new Rendered(route, join(ctx));
            last = r;
        }
        return r.value();
    }

    private String join(RequestContext ctx) {
        if (kinds.length == 2) {
            // The common "text${placeholder}" shape: one string, no builder.
            return value(0, ctx).concat(value(1, ctx));
        }
        StringBuilder out = new StringBuilder(64);
        for (int i = 0; i < kinds.length; i++) {
            out.append(value(i, ctx));
        }
        return out.toString();
    }

    private String value(int i, RequestContext ctx) {
        return switch (kinds[i]) {
            case LITERAL -> values[i];
            case REQUEST_ID -> ctx.requestId();
            case CONSUMER -> orEmpty(ctx.consumer());
            case CLIENT_IP -> ctx.clientIp();
            case ROUTE -> orEmpty(ctx.route());
            case HEADER -> orEmpty(ctx.request().headers().get(values[i]));
        };
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
