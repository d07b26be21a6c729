package io.archway.filter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.archway.filter.auth.jwt.TestKeys;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** api_key, basic_auth, auth_any, allow and ip_filter through the real gateway. */
class IdentityIntegrationTest {
    @RegisterExtension
    final TestBackend backend = TestBackend.replying("svc");
    final String secret = TestKeys.secret(32);

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    String yaml(String extra) throws Exception {
        return """
                filters: {access_log: false}
                consumers:
                  mobile: {api_keys: ["${MOBILE_KEY}"], groups: [partners]}
                  ops: {basic_auth: {password_sha256: %s}, groups: [admins]}
                  intern: {api_keys: [intern-key-0123456789]}
                jwt:
                  main: {issuer: https://auth.test, secret: "${JWT_SECRET}"}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: keyed
                    match: {path: /keyed/**}
                    upstream: svc
                    filters:
                      api_key: {header: X-API-Key, query: api_key}
                  - name: basic
                    match: {path: /basic/**}
                    upstream: svc
                    filters:
                      basic_auth: {realm: ops}
                  - name: any
                    match: {path: /any/**}
                    upstream: svc
                    filters:
                      auth_any: {of: [jwt, api_key, basic_auth]}
                      jwt: {issuer: main, scopes: [read]}
                      api_key: {}
                      basic_auth: {}
                  - name: partners
                    match: {path: /partners/**}
                    upstream: svc
                    filters:
                      allow: {groups: [partners], consumers: [ops]}
                      api_key: {}
                      basic_auth: {}
                      auth_any: {of: [api_key, basic_auth]}
                %s
                """.formatted(sha256("s3cret pass"), backend.address(), extra);
    }

    RunningGateway start(String extra) throws Exception {
        return RunningGateway.start(yaml(extra), Map.of("MOBILE_KEY", "mobile-key-abcdefghijkl", "JWT_SECRET", secret));
    }

