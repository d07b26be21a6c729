package io.archway.filter.auth.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Set;

/**
 * A token whose signature and fixed claims passed; {@link TokenVerifier} checks its times again on
 * every use, so a cached one still expires on time.
 *
 * @param keys the key set it was verified with: a cached token counts only while that set is current
 */
record Verified(JWTClaimsSet claims, String consumer, Set<String> scopes, long expiresAt, long notBefore,
                long issuedAt, KeySet keys) implements Verdict {
    static final long ABSENT = Long.MIN_VALUE;
}
