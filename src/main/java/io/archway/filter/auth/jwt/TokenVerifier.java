package io.archway.filter.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.archway.config.JwtIssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Checks bearer tokens of one issuer: size, header (algorithm allowed, no {@code crit}), signature
 * with the issuer's keys only (never a key the token brings along: {@code jwk}, {@code jku} and
 * {@code x5u} are ignored), then the claims ({@code iss}, {@code aud}, {@code exp} required,
 * {@code nbf}, {@code iat}, all times with {@code clock_skew}) and the consumer claim. Scopes and
 * required claim values are the route's business ({@link JwtFilter}).
 *
 * <p>Thread-safe; called on event loops. Completes at once unless the token names a kid the keys lack,
 * then after the (rate-limited) refresh that kid asked for.
 */
final class TokenVerifier {
    /** DESIGN/issue 4: a longer token is refused before any parsing. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final JwtIssuerConfig issuer;
    private final Set<JWSAlgorithm> algorithms;
    private final KeySource keys;
    private final Clock clock;
    private final long skewSeconds;
    private final @Nullable TokenCache cache;

    TokenVerifier(JwtIssuerConfig issuer, KeySource keys, Clock clock) {
        this(issuer, keys, clock, true);
    }

    /** Without the token cache every token's signature is checked: for benchmarks of the check itself. */
    TokenVerifier(JwtIssuerConfig issuer, KeySource keys, Clock clock, boolean cacheTokens) {
        this.cache = cacheTokens ? new TokenCache() : null;
        this.issuer = issuer;
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        for (String a : issuer.algorithms()) {
            algs.add(JWSAlgorithm.parse(a));
        }
        this.algorithms = Set.copyOf(algs);
        this.keys = keys;
        this.clock = clock;
        this.skewSeconds = issuer.clockSkew().toSeconds();
    }

    JwtIssuerConfig issuer() {
        return issuer;
    }

    CompletionStage<Verdict> verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return done(Reason.TOO_LARGE);
        }
        KeySet current = keys.current();
        Verified cached = cache == null ? null : cache.get(token);
        if (cached != null && cached.keys() == current) {
            return done(checkTimes(cached, nowSeconds()));
        }
        if (!isCompactJws(token)) {
            return done(Reason.MALFORMED);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            // Includes alg "none": Nimbus parses an unsecured token as a PlainJWT, never a SignedJWT.
            return done(Reason.MALFORMED);
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!algorithms.contains(alg)) {
            return done(Reason.ALGORITHM_NOT_ALLOWED);
        }
        // RFC 7515 §4.1.11: a recipient must reject what it does not understand; we understand no extension.
        // b64=false (RFC 7797) changes what is signed; refused with it.
        if (header.getCriticalParams() != null || !header.isBase64URLEncodePayload()
                || header.getCustomParam("b64") != null) {
            return done(Reason.CRITICAL_HEADER);
        }
        String kid = header.getKeyID();
        if (current.candidates(kid, alg).isEmpty()) {
            return keys.refreshForUnknownKid().thenApply(refreshed -> check(token, jwt, refreshed));
        }
        return done(check(token, jwt, current));
    }

    /**
     * Three base64url segments in their one canonical spelling. Decoders skip characters outside the
     * alphabet and ignore the unused low bits of the last character, so without this check several
     * different strings would carry one valid signature, and a changed byte could go unnoticed.
     */
    static boolean isCompactJws(String token) {
        int dots = 0;
        int segmentStart = 0;
        int n = token.length();
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '.' : token.charAt(i);
            if (c == '.') {
                if (++dots > 3 || !canonicalEnd(token, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_')) {
                return false;
            }
        }
        return dots == 3;
    }

    /** A segment's length leaves no lone character, and its last character has no stray low bits. */
    private static boolean canonicalEnd(String token, int from, int to) {
        int len = to - from;
        if (len == 0) {
            return false;
        }
        int rest = len % 4;
        if (rest == 1) {
            return false;
        }
        if (rest == 0) {
            return true;
        }
        int v = sextet(token.charAt(to - 1));
        return rest == 2 ? (v & 0x0F) == 0 : (v & 0x03) == 0;
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    private Verdict check(String token, SignedJWT jwt, KeySet set) {
        List<KeySet.Key> candidates = set.candidates(jwt.getHeader().getKeyID(), jwt.getHeader().getAlgorithm());
        if (candidates.isEmpty()) {
            return set.loaded() ? Reason.UNKNOWN_KEY : Reason.KEYS_UNAVAILABLE;
        }
        boolean valid = false;
        for (KeySet.Key k : candidates) {
            try {
                if (jwt.verify(k.verifier())) {
                    valid = true;
                    break;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A key that cannot check this token is the same as a wrong key.
            }
        }
        if (!valid) {
            return Reason.BAD_SIGNATURE;
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Reason.MALFORMED;
        }
        Verdict v = checkClaims(claims, set);
        if (!(v instanceof Verified verified)) {
            return v;
        }
        long now = nowSeconds();
        Verdict timed = checkTimes(verified, now);
        if (timed == verified && cache != null) {
            cache.put(token, verified, now);
        }
        return timed;
    }

    private Verdict checkClaims(JWTClaimsSet claims, KeySet set) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return Reason.NO_EXPIRY;
        }
        if (issuer.issuer() != null && !issuer.issuer().equals(claims.getIssuer())) {
            return Reason.WRONG_ISSUER;
        }
        if (!issuer.audience().isEmpty()) {
            List<String> aud = claims.getAudience();
            boolean any = false;
            for (String a : issuer.audience()) {
                if (aud.contains(a)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return Reason.WRONG_AUDIENCE;
            }
        }
        Object who = claims.getClaim(issuer.consumerClaim());
        String consumer = who instanceof String s ? s : who instanceof Number n ? n.toString() : null;
        if (consumer == null || consumer.isEmpty()) {
            return Reason.NO_CONSUMER;
        }
        return new Verified(claims, consumer, scopes(claims), seconds(exp), seconds(claims.getNotBeforeTime()),
                seconds(claims.getIssueTime()), set);
    }

    private Verdict checkTimes(Verified v, long now) {
        if (now - skewSeconds >= v.expiresAt()) {
            return Reason.EXPIRED;
        }
        if (v.notBefore() != Verified.ABSENT && v.notBefore() > now + skewSeconds) {
            return Reason.NOT_YET_VALID;
        }
        if (v.issuedAt() != Verified.ABSENT && v.issuedAt() > now + skewSeconds) {
            return Reason.ISSUED_IN_FUTURE;
        }
        return v;
    }

    /** DESIGN §7: scopes come from {@code scope}, else {@code scp}; a space-separated string or an array. */
    static Set<String> scopes(JWTClaimsSet claims) {
        Object raw = claims.getClaim("scope");
        if (raw == null) {
            raw = claims.getClaim("scp");
        }
        Set<String> out = new LinkedHashSet<>();
        if (raw instanceof String s) {
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return Set.copyOf(out);
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    private static long seconds(@Nullable Date d) {
        return d == null ? Verified.ABSENT : Math.floorDiv(d.getTime(), 1000);
    }

    private static CompletionStage<Verdict> done(Verdict v) {
        return CompletableFuture.completedStage(v);
    }
}
