package io.archway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TokenCommandTest {
    static final String SECRET = "a-local-secret-of-at-least-32-bytes!";

    @RegisterExtension
    final TestBackend backend = TestBackend.replying("users");

    private static synchronized String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8).trim(),
                err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void mintsATokenTheGatewayAccepts() throws Exception {
        String[] r = run("token", "--secret", SECRET, "--sub", "alice", "--scope", "users:read", "--scope", "x",
                "--iss", "https://auth.local", "--claim", "tenant=acme", "--ttl", "5m");
        assertThat(r[0]).isEqualTo("0");
        SignedJWT jwt = SignedJWT.parse(r[1]);
        assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getSubject()).isEqualTo("alice");
        assertThat(c.getStringClaim("scope")).isEqualTo("users:read x");
        assertThat(c.getStringClaim("tenant")).isEqualTo("acme");
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000);

        String yaml = """
                jwt:
                  local: {issuer: https://auth.local, secret: "${JWT_SECRET}"}
                upstreams: {users: {targets: [{address: %s}]}}
                routes:
                  - name: users
                    match: {path: /users/**}
                    upstream: users
                    filters: {jwt: {issuer: local, scopes: [users:read]}}
                """.formatted(backend.address());
        try (RunningGateway g = RunningGateway.start(yaml, Map.of("JWT_SECRET", SECRET))) {
            var response = g.send(HttpRequest.newBuilder(g.uri("/users/1")).header("Authorization", "Bearer " + r[1])
                    .build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("alice");
        }
    }

    @Test
    void refusesAShortSecretOrANonHmacAlgorithm() {
        String[] shortSecret = run("token", "--secret", "short", "--sub", "alice");
        assertThat(shortSecret[0]).isEqualTo("1");
        assertThat(shortSecret[2]).contains("--secret");
        String[] rsa = run("token", "--secret", SECRET, "--sub", "alice", "--alg", "RS256");
        assertThat(rsa[0]).isEqualTo("1");
        assertThat(rsa[2]).contains("expected: HS256, HS384 or HS512");
    }
}
