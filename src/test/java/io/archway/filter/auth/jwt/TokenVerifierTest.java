package io.archway.filter.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.config.JwtIssuerConfig;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String ISS = "https://auth.test";

    static final TestKeys.SigningKey RSA = TestKeys.rsa("rsa-1");
    static final TestKeys.SigningKey EC = TestKeys.ec("ec-1", JWSAlgorithm.ES256);
    static final TestKeys.SigningKey EC384 = TestKeys.ec("ec-2", JWSAlgorithm.ES384);
    static final TestKeys.SigningKey ED = TestKeys.ed25519("ed-1");
    static final TestKeys.SigningKey OTHER_RSA = TestKeys.rsa("rsa-1");

    static JwtIssuerConfig issuer(List<String> algs, String secret) {
        return new JwtIssuerConfig("main", ISS, List.of("api"), secret == null ? "https://auth.test/jwks" : null, null,
                secret, algs, Duration.ofSeconds(30), "sub");
    }

    static TokenVerifier jwksVerifier(List<String> algs, TestKeys.SigningKey... keys) {
        try {
            KeySet set = KeySet.parseJwks(TestKeys.jwks(keys), "test");
            return new TokenVerifier(issuer(algs, null), KeySource.fixed(set), CLOCK);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenVerifier all() {
        return jwksVerifier(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"),
                RSA, EC, EC384, ED);
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISS)
                .audience("api")
                .subject("alice")
                .issueTime(Date.from(NOW.minusSeconds(10)))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    static Verdict verify(TokenVerifier v, String token) {
        return v.verify(token).toCompletableFuture().join();
    }

    static void assertAccepted(TokenVerifier v, String token) {
        Verdict verdict = verify(v, token);
        assertThat(verdict).isInstanceOf(Verified.class);
        assertThat(((Verified) verdict).consumer()).isEqualTo("alice");
    }

    static String withAlg(TestKeys.SigningKey key, JWSAlgorithm alg) {
        return new TestKeys.SigningKey(key.kid(), key.pair(), alg).sign(claims().build());
    }

    @Nested
    class Algorithms {
        @Test
        void acceptsEveryRsaAlgorithm() {
            TokenVerifier v = all();
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                    JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512)) {
                assertAccepted(v, withAlg(RSA, alg));
            }
        }

        @Test
        void acceptsEs256Es384AndEdDsa() {
            TokenVerifier v = all();
            assertAccepted(v, EC.sign(claims().build()));
            assertAccepted(v, EC384.sign(claims().build()));
            assertAccepted(v, ED.sign(claims().build()));
        }

        @Test
        void acceptsHmacWithTheConfiguredSecret() {
            String secret = TestKeys.secret(64);
            TokenVerifier v = new TokenVerifier(issuer(List.of("HS256", "HS384", "HS512"), secret),
                    KeySource.fixed(IssuerKeys.staticKeys(issuer(List.of("HS256", "HS384", "HS512"), secret))), CLOCK);
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
                assertAccepted(v, TestKeys.hmac(secret, alg, claims().build()));
            }
            assertThat(verify(v, TestKeys.hmac(TestKeys.secret(64), JWSAlgorithm.HS256, claims().build())))
                    .isEqualTo(Reason.BAD_SIGNATURE);
        }

        @Test
        void anEs256KeyDoesNotVerifyAnEs384Token() {
            TokenVerifier v = jwksVerifier(List.of("ES256", "ES384"), EC);
            String token = new TestKeys.SigningKey("ec-1", EC384.pair(), JWSAlgorithm.ES384).sign(claims().build());
            assertThat(verify(v, token)).isEqualTo(Reason.UNKNOWN_KEY);
        }
    }

    /** Each token an attacker would try first, each its own test (issue 4). */
    @Nested
    class AttackTokens {
        @Test
        void rejectsAlgNone() {
            String header = TestKeys.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
            String payload = claims().build().toPayload().toBase64URL().toString();
            assertThat(verify(all(), header + "." + payload + ".")).isEqualTo(Reason.MALFORMED);
            // Even with something in the signature place.
            assertThat(verify(all(), header + "." + payload + ".AAAA")).isIn(Reason.MALFORMED,
                    Reason.ALGORITHM_NOT_ALLOWED);
        }

        @Test
        void rejectsAlgNoneInAnyCase() {
            String payload = claims().build().toPayload().toBase64URL().toString();
            for (String none : List.of("None", "NONE", "nOnE")) {
                String header = TestKeys.b64("{\"alg\":\"" + none + "\"}");
                assertThat(verify(all(), header + "." + payload + ".")).isEqualTo(Reason.MALFORMED);
                assertThat(verify(all(), header + "." + payload + ".AAAA")).isNotInstanceOf(Verified.class);
            }
        }

        @Test
        void rejectsHs256SignedWithTheRsaPublicKey() throws Exception {
            // Key confusion: the attacker knows the public key and uses its bytes as an HMAC secret.
            JWTClaimsSet c = claims().build();
            byte[] publicBytes = RSA.publicJwk().toRSAKey().toPublicKey().getEncoded();
            byte[] pemBytes = ("-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(publicBytes) + "\n-----END PUBLIC KEY-----\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (byte[] secret : List.of(publicBytes, pemBytes)) {
                com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
                        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), c.toPayload());
                jws.sign(new MACSigner(secret));
                assertThat(verify(jwksVerifier(List.of("RS256"), RSA), jws.serialize()))
                        .isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
            }
        }

        @Test
        void rejectsAnAlgorithmNotInTheList() {
            TokenVerifier rsOnly = jwksVerifier(List.of("RS256"), RSA, EC);
            assertThat(verify(rsOnly, EC.sign(claims().build()))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
            assertThat(verify(rsOnly, withAlg(RSA, JWSAlgorithm.PS256))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
            assertThat(verify(rsOnly, withAlg(RSA, JWSAlgorithm.RS512))).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
        }

        @Test
        void rejectsAKidThatIsNotInTheSet() {
            TestKeys.SigningKey stranger = new TestKeys.SigningKey("rsa-9", RSA.pair(), JWSAlgorithm.RS256);
            assertThat(verify(all(), stranger.sign(claims().build()))).isEqualTo(Reason.UNKNOWN_KEY);
        }

        @Test
        void rejectsCritHeaders() {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
                    .criticalParams(Set.of("exp")).customParam("exp", 1).build();
            assertThat(verify(all(), RSA.sign(header, claims().build()))).isEqualTo(Reason.CRITICAL_HEADER);
            String raw = TestKeys.b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"x-custom\"],\"x-custom\":1}");
            assertThat(verify(all(), RSA.signRaw(raw, claims().build().toPayload().toBase64URL().toString())))
                    .isNotInstanceOf(Verified.class);
        }

        @Test
        void rejectsAnUnencodedPayloadHeader() {
            String raw = TestKeys.b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":false,\"crit\":[\"b64\"]}");
            assertThat(verify(all(), RSA.signRaw(raw, claims().build().toPayload().toBase64URL().toString())))
                    .isNotInstanceOf(Verified.class);
        }

        @Test
        void rejectsTokensOver16Kilobytes() {
            JWTClaimsSet big = claims().claim("pad", "x".repeat(13_000)).build();
            String token = RSA.sign(big);
            assertThat(token.length()).isGreaterThan(16 * 1024);
            assertThat(verify(all(), token)).isEqualTo(Reason.TOO_LARGE);
            JWTClaimsSet fits = claims().claim("pad", "x".repeat(11_000)).build();
            assertAccepted(all(), RSA.sign(fits));
        }

        @Test
        void ignoresAKeyTheTokenBringsAlong() {
            // Signed by the attacker's key, which the header offers as "jwk" (and "jku", "x5u").
            TestKeys.SigningKey attacker = TestKeys.rsa("rsa-1");
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
                    .jwk(attacker.publicJwk()).jwkURL(java.net.URI.create("https://evil.test/jwks")).build();
            assertThat(verify(all(), attacker.sign(header, claims().build()))).isEqualTo(Reason.BAD_SIGNATURE);
        }

        @Test
        void rejectsASignatureByAnotherKeyWithTheSameKid() {
            assertThat(verify(all(), OTHER_RSA.sign(claims().build()))).isEqualTo(Reason.BAD_SIGNATURE);
        }

        @Test
        void rejectsAnAllZeroEcdsaSignature() {
            // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified on some JDKs.
            String unsigned = EC.sign(claims().build());
            String forged = unsigned.substring(0, unsigned.lastIndexOf('.') + 1) + Base64URL.encode(new byte[64]);
            assertThat(verify(all(), forged)).isEqualTo(Reason.BAD_SIGNATURE);
        }

        @Test
        void rejectsATokenWithItsSignatureRemoved() {
            String t = RSA.sign(claims().build());
            assertThat(verify(all(), t.substring(0, t.lastIndexOf('.') + 1))).isEqualTo(Reason.MALFORMED);
            assertThat(verify(all(), t.substring(0, t.lastIndexOf('.')))).isEqualTo(Reason.MALFORMED);
        }

        @Test
        void rejectsAnHmacKeyServedInTheJwks() throws Exception {
            // A JWKS that (wrongly) lists a symmetric key must not make HS tokens verifiable.
            String secret = TestKeys.secret(32);
            String jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\""
                    + Base64URL.encode(secret.getBytes(StandardCharsets.UTF_8)) + "\"}]}";
            KeySet set = KeySet.parseJwks(jwks, "test");
            assertThat(set.size()).isZero();
        }

        @Test
        void rejectsTokensWithExtraOrOddCharacters() {
            String t = RSA.sign(claims().build());
            assertThat(verify(all(), t + "=")).isEqualTo(Reason.MALFORMED);
            assertThat(verify(all(), t + ".")).isEqualTo(Reason.MALFORMED);
            assertThat(verify(all(), " " + t)).isEqualTo(Reason.MALFORMED);
            assertThat(verify(all(), t.replace('.', '\n'))).isEqualTo(Reason.MALFORMED);
        }
    }

    @Nested
    class Claims {
        final TokenVerifier v = all();

        @Test
        void requiresExp() {
            assertThat(verify(v, RSA.sign(claims().expirationTime(null).build()))).isEqualTo(Reason.NO_EXPIRY);
        }

        @Test
        void rejectsAnExpiredTokenAfterTheClockSkew() {
            assertAccepted(v, RSA.sign(claims().expirationTime(Date.from(NOW.minusSeconds(29))).build()));
            assertThat(verify(v, RSA.sign(claims().expirationTime(Date.from(NOW.minusSeconds(30))).build())))
                    .isEqualTo(Reason.EXPIRED);
        }

        @Test
        void rejectsATokenNotYetValid() {
            assertAccepted(v, RSA.sign(claims().notBeforeTime(Date.from(NOW.plusSeconds(30))).build()));
            assertThat(verify(v, RSA.sign(claims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build())))
                    .isEqualTo(Reason.NOT_YET_VALID);
        }

        @Test
        void rejectsATokenIssuedInTheFuture() {
            assertThat(verify(v, RSA.sign(claims().issueTime(Date.from(NOW.plusSeconds(120))).build())))
                    .isEqualTo(Reason.ISSUED_IN_FUTURE);
        }

        @Test
        void checksIssuerAndAudience() {
            assertThat(verify(v, RSA.sign(claims().issuer("https://evil.test").build()))).isEqualTo(Reason.WRONG_ISSUER);
            assertThat(verify(v, RSA.sign(claims().issuer(null).build()))).isEqualTo(Reason.WRONG_ISSUER);
            assertThat(verify(v, RSA.sign(claims().audience("other").build()))).isEqualTo(Reason.WRONG_AUDIENCE);
            assertThat(verify(v, RSA.sign(claims().audience((String) null).build()))).isEqualTo(Reason.WRONG_AUDIENCE);
            assertAccepted(v, RSA.sign(claims().audience(List.of("other", "api")).build()));
        }

        @Test
        void requiresTheConsumerClaim() {
            assertThat(verify(v, RSA.sign(claims().subject(null).build()))).isEqualTo(Reason.NO_CONSUMER);
        }

        @Test
        void readsScopesFromScopeOrScp() {
            Verified a = (Verified) verify(v, RSA.sign(claims().claim("scope", "a b  c").build()));
            assertThat(a.scopes()).containsExactlyInAnyOrder("a", "b", "c");
            Verified b = (Verified) verify(v, RSA.sign(claims().claim("scp", List.of("x", "y")).build()));
            assertThat(b.scopes()).containsExactlyInAnyOrder("x", "y");
            Verified c = (Verified) verify(v, RSA.sign(claims().claim("scp", "z").build()));
            assertThat(c.scopes()).containsExactly("z");
        }

        @Test
        void aCachedTokenStillExpires() {
            Clock[] clock = {CLOCK};
            Clock moving = new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return clock[0].instant();
                }
            };
            TokenVerifier verifier;
            try {
                verifier = new TokenVerifier(issuer(List.of("RS256"), null),
                        KeySource.fixed(KeySet.parseJwks(TestKeys.jwks(RSA), "t")), moving);
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
            String token = RSA.sign(claims().expirationTime(Date.from(NOW.plusSeconds(60))).build());
            assertAccepted(verifier, token);
            assertAccepted(verifier, token);
            clock[0] = Clock.offset(CLOCK, Duration.ofSeconds(90));
            assertThat(verify(verifier, token)).isEqualTo(Reason.EXPIRED);
        }
    }

    /** Issue 4: any single-byte change to a valid token is rejected. */
    @Nested
    class SingleByteChanges {
        @Test
        void everySingleByteChangeOfAnHs256TokenIsRejected() {
            String secret = TestKeys.secret(32);
            TokenVerifier v = new TokenVerifier(issuer(List.of("HS256"), secret),
                    KeySource.fixed(IssuerKeys.staticKeys(issuer(List.of("HS256"), secret))), CLOCK);
            String token = TestKeys.hmac(secret, JWSAlgorithm.HS256, claims().claim("scope", "a b").build());
            assertAccepted(v, token);
            int tried = 0;
            for (int i = 0; i < token.length(); i++) {
                for (int b = 0; b < 256; b++) {
                    if (b == token.charAt(i)) {
                        continue;
                    }
                    String changed = token.substring(0, i) + (char) b + token.substring(i + 1);
                    assertThat(verify(v, changed)).as("byte %d set to %d", i, b).isNotInstanceOf(Verified.class);
                    tried++;
                }
            }
            assertThat(tried).isEqualTo(token.length() * 255);
        }

        @Test
        void randomSingleByteChangesOfRsaEcAndEdTokensAreRejected() {
            TokenVerifier v = all();
            Random random = new Random(4);
            for (TestKeys.SigningKey key : List.of(RSA, EC, ED)) {
                String token = key.sign(claims().build());
                assertAccepted(v, token);
                for (int n = 0; n < 1500; n++) {
                    int i = random.nextInt(token.length());
                    int b = random.nextInt(256);
                    if (b == token.charAt(i)) {
                        continue;
                    }
                    String changed = token.substring(0, i) + (char) b + token.substring(i + 1);
                    assertThat(verify(v, changed)).as("%s: byte %d set to %d", key.alg(), i, b)
                            .isNotInstanceOf(Verified.class);
                }
                // The last character of each part, where unused bits hide, changed to every other value.
                for (int end : List.of(token.indexOf('.') - 1, token.lastIndexOf('.') - 1, token.length() - 1)) {
                    for (int b = 0; b < 256; b++) {
                        if (b == token.charAt(end)) {
                            continue;
                        }
                        String changed = token.substring(0, end) + (char) b + token.substring(end + 1);
                        assertThat(verify(v, changed)).as("%s: byte %d set to %d", key.alg(), end, b)
                                .isNotInstanceOf(Verified.class);
                    }
                }
            }
        }
    }

    @Test
    void typHeaderIsNotNeeded() {
        JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").type(JOSEObjectType.JWT).build();
        assertAccepted(all(), RSA.sign(h, claims().build()));
    }
}
