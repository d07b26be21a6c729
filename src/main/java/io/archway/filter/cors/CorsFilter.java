package io.archway.filter.cors;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code cors}: answers preflights in the gateway and adds the CORS headers to the responses of allowed
 * origins (DESIGN §7 "Headers and CORS"). A refused preflight gets 403 without CORS headers; a simple
 * request from an origin that is not allowed goes upstream, and its response goes back without them
 * (the upstream's own are removed, so this filter is the only CORS policy of the route). Every response
 * carries {@code Vary: Origin} unless any origin gets the same answer.
 */
public final class CorsFilter implements Filter {
    /** The origin this request is allowed as (the header value to send), or {@link #REFUSED}. */
    private static final RequestContext.Key<String> ALLOWED = new RequestContext.Key<>("cors");
    private static final String REFUSED = "";
    private static final String PREFLIGHT_VARY =
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    private final CorsConfig config;
    private final String methods;
    private final String headers;
    private final String expose;
    private final boolean varies;

    public CorsFilter(CorsConfig config) {
        this.config = config;
        this.methods = String.join(", ", config.methods());
        this.headers = String.join(", ", config.headers());
        this.expose = String.join(", ", config.expose());
        // With credentials even a "*" policy echoes the origin, so the answer differs per origin.
        this.varies = !config.anyOrigin() || config.credentials();
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        String origin = h.get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return FilterResult.PROCEED_NOW;
        }
        String requestedMethod = h.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        boolean preflight = requestedMethod != null && ctx.request().method().equals(HttpMethod.OPTIONS);
        String allowedAs = allows(origin) ? (config.anyOrigin() && !config.credentials() ? "*" : origin) : REFUSED;
        if (!preflight) {
            ctx.put(ALLOWED, allowedAs);
            return FilterResult.PROCEED_NOW;
        }
        String requestedHeaders = h.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (allowedAs == REFUSED || !config.methods().contains(requestedMethod) || !headersAllowed(requestedHeaders)) {
            ctx.put(ALLOWED, REFUSED);
            return FilterResult.error(HttpResponseStatus.FORBIDDEN, "cors_rejected", new DefaultHttpHeaders());
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders out = r.headers();
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedAs);
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
        String allowHeaders = config.anyHeader() ? requestedHeaders : headers;
        if (allowHeaders != null && !allowHeaders.isEmpty()) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
        }
        if (config.credentials()) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (config.maxAge() != null) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(config.maxAge().toSeconds()));
        }
        out.set(HttpHeaderNames.VARY, PREFLIGHT_VARY);
        return CompletableFuture.completedStage(new FilterResult.Full(r));
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        String allowedAs = ctx.get(ALLOWED);
        HttpHeaders h = response.headers();
        if (allowedAs == null) {
            // No Origin (or our own preflight answer, which has its Vary): only the cache hint.
            if (varies) {
                addVary(h);
            }
            return;
        }
        h.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
        h.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS);
        h.remove(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS);
        if (varies) {
            addVary(h);
        }
        if (allowedAs == REFUSED) {
            return;
        }
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedAs);
        if (config.credentials()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!expose.isEmpty()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, expose);
        }
    }

    boolean allows(String origin) {
        if (config.anyOrigin()) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        if (config.exactOrigins().contains(o)) {
            return true;
        }
        List<CorsConfig.OriginPattern> patterns = config.patterns();
        if (patterns.isEmpty()) {
            return false;
        }
        int sep = o.indexOf("://");
        if (sep <= 0) {
            return false;
        }
        String scheme = o.substring(0, sep);
        String rest = o.substring(sep + 3);
        if (rest.indexOf('/') >= 0) {
            return false;
        }
        int colon = rest.lastIndexOf(':');
        String host = colon < 0 ? rest : rest.substring(0, colon);
        String port = colon < 0 ? "" : rest.substring(colon);
        for (CorsConfig.OriginPattern p : patterns) {
            if (p.matches(scheme, host, port)) {
                return true;
            }
        }
        return false;
    }

    private boolean headersAllowed(String requested) {
        if (requested == null || requested.isBlank() || config.anyHeader()) {
            return true;
        }
        for (String name : requested.split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            boolean found = false;
            for (String allowed : config.headers()) {
                if (allowed.equalsIgnoreCase(n)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Adds Origin to Vary unless it is there already (or Vary is *). */
    static void addVary(HttpHeaders h) {
        List<String> vary = h.getAll(HttpHeaderNames.VARY);
        for (String v : vary) {
            for (String part : v.split(",")) {
                String p = part.trim();
                if (p.equals("*") || p.equalsIgnoreCase("Origin")) {
                    return;
                }
            }
        }
        h.add(HttpHeaderNames.VARY, "Origin");
    }
}
