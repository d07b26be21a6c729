package io.archway.filter.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.runtime.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `archway validate` says about identity filters: every problem, at its YAML path. */
class IdentityConfigTest {
    @TempDir
    Path dir;

    static List<String> problems(String yaml) {
        try {
            Configs.parse(yaml, "test.yaml", Interpolator.of(Map.of()));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    static String route(String filters) {
        return """
                upstreams: {svc: {targets: [{address: 127.0.0.1:9000}]}}
                jwt:
                  main: {jwks_url: "https://auth.example.com/jwks.json"}
                routes:
                  - name: r
                    match: {path: /r/**}
                    upstream: svc
                    filters: %s
                """.formatted(filters);
    }

    @Test
    void anUndefinedIssuerIsNamedWithTheDefinedOnes() {
        assertThat(problems(route("{jwt: {issuer: mian}}")))
                .containsExactly("routes[0].filters.jwt.issuer: \"mian\" is not defined (expected one of: main)");
    }

    @Test
    void aMissingIssuerAndUnknownKeysAreReported() {
        assertThat(problems(route("{jwt: {scope: [a]}}"))).containsExactlyInAnyOrder(
                "routes[0].filters.jwt.scope: unknown key (expected one of: issuer, scopes, claims, forward_claims)",
                "routes[0].filters.jwt.issuer: missing (expected: the name of an issuer under jwt)");
    }

    @Test
    void aGlobalJwtFilterIsCheckedOnce() {
        String yaml = route("{}").replace("routes:", "filters: {jwt: {issuer: nope}}\nroutes:")
                .replace("filters: {}", "filters: {}\n  - name: s\n    match: {path: /s}\n    upstream: svc");
        assertThat(problems(yaml)).containsExactly("filters.jwt.issuer: \"nope\" is not defined (expected one of: main)");
    }

    @Test
    void forwardClaimsMayNotNameAHeaderTheGatewayNeeds() {
        assertThat(problems(route("{jwt: {issuer: main, forward_claims: {sub: Authorization, email: X_Mail}}}")))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].filters.jwt.forward_claims.sub: \"Authorization\""))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].filters.jwt.forward_claims.email: \"X_Mail\""));
    }

    @Test
    void aShortSecretIsReportedWithoutPrintingIt() {
        String yaml = route("{jwt: {issuer: hs}}").replace("jwt:\n", "jwt:\n  hs: {secret: too-short-secret}\n");
        assertThat(problems(yaml)).containsExactly("jwt.hs.secret: 16 bytes (expected: at least 32 bytes for HS256)");
    }

    @Test
    void aPublicKeyFileMustHoldAUsableKey() throws Exception {
        Path missing = dir.resolve("missing.pem");
        String yaml = route("{jwt: {issuer: pem}}").replace("jwt:\n", "jwt:\n  pem: {public_key: " + missing + "}\n");
        assertThat(problems(yaml)).singleElement().asString()
                .startsWith("jwt.pem.public_key: \"" + missing + "\" (expected: a PEM file").endsWith("; no such file)");

        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        Path ec = dir.resolve("ec.pem");
        Files.writeString(ec, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(g.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        String rsAlgs = route("{jwt: {issuer: pem}}")
                .replace("jwt:\n", "jwt:\n  pem: {public_key: " + ec + ", algorithms: [RS256]}\n");
        assertThat(problems(rsAlgs)).containsExactly(
                "jwt.pem.algorithms: [RS256] (expected: algorithms this public_key verifies: ES256)");
        String ok = route("{jwt: {issuer: pem}}")
                .replace("jwt:\n", "jwt:\n  pem: {public_key: " + ec + ", algorithms: [ES256]}\n");
        assertThat(problems(ok)).isEmpty();
    }

    @Test
    void authAnyListsOnlyFiltersTheRouteHas() {
        assertThat(problems(route("{auth_any: {of: [jwt, api_key]}, api_key: {}}"))).containsExactly(
                "routes[0].filters.auth_any.of[0]: \"jwt\" is not configured on routes[0] (expected: auth_any lists "
                        + "filters the route also has, like jwt: {...})");
        assertThat(problems(route("{auth_any: {of: [api_key, cors]}, api_key: {}}"))).containsExactly(
                "routes[0].filters.auth_any.of[1]: \"cors\" (expected: one of jwt, api_key, basic_auth)");
        assertThat(problems(route("{auth_any: {}}"))).containsExactly(
                "routes[0].filters.auth_any.of: missing (expected: a list of filters to try, like [jwt, api_key])");
    }

    @Test
    void allowNeedsAuthenticationOnTheRoute() {
        assertThat(problems(route("{allow: {groups: [admins]}}"))).singleElement().asString()
                .startsWith("routes[0].filters.allow: on routes[0], which authenticates no one");
        assertThat(problems(route("{allow: {}, api_key: {}}"))).containsExactly(
                "routes[0].filters.allow: allows no one (expected: consumers, groups or both, each with at least one name)");
        assertThat(problems(route("{allow: {groups: [admins]}, api_key: {}}"))).isEmpty();
    }

    @Test
    void ipFilterBlocksAreChecked() {
        assertThat(problems(route("{ip_filter: {allow: [10.0.0.0/33, \"fe80::/129\", example.com], deny: []}}")))
                .containsExactlyInAnyOrder(
                        "routes[0].filters.ip_filter.allow[0]: \"10.0.0.0/33\" (expected: a prefix length in 0..32)",
                        "routes[0].filters.ip_filter.allow[1]: \"fe80::/129\" (expected: a prefix length in 0..128)",
                        "routes[0].filters.ip_filter.allow[2]: \"example.com\" (expected: an IP address or CIDR block "
                                + "like 10.0.0.0/8)",
                        "routes[0].filters.ip_filter.deny: [] (expected: at least one an IP address or CIDR block like "
                                + "10.0.0.0/8 or 2001:db8::/32, or leave the key out)");
        assertThat(problems(route("{ip_filter: {}}"))).containsExactly(
                "routes[0].filters.ip_filter: filters nothing (expected: allow, deny or both, lists of CIDR blocks)");
    }

    @Test
    void basicAuthRealmAndApiKeyHeaderAreChecked() {
        assertThat(problems(route("{basic_auth: {realm: \"a\\\"b\"}, api_key: {header: \"X Key\"}}")))
                .containsExactlyInAnyOrder(
                        "routes[0].filters.basic_auth.realm: \"a\\\"b\" (expected: 1-128 printable characters without "
                                + "quotes or backslashes)",
                        "routes[0].filters.api_key.header: \"X Key\" (expected: a header name like X-API-Key)");
    }

    @Test
    void aValidIdentityConfigLoads() {
        String yaml = route("{jwt: {issuer: main, scopes: [a], claims: {tenant: acme}, forward_claims: {email: X-Email}}, "
                + "api_key: {query: key}, auth_any: {of: [jwt, api_key]}, allow: {consumers: [alice]}, "
                + "ip_filter: {deny: [\"10.0.0.0/8\"]}}");
        assertThat(problems(yaml)).isEmpty();
        assertThatThrownBy(() -> Configs.parse(route("{jwt: {issuer: x}}"), "t", Interpolator.of(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is invalid (1 problem)");
    }
}
