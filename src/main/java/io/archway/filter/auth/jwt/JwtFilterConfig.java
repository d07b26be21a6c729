package io.archway.filter.auth.jwt;

import io.archway.config.ConfigNode;
import io.archway.config.JwtIssuerConfig;
import io.archway.config.Problems;
import io.archway.filter.FilterRegistry;
import io.archway.filter.IdentityHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A route's {@code jwt} filter: which issuer, the scopes and claim values a token must carry, and the
 * claims sent upstream as headers.
 */
public record JwtFilterConfig(String issuer, List<String> scopes, Map<String, String> claims,
                              Map<String, String> forwardClaims) implements IdentityHeaders.Source {
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^`|~-]+");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    /**
     * Headers a claim may not be forwarded in: every forward_claims header is removed from every
     * request on every route, so naming one of these would break all routes or the proxy itself.
     */
    private static final Set<String> NOT_FORWARDABLE = Set.of("authorization", "host", "content-length",
            "content-type", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
            "proxy-authorization", "proxy-authenticate", "proxy-connection", "cookie", "expect", "x-consumer",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "via", "x-request-id",
            "traceparent", "tracestate");

    public JwtFilterConfig {
        scopes = List.copyOf(scopes);
        claims = Map.copyOf(claims);
        forwardClaims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(forwardClaims));
    }

    @Override
    public Set<String> identityHeaders() {
        Set<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        out.addAll(forwardClaims.values());
        return out;
    }

    public static JwtFilterConfig parse(ConfigNode node) {
        node.expectObject("issuer", "scopes", "claims", "forward_claims");
        ConfigNode issuerNode = node.get("issuer");
        String issuer = issuerNode.requiredString("the name of an issuer under jwt");
        if (issuer != null && issuer.isEmpty()) {
            issuerNode.invalid("the name of an issuer under jwt");
        }
        List<String> scopes = new ArrayList<>();
        for (ConfigNode item : node.get("scopes").itemsOrSingle()) {
            String s = item.text("a scope like users:read");
            if (s != null && SCOPE.matcher(s).matches()) {
                scopes.add(s);
            } else if (s != null || item.isMissing()) {
                item.invalid("a scope like users:read (no spaces or quotes)");
            }
        }
        Map<String, String> claims = new LinkedHashMap<>();
        node.get("claims").entries().forEach((claim, v) -> {
            String value = v.text("a claim value");
            if (value != null) {
                claims.put(claim, value);
            } else if (v.isMissing()) {
                v.invalid("a claim value");
            }
        });
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> seenHeaders = new LinkedHashMap<>();
        node.get("forward_claims").entries().forEach((claim, v) -> {
            String header = v.text("a header name like X-User");
            if (header == null) {
                if (v.isMissing()) {
                    v.invalid("a header name like X-User");
                }
                return;
            }
            String lower = header.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(header).matches() || header.indexOf('_') >= 0) {
                v.invalid("a header name like X-User (letters, digits and '-')");
            } else if (NOT_FORWARDABLE.contains(lower)) {
                v.invalid("a header of your own like X-User; " + header
                        + " is removed from every request that names it, so it cannot carry a claim");
            } else if (seenHeaders.putIfAbsent(lower, claim) != null) {
                v.invalid("a header no other claim uses; " + seenHeaders.get(lower) + " has it");
            } else {
                forward.put(claim, header);
            }
        });
        return new JwtFilterConfig(issuer == null ? "" : issuer, scopes, claims, forward);
    }

    /** Checks the issuer against {@code jwt:}, and that issuer's key material. */
    public static void validate(Object c, FilterRegistry.Placement at, Problems problems) {
        JwtFilterConfig config = (JwtFilterConfig) c;
        Map<String, JwtIssuerConfig> issuers = at.config().jwt();
        JwtIssuerConfig issuer = issuers.get(config.issuer());
        if (issuer == null) {
            String expected = issuers.isEmpty()
                    ? "(expected: an issuer defined under jwt)"
                    : "(expected one of: " + String.join(", ", issuers.keySet()) + ")";
            problems.add(at.path().field("issuer"), "\"" + config.issuer() + "\" is not defined " + expected);
            return;
        }
        IssuerKeys.check(issuer, problems);
    }
}
