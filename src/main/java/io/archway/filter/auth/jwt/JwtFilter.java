package io.archway.filter.auth.jwt;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.filter.FilterEnv;
import io.archway.filter.RequestContext;
import io.archway.filter.auth.Authenticator;
import io.archway.filter.auth.Consumers;
import io.archway.filter.auth.Denial;
import io.archway.filter.auth.Identity;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code jwt}: accepts a request whose {@code Authorization: Bearer} token the route's issuer signed and
 * that carries the route's scopes and claim values (DESIGN §2, §7 "Identity"). The consumer is the
 * issuer's {@code consumer_claim}; a configured consumer of that name brings its groups. Answers 401
 * with an RFC 6750 challenge, or 403 {@code insufficient_scope} for a valid token that lacks something.
 */
public final class JwtFilter implements Authenticator {
    static final String CHALLENGE = "Bearer";
    private static final CompletionStage<@Nullable Denial> MISSING =
            CompletableFuture.completedStage(Denial.missing(CHALLENGE, "no bearer token"));
    private static final CompletionStage<@Nullable Denial> TWO_HEADERS = CompletableFuture.completedStage(
            Denial.invalid("invalid_request", "Bearer error=\"invalid_request\", "
                    + "error_description=\"more than one Authorization header\"", "more than one Authorization header"));
    private static final Map<Reason, Denial> DENIALS = denials();

    private final TokenVerifier verifier;
    private final Consumers consumers;
    private final List<String> scopes;
    private final Map<String, String> claims;
    private final String[] forwardClaims;
    private final AsciiString[] forwardHeaders;
    private final Denial insufficient;

    JwtFilter(JwtFilterConfig config, TokenVerifier verifier, Consumers consumers) {
        this.verifier = verifier;
        this.consumers = consumers;
        this.scopes = config.scopes();
        this.claims = config.claims();
        this.forwardClaims = config.forwardClaims().keySet().toArray(new String[0]);
        this.forwardHeaders = config.forwardClaims().values().stream().map(AsciiString::cached)
                .toArray(AsciiString[]::new);
        String challenge = "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required "
                + "scope or claim\"" + (scopes.isEmpty() ? "" : ", scope=\"" + String.join(" ", scopes) + "\"");
        this.insufficient = Denial.forbidden("insufficient_scope", challenge, "missing scope or claim");
    }

    public static JwtFilter create(Object config, FilterEnv env) {
        JwtFilterConfig c = (JwtFilterConfig) config;
        return new JwtFilter(c, Issuers.of(env).verifier(c.issuer()), Consumers.of(env));
    }

    @Override
    public CompletionStage<@Nullable Denial> authenticate(RequestContext ctx) {
        HttpHeaders h = ctx.request().headers();
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        String token = auth == null ? null : bearer(auth);
        if (token == null) {
            return MISSING;
        }
        if (h.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            // The upstream might read the other one.
            return TWO_HEADERS;
        }
        CompletionStage<Verdict> stage = verifier.verify(token);
        CompletableFuture<Verdict> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            Denial d = decide(ctx, f.getNow(Reason.KEYS_UNAVAILABLE));
            return d == null ? PASSED : CompletableFuture.completedStage(d);
        }
        // The context belongs to the event loop: decide (and set headers) there, not on the fetch thread.
        return stage.thenApplyAsync(v -> decide(ctx, v), ctx.eventLoop());
    }

    private @Nullable Denial decide(RequestContext ctx, Verdict verdict) {
        if (verdict instanceof Reason r) {
            return DENIALS.get(r);
        }
        Verified v = (Verified) verdict;
        for (String s : scopes) {
            if (!v.scopes().contains(s)) {
                return insufficient;
            }
        }
        if (!claims.isEmpty()) {
            for (Map.Entry<String, String> e : claims.entrySet()) {
                if (!hasValue(v.claims().getClaim(e.getKey()), e.getValue())) {
                    return insufficient;
                }
            }
        }
        Identity.set(ctx, v.consumer(), consumers.groups(v.consumer()));
        HttpHeaders h = ctx.request().headers();
        for (int i = 0; i < forwardClaims.length; i++) {
            String value = headerValue(v.claims(), forwardClaims[i]);
            if (value != null) {
                h.set(forwardHeaders[i], Identity.headerValue(value));
            }
        }
        return null;
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive, RFC 6750 §2.1), or null. */
    static @Nullable String bearer(String authorization) {
        if (authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** A required claim value matches a string, a number or boolean written the same, or an array holding it. */
    private static boolean hasValue(@Nullable Object claim, String expected) {
        if (claim instanceof List<?> list) {
            for (Object o : list) {
                if (o != null && expected.equals(String.valueOf(o))) {
                    return true;
                }
            }
            return false;
        }
        return claim != null && !(claim instanceof Map) && expected.equals(String.valueOf(claim));
    }

    /** A claim as header text: strings as they are, numbers and booleans written out, arrays and objects as JSON. */
    private static @Nullable String headerValue(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) map;
            return JSONObjectUtils.toJSONString(m);
        }
        if (value instanceof List<?> list) {
            return JSONArrayUtils.toJSONString(new ArrayList<Object>(list));
        }
        if (value instanceof java.util.Date d) {
            return Long.toString(d.getTime() / 1000);
        }
        return String.valueOf(value);
    }

    private static Map<Reason, Denial> denials() {
        Map<Reason, Denial> out = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            out.put(r, r == Reason.KEYS_UNAVAILABLE
                    ? Denial.unavailable("jwks_unavailable", r.description)
                    : Denial.invalid("invalid_token", "Bearer error=\"invalid_token\", error_description=\""
                            + r.description + "\"", r.description));
        }
        return out;
    }
}
