package io.archway.filter.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.testing.JwksServer;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JwtIntegrationTest {
    static final String ISS = "https://auth.test";

    @RegisterExtension
    final TestBackend backend = TestBackend.replying("users");
    final JwksServer jwks = new JwksServer();
    final String secret = TestKeys.secret(32);
    final TestKeys.SigningKey k1 = TestKeys.rsa("k1");
    final TestKeys.SigningKey k2 = TestKeys.ec("k2", JWSAlgorithm.ES256);

    @AfterEach
    void stopJwks() {
        jwks.close();
    }

    String yaml() {
        return """
                filters: {access_log: false}
                limits: {max_header_size: 64KB}
                consumers:
                  alice: {groups: [admins]}
                jwt:
                  shared:
                    issuer: %s
                    audience: api
                    secret: ${JWT_SECRET}
                  remote:
                    issuer: %s
                    jwks_url: %s
                upstreams:
                  users: {targets: [{address: %s}]}
                routes:
                  - name: users
                    match: {path: /users/**}
                    upstream: users
                    filters:
                      jwt:
                        issuer: shared
                        scopes: [users:read]
                        forward_claims: {email: X-User-Email, tenant: X-Tenant}
                  - name: tenants
                    match: {path: /tenants/**}
                    upstream: users
                    filters:
                      jwt: {issuer: shared, claims: {tenant: acme}}
                  - name: remote
                    match: {path: /remote/**}
                    upstream: users
                    filters:
                      jwt: {issuer: remote}
                  - name: open
                    match: {path: /open/**}
                    upstream: users
                """.formatted(ISS, ISS, jwks.url(), backend.address());
    }

    RunningGateway start() {
        return RunningGateway.start(yaml(), Map.of("JWT_SECRET", secret));
    }

    JWTClaimsSet.Builder claims() {
        return TestKeys.claims(ISS, "api", "alice");
    }

    String hs(JWTClaimsSet c) {
        return TestKeys.hmac(secret, JWSAlgorithm.HS256, c);
    }

    static HttpResponse<String> get(RunningGateway g, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.uri(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return g.send(b.build());
    }

    static HttpResponse<String> bearer(RunningGateway g, String path, String token, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return get(g, path, all);
    }

    @Test
    void aValidTokenReachesTheUpstreamWithItsConsumerAndClaims() {
        try (RunningGateway g = start()) {
            String token = hs(claims().claim("scope", "users:read users:write").claim("email", "alice@example.com")
                    .claim("tenant", List.of("acme", "beta")).build());
            HttpResponse<String> r = bearer(g, "/users/1", token,
                    "X-Consumer", "mallory", "X-User-Email", "forged@example.com");
            assertThat(r.statusCode()).isEqualTo(200);
            TestBackend.Seen seen = backend.lastSeen();
            assertThat(seen.headerAll("X-Consumer")).containsExactly("alice");
            assertThat(seen.headerAll("X-User-Email")).containsExactly("alice@example.com");
            assertThat(seen.header("X-Tenant")).isEqualTo("[\"acme\",\"beta\"]");
            assertThat(seen.header("Authorization")).as("forwarded unchanged").isEqualTo("Bearer " + token);
        }
    }

    @Test
    void noTokenIs401WithABareBearerChallenge() {
        try (RunningGateway g = start()) {
            HttpResponse<String> r = get(g, "/users/1");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
            assertThat(r.body()).matches("\\{\"error\":\"unauthorized\",\"request_id\":\"[0-9a-f]{32}\"}");
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void aBadTokenIs401InvalidTokenPerRfc6750() {
        try (RunningGateway g = start()) {
            String expired = hs(claims().claim("scope", "users:read")
                    .expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
            HttpResponse<String> r = bearer(g, "/users/1", expired);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"invalid_token\", error_description=\"token expired\"");
            assertThat(r.body()).startsWith("{\"error\":\"invalid_token\",\"request_id\":");

            String forged = TestKeys.hmac(TestKeys.secret(32), JWSAlgorithm.HS256, claims().build());
            assertThat(bearer(g, "/users/1", forged).headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"invalid_token\", error_description=\"invalid signature\"");
            assertThat(bearer(g, "/users/1", "x".repeat(17_000)).headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"invalid_token\", error_description=\"token larger than 16 KB\"");
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void theReasonIsLoggedAtDebugButNeverTheToken() {
        ch.qos.logback.classic.Logger auth =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.archway.filter.auth");
        ch.qos.logback.classic.Level before = auth.getLevel();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        auth.addAppender(seen);
        auth.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (RunningGateway g = start()) {
            String expired = hs(claims().expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
            assertThat(bearer(g, "/users/1", expired).statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.list.stream()
                    .anyMatch(e -> e.getLoggerName().equals("io.archway.filter.auth")));
            String line = seen.list.stream().filter(e -> e.getLoggerName().equals("io.archway.filter.auth"))
                    .findFirst().orElseThrow().getFormattedMessage();
            assertThat(line).contains("invalid_token").contains("token expired").contains("route users");
            for (var e : seen.list) {
                assertThat(e.getFormattedMessage()).doesNotContain(expired).doesNotContain(expired.split("\\.")[2]);
            }
        } finally {
            auth.detachAppender(seen);
            auth.setLevel(before);
        }
    }

    @Test
    void aValidTokenWithoutTheScopeIs403InsufficientScope() {
        try (RunningGateway g = start()) {
            HttpResponse<String> r = bearer(g, "/users/1", hs(claims().claim("scp", List.of("users:write")).build()));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer error=\"insufficient_scope\"").contains("scope=\"users:read\"");
            assertThat(r.body()).startsWith("{\"error\":\"insufficient_scope\",\"request_id\":");
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void requiredClaimValuesAreChecked() {
        try (RunningGateway g = start()) {
            assertThat(bearer(g, "/tenants/1", hs(claims().claim("tenant", "acme").build())).statusCode()).isEqualTo(200);
            assertThat(bearer(g, "/tenants/1", hs(claims().claim("tenant", List.of("x", "acme")).build())).statusCode())
                    .isEqualTo(200);
            assertThat(bearer(g, "/tenants/1", hs(claims().claim("tenant", "other").build())).statusCode())
                    .isEqualTo(403);
            assertThat(bearer(g, "/tenants/1", hs(claims().build())).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void forwardedClaimHeadersAreStrippedOnRoutesWithoutJwt() {
        try (RunningGateway g = start()) {
            HttpResponse<String> r = get(g, "/open/x", "X-User-Email", "forged@example.com", "X-Tenant", "acme",
                    "X-Consumer", "admin", "X-Other", "kept");
            assertThat(r.statusCode()).isEqualTo(200);
            TestBackend.Seen seen = backend.lastSeen();
            assertThat(seen.header("X-User-Email")).isNull();
            assertThat(seen.header("X-Tenant")).isNull();
            assertThat(seen.header("X-Consumer")).isNull();
            assertThat(seen.header("X-Other")).isEqualTo("kept");
        }
    }

    @Test
    void aMissingForwardedClaimLeavesNoHeaderAndAControlCharacterIsEncoded() {
        try (RunningGateway g = start()) {
            String token = hs(claims().claim("scope", "users:read").claim("email", "a\r\nX-Evil: 1\u010a").build());
            assertThat(bearer(g, "/users/1", token, "X-Tenant", "forged").statusCode()).isEqualTo(200);
            TestBackend.Seen seen = backend.lastSeen();
            assertThat(seen.header("X-Tenant")).isNull();
            assertThat(seen.header("X-User-Email")).isEqualTo("a%0D%0AX-Evil: 1%C4%8A");
            assertThat(seen.header("X-Evil")).isNull();
        }
    }

    @Test
    void keysFromAJwksEndpointAreFetchedRotatedAndKeptWhenItGoesDown() {
        jwks.serve(TestKeys.jwks(k1));
        try (RunningGateway g = start()) {
            String t1 = k1.sign(TestKeys.claims(ISS, "api", "bob").build());
            assertThat(bearer(g, "/remote/a", t1).statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("bob");

            jwks.serve(TestKeys.jwks(k1, k2));
            String t2 = k2.sign(TestKeys.claims(ISS, "api", "carol").build());
            assertThat(bearer(g, "/remote/a", t2).statusCode()).as("unknown kid: refreshed, found").isEqualTo(200);

            jwks.stop();
            TestKeys.SigningKey k3 = TestKeys.rsa("k3");
            HttpResponse<String> r = bearer(g, "/remote/a", k3.sign(TestKeys.claims(ISS, "api", "dan").build()));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("unknown signing key");
            assertThat(bearer(g, "/remote/a", t1).statusCode()).as("last good keys").isEqualTo(200);
            assertThat(bearer(g, "/remote/a", t2).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSlowJwksEndpointDelaysOnlyTheFirstRequests() {
        jwks.serve(TestKeys.jwks(k1)).delay(Duration.ofMillis(500));
        try (RunningGateway g = start()) {
            String t1 = k1.sign(TestKeys.claims(ISS, "api", "bob").build());
            assertThat(bearer(g, "/remote/a", t1).statusCode()).isEqualTo(200);
            // Other routes never waited for it.
            assertThat(get(g, "/open/x").statusCode()).isEqualTo(200);
            assertThat(jwks.requests()).isEqualTo(1);
        }
    }

    @Test
    void aJwksEndpointNeverReachedAnswers503() {
        jwks.stop();
        try (RunningGateway g = start()) {
            HttpResponse<String> r = bearer(g, "/remote/a", k1.sign(TestKeys.claims(ISS, "api", "bob").build()));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).startsWith("{\"error\":\"jwks_unavailable\"");
        }
    }

    @Test
    void aReloadKeepsTheFetchedKeys() throws Exception {
        jwks.serve(TestKeys.jwks(k1));
        var config = io.archway.runtime.Configs.parse(yaml(), "test.yaml",
                io.archway.config.Interpolator.of(Map.of("JWT_SECRET", secret))).config();
        java.util.concurrent.ExecutorService blocking = java.util.concurrent.Executors.newCachedThreadPool();
        var loops = io.archway.proxy.Transports.group(1, "jwt-reload-test");
        var upstreamEnv = io.archway.upstream.UpstreamEnv.of(loops);
        try (var shared = new io.archway.filter.SharedResources()) {
            var env = new io.archway.filter.FilterEnv(config, shared, blocking);
            io.archway.runtime.Snapshot.compile(config, env, upstreamEnv);
            await().atMost(Duration.ofSeconds(5)).until(() -> jwks.requests() == 1);
            var reloaded = io.archway.runtime.Configs.parse(yaml().replace("scopes: [users:read]", "scopes: [x]"),
                    "test.yaml", io.archway.config.Interpolator.of(Map.of("JWT_SECRET", secret))).config();
            io.archway.runtime.Snapshot.compile(reloaded, new io.archway.filter.FilterEnv(reloaded, shared, blocking),
                    upstreamEnv);
            assertThat(jwks.requests()).as("the reload shares the fetched keys").isEqualTo(1);
        } finally {
            blocking.shutdownNow();
            loops.shutdownGracefully();
        }
    }
}
