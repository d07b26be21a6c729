package io.archway.filter.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.config.JwtIssuerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checking a bearer token whose issuer's keys are already fetched: the signature every time (RS256,
 * ES256), and a token the verifier has seen before (its cache).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtBenchmark {
    private TokenVerifier uncached;
    private TokenVerifier cached;
    private String rs256;
    private String es256;

    @Setup
    public void setUp() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
        KeySet keys = KeySet.parseJwks(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString(), "bench");
        JwtIssuerConfig issuer = new JwtIssuerConfig("main", "https://auth.bench", List.of("api"), "https://auth.bench/jwks",
                null, null, List.of("RS256", "ES256"), Duration.ofSeconds(30), "sub");
        uncached = new TokenVerifier(issuer, KeySource.fixed(keys), Clock.systemUTC(), false);
        cached = new TokenVerifier(issuer, KeySource.fixed(keys), Clock.systemUTC(), true);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://auth.bench").audience("api").subject("alice").claim("scope", "users:read users:write")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(86_400))).build();
        rs256 = sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa", claims);
        es256 = sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec", claims);
        if (!(verify(uncached, rs256) instanceof Verified) || !(verify(uncached, es256) instanceof Verified)) {
            throw new IllegalStateException("benchmark tokens do not verify");
        }
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims)
            throws JOSEException {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(alg).keyID(kid).build(), claims.toPayload());
        jws.sign(signer);
        return jws.serialize();
    }

    private static Verdict verify(TokenVerifier v, String token) {
        return v.verify(token).toCompletableFuture().getNow(null);
    }

    @Benchmark
    public Verdict rs256Signature() {
        return verify(uncached, rs256);
    }

    @Benchmark
    public Verdict es256Signature() {
        return verify(uncached, es256);
    }

    @Benchmark
    public Verdict rs256SeenBefore() {
        return verify(cached, rs256);
    }
}
