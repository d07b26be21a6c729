package io.archway.filter.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Keys generated per test run, and tokens signed with them, attack tokens included. */
public final class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {}

    /** A signing key with its kid: RSA, EC or Ed25519. */
    public record SigningKey(String kid, KeyPair pair, JWSAlgorithm alg) {
        public JWK publicJwk() {
            try {
                if (pair.getPublic() instanceof RSAPublicKey rsa) {
                    return new RSAKey.Builder(rsa).keyID(kid).build();
                }
                if (pair.getPublic() instanceof ECPublicKey ec) {
                    return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyID(kid).build();
                }
                return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(rawEd25519(pair))).keyID(kid).build();
            } catch (RuntimeException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A token with this key's alg and kid. */
        public String sign(JWTClaimsSet claims) {
            return sign(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        }

        public String sign(JWSHeader header, JWTClaimsSet claims) {
            return signRaw(header.toBase64URL().toString(), claims.toPayload().toBase64URL().toString());
        }

        /** Signs header.payload as given (already base64url), whatever they say. */
        public String signRaw(String header64, String payload64) {
            byte[] input = (header64 + "." + payload64).getBytes(StandardCharsets.US_ASCII);
            return header64 + "." + payload64 + "." + Base64URL.encode(signature(input));
        }

        private byte[] signature(byte[] input) {
            try {
                if (pair.getPrivate() instanceof RSAPrivateKey rsa) {
                    return new RSASSASigner(rsa).sign(new JWSHeader(alg), input).decode();
                }
                if (pair.getPrivate() instanceof ECPrivateKey ec) {
                    return new ECDSASigner(ec).sign(new JWSHeader(alg), input).decode();
                }
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(pair.getPrivate());
                s.update(input);
                return s.sign();
            } catch (JOSEException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static SigningKey rsa(String kid, JWSAlgorithm alg) {
        return new SigningKey(kid, generate("RSA", 2048), alg);
    }

    public static SigningKey rsa(String kid) {
        return rsa(kid, JWSAlgorithm.RS256);
    }

    public static SigningKey ec(String kid, JWSAlgorithm alg) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(alg.equals(JWSAlgorithm.ES384) ? "secp384r1" : "secp256r1"));
            return new SigningKey(kid, g.generateKeyPair(), alg);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SigningKey ed25519(String kid) {
        return new SigningKey(kid, generate("Ed25519", 0), JWSAlgorithm.EdDSA);
    }

    /** A random HMAC secret of this many bytes, as a string of base64 characters. */
    public static String secret(int bytes) {
        byte[] b = new byte[bytes * 3 / 4 + 3];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b).substring(0, bytes);
    }

    public static String hmac(String secret, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(new JWSHeader(alg), claims.toPayload());
            jws.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String jwks(SigningKey... keys) {
        return new JWKSet(Arrays.stream(keys).map(SigningKey::publicJwk).toList()).toString();
    }

    /** Claims valid for the next hour, with the given subject and optional scope. */
    public static JWTClaimsSet.Builder claims(String issuer, String audience, String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(List.of(audience))
                .subject(subject)
                .issueTime(java.util.Date.from(now))
                .expirationTime(java.util.Date.from(now.plusSeconds(3600)));
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static KeyPair generate(String type, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 32 raw bytes of an Ed25519 public key: the tail of its X.509 encoding. */
    static byte[] rawEd25519(KeyPair pair) {
        byte[] der = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }
}
