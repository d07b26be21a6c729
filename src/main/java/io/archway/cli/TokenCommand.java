package io.archway.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.config.Units;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Mints an HMAC-signed JWT for trying a {@code jwt} route locally; real tokens come from an identity provider. */
@Command(name = "token", description = "Print a signed JWT for local testing (HS256/384/512 with a shared secret).")
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--secret", defaultValue = "${env:JWT_SECRET}",
            description = "the issuer's secret (default: $JWT_SECRET)")
    String secret;

    @Option(names = "--sub", required = true, description = "the subject: the consumer name")
    String subject;

    @Option(names = "--scope", description = "a scope; repeat for more")
    List<String> scopes = List.of();

    @Option(names = "--iss", description = "issuer claim")
    String issuer;

    @Option(names = "--aud", description = "audience claim")
    String audience;

    @Option(names = "--claim", description = "another claim, name=value; repeat for more")
    Map<String, String> claims = Map.of();

    @Option(names = "--ttl", defaultValue = "1h", description = "time to live, like 15m or 1h (default: 1h)")
    String ttl;

    @Option(names = "--alg", defaultValue = "HS256", description = "HS256, HS384 or HS512 (default: HS256)")
    String alg;

    @Override
    public Integer call() {
        if (secret == null || secret.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--secret (or JWT_SECRET) is required");
        }
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        if (!JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
            throw new ParameterException(spec.commandLine(), "--alg " + alg + " (expected: HS256, HS384 or HS512)");
        }
        Duration life;
        try {
            life = Units.parseDuration(ttl);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ttl " + ttl + " (expected: a duration like 1h)");
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(life)));
        if (issuer != null) {
            b.issuer(issuer);
        }
        if (audience != null) {
            b.audience(audience);
        }
        if (!scopes.isEmpty()) {
            b.claim("scope", String.join(" ", scopes));
        }
        claims.forEach(b::claim);
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(algorithm).type(com.nimbusds.jose.JOSEObjectType.JWT)
                    .build(), b.build().toPayload());
            jws.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            System.out.println(jws.serialize());
        } catch (JOSEException e) {
            // Nimbus says why, e.g. a secret shorter than the algorithm needs.
            throw new ParameterException(spec.commandLine(), "--secret: " + e.getMessage());
        }
        return Main.OK;
    }
}
