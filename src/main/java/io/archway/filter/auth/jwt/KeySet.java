package io.archway.filter.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys one issuer signs with, each with a verifier built once. Immutable: a refresh makes a new
 * set. Only public keys of the types the configured algorithms need are kept; a symmetric key in a
 * JWKS is never used, so an RSA issuer's tokens can never be checked with HMAC.
 */
final class KeySet {
    private static final Logger log = LoggerFactory.getLogger(KeySet.class);
    static final int MIN_RSA_BITS = 2048;
    private static final Set<JWSAlgorithm> RSA_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    /** No keys, and none ever fetched. */
    static final KeySet NONE = new KeySet(List.of(), List.of(), false);

    /** One key: a null kid matches a token with any kid or none (a single configured key). */
    record Key(@Nullable String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {}

    private final List<Key> keys;
    private final List<JWK> source;
    private final boolean loaded;

    KeySet(List<Key> keys, List<JWK> source, boolean loaded) {
        this.keys = List.copyOf(keys);
        this.source = List.copyOf(source);
        this.loaded = loaded;
    }

    static KeySet of(Key key) {
        return new KeySet(List.of(key), List.of(), true);
    }

    /** True once keys were fetched at least once (even if the set was empty). */
    boolean loaded() {
        return loaded;
    }

    int size() {
        return keys.size();
    }

    /** The keys that may have signed a token with this kid and algorithm. */
    List<Key> candidates(@Nullable String kid, JWSAlgorithm alg) {
        List<Key> out = null;
        for (Key k : keys) {
            if (k.algorithms().contains(alg) && (k.kid() == null || kid == null || k.kid().equals(kid))) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(k);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Same keys as another set (a refresh that changed nothing keeps the old set and its cached tokens). */
    boolean sameKeys(KeySet other) {
        return loaded == other.loaded && source.equals(other.source);
    }

    /** Parses a JWKS document; keys that cannot verify anything here are skipped with a warning. */
    static KeySet parseJwks(String json, String from) throws ParseException {
        JWKSet set = JWKSet.parse(json);
        List<Key> keys = new ArrayList<>();
        List<JWK> used = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            try {
                Key k = fromJwk(jwk);
                if (k != null) {
                    keys.add(k);
                    used.add(jwk.toPublicJWK());
                }
            } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
                log.warn("JWKS {}: key {} skipped: {}", from, jwk.getKeyID(), e.getMessage());
            }
        }
        return new KeySet(keys, used, true);
    }

    private static @Nullable Key fromJwk(JWK jwk) throws JOSEException, GeneralSecurityException {
        JWSAlgorithm declared = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        if (jwk instanceof RSAKey rsa) {
            return forPublicKey(jwk.getKeyID(), rsa.toRSAPublicKey(), declared);
        }
        if (jwk instanceof ECKey ec) {
            // ECDSAVerifier(ECKey) checks that the point is on the curve (invalid-curve attacks).
            JWSAlgorithm alg = ecAlgorithm(ec.getCurve());
            return alg == null ? null : restrict(jwk.getKeyID(), Set.of(alg), new ECDSAVerifier(ec.toPublicJWK()),
                    declared);
        }
        if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            return restrict(jwk.getKeyID(), Set.of(JWSAlgorithm.EdDSA), EdDsaVerifier.fromRaw(okp.getDecodedX()),
                    declared);
        }
        // Symmetric keys ("oct") and other curves: never used.
        return null;
    }

    /** The key and the algorithms it can verify, or null when it is of no kind used here. */
    static @Nullable Key forPublicKey(@Nullable String kid, PublicKey key, @Nullable JWSAlgorithm declared)
            throws JOSEException, GeneralSecurityException {
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new GeneralSecurityException("RSA key of " + rsa.getModulus().bitLength()
                        + " bits (expected: at least " + MIN_RSA_BITS + ")");
            }
            return restrict(kid, RSA_ALGS, new RSASSAVerifier(rsa), declared);
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            JWSAlgorithm alg = curve == null ? null : ecAlgorithm(curve);
            return alg == null ? null : restrict(kid, Set.of(alg), new ECDSAVerifier(ec), declared);
        }
        if (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")) {
            return restrict(kid, Set.of(JWSAlgorithm.EdDSA), new EdDsaVerifier(key), declared);
        }
        return null;
    }

    private static @Nullable JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        return null;
    }

    /** A key whose JWK names its {@code alg} verifies that algorithm only. */
    private static @Nullable Key restrict(@Nullable String kid, Set<JWSAlgorithm> algs, JWSVerifier verifier,
                                          @Nullable JWSAlgorithm declared) {
        if (declared == null) {
            return new Key(kid, algs, verifier);
        }
        return algs.contains(declared) ? new Key(kid, Set.of(declared), verifier) : null;
    }

    @Override
    public String toString() {
        List<String> kids = new ArrayList<>();
        for (Key k : keys) {
            kids.add(Objects.toString(k.kid(), "-"));
        }
        return "KeySet" + kids;
    }
}