    static HttpResponse<String> get(RunningGateway g, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.uri(path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return g.send(b.build());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anApiKeyInTheHeaderOrTheQueryNamesTheConsumer() throws Exception {
        try (RunningGateway g = start("")) {
            assertThat(get(g, "/keyed/a", "X-API-Key", "mobile-key-abcdefghijkl", "X-Consumer", "ops").statusCode())
                    .isEqualTo(200);
            assertThat(backend.lastSeen().headerAll("X-Consumer")).containsExactly("mobile");
            assertThat(get(g, "/keyed/a?x=1&api_key=intern-key-0123456789").statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("intern");
        }
    }

    @Test
    void aMissingOrUnknownApiKeyIs401() throws Exception {
        try (RunningGateway g = start("")) {
            HttpResponse<String> none = get(g, "/keyed/a");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).startsWith("{\"error\":\"unauthorized\",\"request_id\":");
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .hasValue("ApiKey header=\"X-API-Key\", query=\"api_key\"");
            assertThat(get(g, "/keyed/a", "X-API-Key", "mobile-key-abcdefghijkX").statusCode()).isEqualTo(401);
            assertThat(get(g, "/keyed/a?api_key=").statusCode()).isEqualTo(401);
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void basicAuthChecksThePasswordHash() throws Exception {
        try (RunningGateway g = start("")) {
            assertThat(get(g, "/basic/a", "Authorization", basic("ops", "s3cret pass")).statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("ops");
            HttpResponse<String> wrong = get(g, "/basic/a", "Authorization", basic("ops", "s3cret pasS"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"ops\", charset=\"UTF-8\"");
            assertThat(get(g, "/basic/a", "Authorization", basic("mobile", "s3cret pass")).statusCode()).isEqualTo(401);
            assertThat(get(g, "/basic/a", "Authorization", basic("nobody", "s3cret pass")).statusCode()).isEqualTo(401);
            assertThat(get(g, "/basic/a", "Authorization", "Basic !!!").statusCode()).isEqualTo(401);
            assertThat(get(g, "/basic/a").headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }

    @Test
    void authAnyTakesTheFirstThatSucceeds() throws Exception {
        try (RunningGateway g = start("")) {
            String token = TestKeys.hmac(secret, JWSAlgorithm.HS256,
                    TestKeys.claims("https://auth.test", "api", "alice").claim("scope", "read").build());
            assertThat(get(g, "/any/a", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("alice");
            assertThat(get(g, "/any/a", "X-API-Key", "intern-key-0123456789").statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("intern");
            assertThat(get(g, "/any/a", "Authorization", basic("ops", "s3cret pass")).statusCode()).isEqualTo(200);
            assertThat(backend.lastSeen().header("X-Consumer")).isEqualTo("ops");
            // A bad token, but a good API key: the key wins.
            assertThat(get(g, "/any/a", "Authorization", "Bearer nope.nope.nope", "X-API-Key", "intern-key-0123456789")
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void authAnyAnswersWithTheMostTellingDenial() throws Exception {
        try (RunningGateway g = start("")) {
            HttpResponse<String> none = get(g, "/any/a");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().allValues("WWW-Authenticate")).hasSize(3);
            HttpResponse<String> bad = get(g, "/any/a", "Authorization", "Bearer nope.nope.nope");
            assertThat(bad.statusCode()).isEqualTo(401);
            assertThat(bad.body()).startsWith("{\"error\":\"invalid_token\"");
            String noScope = TestKeys.hmac(secret, JWSAlgorithm.HS256,
                    TestKeys.claims("https://auth.test", "api", "alice").build());
            HttpResponse<String> forbidden = get(g, "/any/a", "Authorization", "Bearer " + noScope,
                    "X-API-Key", "wrong");
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.body()).startsWith("{\"error\":\"insufficient_scope\"");
            assertThat(backend.seen()).isEmpty();
        }
    }

    @Test
    void allowLetsNamedConsumersAndGroupsThrough() throws Exception {
        try (RunningGateway g = start("")) {
            assertThat(get(g, "/partners/a", "X-API-Key", "mobile-key-abcdefghijkl").statusCode()).isEqualTo(200);
            assertThat(get(g, "/partners/a", "Authorization", basic("ops", "s3cret pass")).statusCode()).isEqualTo(200);
            HttpResponse<String> intern = get(g, "/partners/a", "X-API-Key", "intern-key-0123456789");
            assertThat(intern.statusCode()).isEqualTo(403);
            assertThat(intern.body()).startsWith("{\"error\":\"forbidden\",\"request_id\":");
            assertThat(get(g, "/partners/a").statusCode()).as("authentication runs first").isEqualTo(401);
        }
    }

    @Test
    void ipFilterAllowsAndDeniesByCidr() throws Exception {
        String routes = """
                  - name: local
                    match: {path: /local/**}
                    upstream: svc
                    filters: {ip_filter: {allow: [127.0.0.0/8, "::1/128"]}}
                  - name: denied
                    match: {path: /denied/**}
                    upstream: svc
                    filters: {ip_filter: {allow: [0.0.0.0/0], deny: [127.0.0.1/32]}}
                  - name: v6only
                    match: {path: /v6/**}
                    upstream: svc
                    filters: {ip_filter: {allow: ["2001:db8::/32"]}}
                """;
        try (RunningGateway g = start(routes)) {
            assertThat(get(g, "/local/a").statusCode()).isEqualTo(200);
            HttpResponse<String> denied = get(g, "/denied/a");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).startsWith("{\"error\":\"forbidden\"");
            assertThat(get(g, "/v6/a").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void ipFilterUsesTheForwardedClientBehindATrustedProxy() throws Exception {
        String routes = """
                  - name: office
                    match: {path: /office/**}
                    upstream: svc
                    filters: {ip_filter: {allow: [203.0.113.0/24, "2001:db8::/32"]}}
                """;
        String yaml = "trusted_proxies: [127.0.0.1/32]\n" + yaml(routes);
        try (RunningGateway g = RunningGateway.start(yaml,
                Map.of("MOBILE_KEY", "mobile-key-abcdefghijkl", "JWT_SECRET", secret))) {
            assertThat(get(g, "/office/a", "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(200);
            assertThat(get(g, "/office/a", "X-Forwarded-For", "2001:db8::1").statusCode()).isEqualTo(200);
            assertThat(get(g, "/office/a", "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(403);
            // The right-most untrusted hop counts, not a value the client put first.
            assertThat(get(g, "/office/a", "X-Forwarded-For", "203.0.113.7, 198.51.100.1").statusCode())
                    .isEqualTo(403);
        }
    }
}
