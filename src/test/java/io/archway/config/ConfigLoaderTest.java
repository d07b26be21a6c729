package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.config.FakeFilterCatalog.RequestIdConfig;
import io.archway.config.RouteConfig.WeightedUpstream;
import io.archway.config.UpstreamConfig.BalancerKind;
import io.archway.config.UpstreamConfig.HashOn;
import io.archway.config.UpstreamConfig.HealthCheckConfig;
import io.archway.config.UpstreamConfig.HostHeader;
import io.archway.config.UpstreamConfig.PassiveCheck;
import io.archway.config.UpstreamConfig.PoolConfig;
import io.archway.config.UpstreamConfig.RetriesConfig;
import io.archway.config.UpstreamConfig.TimeoutsConfig;
import io.archway.config.UpstreamConfig.UpstreamTlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String SOURCE = "archway.yaml";

    /** One upstream, for tests about something else. */
    private static final String USERS = """
            upstreams:
              users:
                targets: [{address: 127.0.0.1:9001}]
            """;

    private Map<String, String> env = Map.of();
    private FilterCatalog catalog = FakeFilterCatalog.standard();

    private LoadResult parse(String yaml) {
        return new ConfigLoader(catalog, Interpolator.of(env)).parse(yaml, SOURCE);
    }

    private List<String> problems(String yaml) {
        return parse(yaml).problems().lines();
    }

    private GatewayConfig valid(String yaml) {
        LoadResult result = parse(yaml);
        assertThat(result.problems().lines()).as("problems").isEmpty();
        return result.config();
    }

    private void assertOnlyProblem(String yaml, String expected) {
        assertThat(problems(yaml)).containsExactly(expected);
    }

    private UpstreamConfig readUpstream(String upstreamBody) {
        return valid("upstreams:\n  users:\n" + upstreamBody.indent(4)).upstreams().get("users");
    }

    private List<String> upstreamProblems(String upstreamBody) {
        return problems("upstreams:\n  users:\n" + upstreamBody.indent(4));
    }

    private List<String> routeProblems(String routeBody) {
        return problems(USERS + "routes:\n  - " + routeBody.indent(4).substring(4));
    }

    private RouteConfig route(String routeBody) {
        return valid(USERS + "routes:\n  - " + routeBody.indent(4).substring(4)).routes().get(0);
    }

    @Nested
    class DesignExample {
        /**
         * DESIGN §2 and §4, with three gaps filled: the API key placeholder quoted (a bare ${...}
         * inside [ ] is a YAML syntax error), the password hash written out in full, and the
         * mirror's upstream defined.
         */
        private static final String EXAMPLE = """
                listen: 0.0.0.0:8080            # one address, or a list of them
                trusted_proxies: [10.0.0.0/8]   # peers whose X-Forwarded-For is believed
                # tls:                          # HTTPS listener (HTTP/2 by ALPN)
                #   listen: 0.0.0.0:8443
                admin:
                  listen: 127.0.0.1:8081
                  token: ${ARCHWAY_ADMIN_TOKEN:-}

                limits:                          # defaults shown
                  max_connections: 10000
                  max_header_size: 16KB
                  max_body_size: 10MB
                  header_timeout: 10s
                  idle_timeout: 60s
                shutdown_grace: 30s

                upstreams:
                  users:
                    balancer: round_robin
                    hash_on: ip
                    targets:
                      - {address: 127.0.0.1:9001, weight: 3}
                      - {address: 127.0.0.1:9002}
                    # discovery: {dns: users.internal:8080, refresh: 10s}
                    health_check:
                      active: {path: /health, interval: 2s, timeout: 1s, healthy: 2, unhealthy: 3}
                      passive: {failures: 5, eject_for: 30s}
                    slow_start: 30s
                    timeouts: {connect: 2s, response: 30s}
                    retries: {attempts: 2, on: [connect_failure, 502, 503, 504]}
                    circuit_breaker: {failure_rate: 50%, min_requests: 20, open_for: 10s}
                    pool: {max_per_target: 256, idle_timeout: 50s}
                    host: original
                    tls: false
                    http2: false
                  users-shadow:
                    targets: [{address: 127.0.0.1:9101}]

                consumers:
                  mobile-app:
                    api_keys: ["${MOBILE_APP_KEY}"]
                    groups: [partners]
                  ops:
                    basic_auth: {password_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
                    groups: [admins]

                jwt:
                  main:
                    issuer: https://auth.example.com
                    audience: api
                    jwks_url: https://auth.example.com/.well-known/jwks.json
                    algorithms: [RS256, ES256]
                    clock_skew: 30s
                    consumer_claim: sub

                filters:
                  request_id: {}
                  access_log: {}

                routes:
                  - name: users
                    match:
                      host: api.example.com
                      path: /api/users/{id}
                      methods: [GET, PUT]
                      headers: {X-Api-Version: "2"}
                      query: {beta: "true"}
                    upstream: users
                    mirror: {upstream: users-shadow, percent: 10}
                    rewrite: {strip_prefix: /api}
                    filters:
                      jwt: {issuer: main, scopes: [users:read]}
                      rate_limit: {limit: 100, per: 1m, key: consumer, burst: 20}
                      cache: {ttl: 30s}
                  - name: health
                    match: {path: /healthz}
                    respond: {status: 200, body: "ok\\n"}

                cluster:
                  redis: redis://127.0.0.1:6379
                  fail_open: true
                """;

        @Test
        void parsesTheWholeExample() {
            catalog = FakeFilterCatalog.everything();
            env = Map.of("MOBILE_APP_KEY", "k-123");

            GatewayConfig c = valid(EXAMPLE);

            assertThat(c.listen()).containsExactly(new HostPort("0.0.0.0", 8080));
            assertThat(c.trustedProxies()).containsExactly(Cidr.parse("10.0.0.0/8"));
            assertThat(c.tls()).isNull();
            assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 8081), ""));
            assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
            assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));

            UpstreamConfig users = c.upstreams().get("users");
            assertThat(users.balancer()).isEqualTo(BalancerKind.ROUND_ROBIN);
            assertThat(users.hashOn()).as("hash_on means nothing to round_robin").isNull();
            assertThat(users.targets()).extracting(t -> t.address().toString(), UpstreamConfig.TargetConfig::weight)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1:9001", 3),
                            org.assertj.core.groups.Tuple.tuple("127.0.0.1:9002", 1));
            assertThat(users.healthCheck().active()).isEqualTo(new UpstreamConfig.ActiveCheck(
                    "/health", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3));
            assertThat(users.healthCheck().passive()).isEqualTo(PassiveCheck.DEFAULTS);
            assertThat(users.slowStart()).isEqualTo(Duration.ofSeconds(30));
            assertThat(users.timeouts()).isEqualTo(TimeoutsConfig.DEFAULTS);
            assertThat(users.retries()).isEqualTo(new RetriesConfig(2, true, Set.of(502, 503, 504)));
            assertThat(users.circuitBreaker()).isEqualTo(
                    new UpstreamConfig.CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(10)));
            assertThat(users.pool()).isEqualTo(PoolConfig.DEFAULTS);
            assertThat(users.host()).isEqualTo(HostHeader.ORIGINAL);
            assertThat(users.tls()).isEqualTo(UpstreamTlsConfig.OFF);
            assertThat(users.http2()).isFalse();

            assertThat(c.consumers().get("mobile-app").apiKeys()).containsExactly("k-123");
            assertThat(c.consumers().get("mobile-app").groups()).containsExactly("partners");
            assertThat(c.consumers().get("ops").basicAuth().passwordSha256())
                    .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

            JwtIssuerConfig main = c.jwt().get("main");
            assertThat(main.issuer()).isEqualTo("https://auth.example.com");
            assertThat(main.audience()).containsExactly("api");
            assertThat(main.jwksUrl()).isEqualTo("https://auth.example.com/.well-known/jwks.json");
            assertThat(main.algorithms()).containsExactly("RS256", "ES256");
            assertThat(main.clockSkew()).isEqualTo(Duration.ofSeconds(30));
            assertThat(main.consumerClaim()).isEqualTo("sub");

            assertThat(c.filters()).containsOnlyKeys("request_id", "access_log");
            assertThat(c.filters().get("request_id"))
                    .isEqualTo(new FilterSpec.Enabled("request_id", new RequestIdConfig("X-Request-Id")));

            RouteConfig route = c.routes().get(0);
            assertThat(route.name()).isEqualTo("users");
            assertThat(route.match().host()).isEqualTo("api.example.com");
            assertThat(route.match().path()).isEqualTo("/api/users/{id}");
            assertThat(route.match().methods()).containsExactlyInAnyOrder("GET", "PUT");
            assertThat(route.match().headers()).containsExactly(Map.entry("x-api-version", "2"));
            assertThat(route.match().query()).containsExactly(Map.entry("beta", "true"));
            assertThat(route.upstreams()).containsExactly(new WeightedUpstream("users", 1));
            assertThat(route.mirror()).isEqualTo(new RouteConfig.MirrorConfig("users-shadow", 10.0));
            assertThat(route.rewrite()).isEqualTo(new RouteConfig.RewriteConfig("/api", null));
            assertThat(route.filters()).containsOnlyKeys("jwt", "rate_limit", "cache");
            assertThat(route.filters().get("rate_limit")).isEqualTo(new FilterSpec.Enabled("rate_limit",
                    new FakeFilterCatalog.Settings("{\"limit\":100,\"per\":\"1m\",\"key\":\"consumer\",\"burst\":20}")));

            RouteConfig health = c.routes().get(1);
            assertThat(health.respond()).isEqualTo(new RouteConfig.RespondConfig(200, "ok\n", Map.of()));
            assertThat(health.upstreams()).isEmpty();

            assertThat(c.cluster()).isEqualTo(new ClusterConfig("redis://127.0.0.1:6379", true));
        }

        @Test
        void writtenTreeKeepsPlaceholders() {
            catalog = FakeFilterCatalog.everything();
            env = Map.of("MOBILE_APP_KEY", "k-123", "ARCHWAY_ADMIN_TOKEN", "t0ken");

            LoadResult result = parse(EXAMPLE);

            assertThat(result.problems().isEmpty()).isTrue();
            assertThat(result.config().admin().token()).isEqualTo("t0ken");
            assertThat(result.written().at("/admin/token").asText()).isEqualTo("${ARCHWAY_ADMIN_TOKEN:-}");
            assertThat(result.written().at("/consumers/mobile-app/api_keys/0").asText()).isEqualTo("${MOBILE_APP_KEY}");
            assertThat(result.written().toString()).doesNotContain("k-123", "t0ken");
        }

        @Test
        void unquotedPlaceholderInFlowListIsASyntaxErrorWithAHint() {
            assertOnlyProblem("consumers:\n  app:\n    api_keys: [${KEY}]\n",
                    "archway.yaml: line 3, column 17: expected ',' or ']', but got {;"
                            + " quote values that contain ${...} inside [ ] or { }");
        }
    }

    @Nested
    class Yaml {
        @Test
        void emptyFileIsValidWithDefaults() {
            for (String empty : List.of("", "\n", "# nothing here\n  # at all\n", "---\n")) {
                LoadResult result = parse(empty);
                assertThat(result.problems().lines()).as("%s", empty).isEmpty();
                assertThat(result.config().routes()).isEmpty();
                assertThat(result.config().listen()).containsExactly(new HostPort("0.0.0.0", 8080));
                assertThat(result.written().isObject()).isTrue();
            }
        }

        @Test
        void syntaxErrorIsOneLineWithLineAndColumn() {
            LoadResult result = parse("listen: 0.0.0.0:8080\nadmin:\n  listen: a: b\n");

            assertThat(result.problems().lines())
                    .containsExactly("archway.yaml: line 3, column 12: mapping values are not allowed here");
            assertThat(result.config().routes()).isEmpty();
        }

        @Test
        void syntaxErrorNamesWhereTheEnclosingBlockStarted() {
            assertThat(problems("upstreams:\n  users:\n    targets: []\n   balancer: random\n"))
                    .singleElement().asString()
                    .startsWith("archway.yaml: line 4, column 4: expected <block end>, but found")
                    .contains("started at line 2")
                    .doesNotContain("\n");
        }

        @Test
        void duplicateKeyIsReportedWithItsPathAndReadingGoesOn() {
            assertThat(problems(USERS + """
                        balancer: random
                        balancer: ewma
                    listen: nowhere
                    """)).containsExactly(
                    "upstreams.users.balancer: duplicate key at line 5, column 5 (expected: each key at most once in a map)",
                    "listen: \"nowhere\" (expected: host:port)");
        }

        @Test
        void duplicateKeyInsideAListItem() {
            assertOnlyProblem(USERS + """
                    routes:
                      - name: a
                        name: b
                        match: {path: /}
                        upstream: users
                    """, "routes[0].name: duplicate key at line 6, column 5 (expected: each key at most once in a map)");
        }

        @Test
        void aliasesAreRejectedRatherThanReadAsTheirName() {
            assertOnlyProblem(USERS + """
                        host: &h users.internal
                      other:
                        targets: [{address: 127.0.0.1:9002}]
                        host: *h
                    """, "upstreams.other.host: *h (expected: the value written out; YAML aliases are not supported)");
        }

        @Test
        void secondDocumentIsRejected() {
            assertOnlyProblem("listen: 0.0.0.0:8080\n---\nlisten: 0.0.0.0:9090\n",
                    "archway.yaml: line 3: a second YAML document (expected: one document per file)");
        }

        @Test
        void rootMustBeAMap() {
            assertThat(problems("- listen\n")).singleElement().asString()
                    .startsWith("(root): a list (expected: a map with keys listen, trusted_proxies, tls,");
        }

        @Test
        void onlyTrueAndFalseAreBooleans() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\nhttp2: yes"))
                    .containsExactly("upstreams.users.http2: \"yes\" (expected: true or false)");
            assertThat(route("name: r\nmatch: {path: /, headers: {X-Debug: n}}\nupstream: users").match().headers())
                    .containsExactly(Map.entry("x-debug", "n"));
        }

        @Test
        void scalarsKeepTheTextAsWritten() {
            GatewayConfig c = valid(USERS + """
                    consumers:
                      app: {api_keys: [0123, 10]}
                    routes:
                      - name: r
                        match: {path: /, headers: {X-Api-Version: 2.10}}
                        upstream: users
                    """);

            assertThat(c.consumers().get("app").apiKeys()).as("not octal 83").containsExactly("0123", "10");
            assertThat(c.routes().get(0).match().headers()).containsEntry("x-api-version", "2.10");
        }

        @Test
        void byteOrderMarkIsIgnored() {
            assertThat(valid("\uFEFFlisten: 0.0.0.0:9000\n").listen()).containsExactly(new HostPort("0.0.0.0", 9000));
        }
    }

    @Nested
    class UnknownKeys {
        @Test
        void areReportedAtEveryDepth() {
            assertThat(problems("""
                    lsten: 0.0.0.0:8080
                    upstreams:
                      users:
                        balancr: random
                        targets: [{address: 127.0.0.1:9001, wieght: 2}]
                        health_check:
                          active: {intervall: 2s}
                    filters:
                      request_id: {hedaer: X-Id}
                    routes:
                      - name: r
                        match: {pth: /}
                        upstream: users
                    """)).containsExactly(
                    "lsten: unknown key (expected one of: listen, trusted_proxies, tls, admin, limits, shutdown_grace,"
                            + " upstreams, consumers, jwt, filters, routes, cluster)",
                    "upstreams.users.balancr: unknown key (expected one of: balancer, hash_on, targets, discovery,"
                            + " health_check, slow_start, timeouts, retries, circuit_breaker, pool, host, tls, http2)",
                    "upstreams.users.targets[0].wieght: unknown key (expected one of: address, weight)",
                    "upstreams.users.health_check.active.intervall: unknown key"
                            + " (expected one of: path, interval, timeout, healthy, unhealthy)",
                    "filters.request_id.hedaer: unknown key (expected one of: header)",
                    "routes[0].match.pth: unknown key (expected one of: host, path, methods, headers, query)",
                    "routes[0].match.path: missing (expected: a path starting with /)");
        }
    }

    @Nested
    class Defaults {
        @Test
        void topLevel() {
            GatewayConfig c = valid("routes: []\n");

            assertThat(c.listen()).containsExactly(new HostPort("0.0.0.0", 8080));
            assertThat(c.trustedProxies()).isEmpty();
            assertThat(c.tls()).isNull();
            assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 8081), ""));
            assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
            assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.upstreams()).isEmpty();
            assertThat(c.consumers()).isEmpty();
            assertThat(c.jwt()).isEmpty();
            assertThat(c.filters()).isEmpty();
            assertThat(c.cluster()).isNull();
        }

        @Test
        void upstream() {
            UpstreamConfig u = readUpstream("targets: [{address: 127.0.0.1:9001}]");

            assertThat(u.name()).isEqualTo("users");
            assertThat(u.balancer()).isEqualTo(BalancerKind.ROUND_ROBIN);
            assertThat(u.hashOn()).isNull();
            assertThat(u.targets()).containsExactly(
                    new UpstreamConfig.TargetConfig(new HostPort("127.0.0.1", 9001), 1));
            assertThat(u.discovery()).isNull();
            assertThat(u.healthCheck()).isEqualTo(HealthCheckConfig.DEFAULTS);
            assertThat(u.slowStart()).isZero();
            assertThat(u.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ofSeconds(2), Duration.ofSeconds(30)));
            assertThat(u.retries()).isEqualTo(new RetriesConfig(1, true, Set.of()));
            assertThat(u.circuitBreaker()).isNull();
            assertThat(u.pool()).isEqualTo(new PoolConfig(256, Duration.ofSeconds(50)));
            assertThat(u.host()).isEqualTo(HostHeader.ORIGINAL);
            assertThat(u.tls()).isEqualTo(UpstreamTlsConfig.OFF);
            assertThat(u.http2()).isFalse();
        }

        @Test
        void upstreamSections() {
            UpstreamConfig u = readUpstream("""
                    balancer: consistent_hash
                    targets: [{address: 127.0.0.1:9001}]
                    health_check: {active: {}}
                    retries: {attempts: 3}
                    circuit_breaker: {}
                    discovery: ~
                    """);

            assertThat(u.hashOn()).isEqualTo(new HashOn(HashOn.Source.IP, null));
            assertThat(u.healthCheck().active()).isEqualTo(new UpstreamConfig.ActiveCheck(
                    "/health", Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3));
            assertThat(u.healthCheck().passive()).isEqualTo(new PassiveCheck(5, Duration.ofSeconds(30)));
            assertThat(u.retries()).isEqualTo(new RetriesConfig(3, true, Set.of()));
            assertThat(u.circuitBreaker()).isEqualTo(
                    new UpstreamConfig.CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(10)));
        }

        @Test
        void discoveryRefresh() {
            UpstreamConfig u = readUpstream("discovery: {dns: users.internal:8080}");

            assertThat(u.targets()).isEmpty();
            assertThat(u.discovery()).isEqualTo(new UpstreamConfig.DiscoveryConfig(
                    new HostPort("users.internal", 8080), Duration.ofSeconds(10)));
        }

        @Test
        void jwtAlgorithmsFollowTheKind() {
            env = Map.of("JWT_SECRET", "s3cret");
            GatewayConfig c = valid("""
                    jwt:
                      keyed: {public_key: keys/pub.pem}
                      shared: {secret: "${JWT_SECRET}", audience: [a, b]}
                    """);

            JwtIssuerConfig keyed = c.jwt().get("keyed");
            assertThat(keyed.algorithms()).containsExactly("RS256", "ES256");
            assertThat(keyed.clockSkew()).isEqualTo(Duration.ofSeconds(30));
            assertThat(keyed.consumerClaim()).isEqualTo("sub");
            assertThat(keyed.issuer()).isNull();
            assertThat(keyed.audience()).isEmpty();
            JwtIssuerConfig shared = c.jwt().get("shared");
            assertThat(shared.algorithms()).containsExactly("HS256");
            assertThat(shared.secret()).isEqualTo("s3cret");
            assertThat(shared.audience()).containsExactly("a", "b");
        }

        @Test
        void routeParts() {
            GatewayConfig c = valid(USERS + """
                    routes:
                      - name: fixed
                        match: {path: /fixed}
                        respond: {}
                      - name: mirrored
                        match: {path: /m, methods: [get, Post]}
                        upstreams: [{name: users}]
                        mirror: {upstream: users}
                    """);

            assertThat(c.routes().get(0).respond()).isEqualTo(new RouteConfig.RespondConfig(200, "", Map.of()));
            assertThat(c.routes().get(0).match().methods()).as("empty means all").isEmpty();
            assertThat(c.routes().get(0).match().host()).isNull();
            assertThat(c.routes().get(1).upstreams()).containsExactly(new WeightedUpstream("users", 1));
            assertThat(c.routes().get(1).mirror()).isEqualTo(new RouteConfig.MirrorConfig("users", 100.0));
            assertThat(c.routes().get(1).match().methods()).containsExactlyInAnyOrder("GET", "POST");
        }

        @Test
        void clusterFailsOpen() {
            assertThat(valid("cluster: {redis: rediss://redis.internal:6380/0}\n").cluster())
                    .isEqualTo(new ClusterConfig("rediss://redis.internal:6380/0", true));
        }
    }

    @Nested
    class Interpolation {
        @Test
        void defaultIsUsedWhenTheVariableIsUnset() {
            UpstreamConfig u = readUpstream("targets: [{address: \"127.0.0.1:${USERS_PORT:-9001}\"}]");

            assertThat(u.targets().get(0).address()).isEqualTo(new HostPort("127.0.0.1", 9001));
        }

        @Test
        void setVariableWinsOverTheDefault() {
            env = Map.of("USERS_PORT", "9500");

            UpstreamConfig u = readUpstream("targets: [{address: \"127.0.0.1:${USERS_PORT:-9001}\"}]");

            assertThat(u.targets().get(0).address()).isEqualTo(new HostPort("127.0.0.1", 9500));
        }

        @Test
        void unsetVariableNamesTheVariableAndThePathOnce() {
            assertOnlyProblem("consumers:\n  app: {api_keys: [\"${MOBILE_APP_KEY}\"]}\n",
                    "consumers.app.api_keys[0]: environment variable MOBILE_APP_KEY is not set"
                            + " (expected: set it, or write ${MOBILE_APP_KEY:-default})");
        }

        @Test
        void errorsShowTheWrittenFormNotTheExpandedSecret() {
            env = Map.of("REDIS_URL", "http://:hunter2@redis:6379");

            assertOnlyProblem("cluster: {redis: \"${REDIS_URL}\"}\n",
                    "cluster.redis: \"${REDIS_URL}\" (expected: a redis:// or rediss:// URL like redis://127.0.0.1:6379)");
        }

        @Test
        void emptyDefaultCountsAsEmpty() {
            assertOnlyProblem("consumers:\n  app: {api_keys: [\"${KEY:-}\"]}\n",
                    "consumers.app.api_keys[0]: \"${KEY:-}\" (expected: a non-empty API key)");
        }
    }

    @Nested
    class TopLevel {
        @Test
        void listenTakesOneAddressOrAList() {
            assertThat(valid("listen: 127.0.0.1:0\n").listen()).containsExactly(new HostPort("127.0.0.1", 0));
            assertThat(valid("listen: [0.0.0.0:8080, \"[::1]:8443\"]\n").listen())
                    .containsExactly(new HostPort("0.0.0.0", 8080), new HostPort("::1", 8443));
        }

        @Test
        void listenPortOutOfRange() {
            assertOnlyProblem("listen: [0.0.0.0:8080, 0.0.0.0:99999]\n",
                    "listen[1]: \"0.0.0.0:99999\" (expected: a port in 0..65535)");
        }

        @Test
        void listenHostMustBeAHost() {
            assertOnlyProblem("listen: \"my host:80\"\n",
                    "listen: \"my host:80\" (expected: host:port with a host name or IP address)");
        }

        @Test
        void twoListenersOnOnePort() {
            assertOnlyProblem("listen: 0.0.0.0:8081\n",
                    "listen: \"0.0.0.0:8081\" (expected: a port no other listener uses; admin.listen has it)");
            assertOnlyProblem("listen: [127.0.0.1:9000, 0.0.0.0:9000]\n",
                    "listen[1]: \"0.0.0.0:9000\" (expected: a port no other listener uses; listen[0] has it)");
            valid("listen: [127.0.0.1:0, 127.0.0.1:0]\nadmin: {listen: 127.0.0.1:0}\n");
            valid("listen: [127.0.0.1:9000, 127.0.0.2:9000]\n");
        }

        @Test
        void trustedProxies() {
            assertThat(problems("trusted_proxies: [10.0.0.0/33, proxy.local, 10.1]\n")).containsExactly(
                    "trusted_proxies[0]: \"10.0.0.0/33\" (expected: a prefix length in 0..32)",
                    "trusted_proxies[1]: \"proxy.local\" (expected: an IP address or CIDR block like 10.0.0.0/8)",
                    "trusted_proxies[2]: 10.1 (expected: an IP address or CIDR block like 10.0.0.0/8)");
            assertThat(valid("trusted_proxies: [\"::1\", 192.168.0.0/16]\n").trustedProxies()).hasSize(2);
        }

        @Test
        void tls() {
            GatewayConfig c = valid("tls:\n  listen: 0.0.0.0:8443\n  certificates: [{cert: a.pem, key: a.key}]\n");
            assertThat(c.tls()).isEqualTo(new TlsConfig(List.of(new HostPort("0.0.0.0", 8443)),
                    List.of(new TlsConfig.CertificateConfig("a.pem", "a.key"))));

            assertThat(problems("tls:\n  certificates: [{cert: a.pem}]\n")).containsExactly(
                    "tls.listen: missing (expected: host:port like 0.0.0.0:8443)",
                    "tls.certificates[0].key: missing (expected: a PEM private key file)");
            assertOnlyProblem("tls: {listen: 0.0.0.0:8443}\n",
                    "tls.certificates: missing (expected: at least one {cert: FILE, key: FILE})");
        }

        @Test
        void admin() {
            assertThat(valid("admin: {listen: 127.0.0.1:9901, token: abc}\n").admin())
                    .isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 9901), "abc"));
            assertOnlyProblem("admin: {listen: [127.0.0.1:9901]}\n",
                    "admin.listen: a list (expected: one host:port like 127.0.0.1:8081)");
        }

        @Test
        void limits() {
            GatewayConfig c = valid("limits: {max_connections: 5, max_header_size: 8KB, max_body_size: 1MB,"
                    + " header_timeout: 500ms, idle_timeout: 2m}\n");
            assertThat(c.limits()).isEqualTo(new LimitsConfig(5, 8192, 1024 * 1024,
                    Duration.ofMillis(500), Duration.ofMinutes(2)));

            assertThat(problems("limits: {max_connections: 0, max_header_size: 0KB, max_body_size: lots,"
                    + " header_timeout: 0s, idle_timeout: forever}\n")).containsExactly(
                    "limits.max_connections: 0 (expected: an integer in 1..2147483647)",
                    "limits.max_header_size: \"0KB\" (expected: a size above 0 and below 2GB, like 16KB)",
                    "limits.max_body_size: \"lots\" (expected: a size like 512B, 64KB or 10MB)",
                    "limits.header_timeout: \"0s\" (expected: a duration above 0 like 250ms, 2s, 1m or 1h)",
                    "limits.idle_timeout: \"forever\" (expected: a duration like 250ms, 2s, 1m or 1h)");
        }

        @Test
        void shutdownGrace() {
            assertThat(valid("shutdown_grace: 0s\n").shutdownGrace()).isZero();
            assertOnlyProblem("shutdown_grace: 30\n",
                    "shutdown_grace: 30 (expected: a duration like 250ms, 2s, 1m or 1h)");
        }

        @Test
        void clusterRedisIsRequired() {
            assertOnlyProblem("cluster: {fail_open: false}\n",
                    "cluster.redis: missing (expected: a redis:// or rediss:// URL like redis://127.0.0.1:6379)");
        }

        @Test
        void clusterRedisMustBeARedisUrlAndItsPasswordStaysHidden() {
            assertOnlyProblem("cluster: {redis: \"http://admin:hunter2@redis:6379\"}\n",
                    "cluster.redis: \"http://admin:***@redis:6379\" (expected: a redis:// or rediss:// URL like"
                            + " redis://127.0.0.1:6379)");
        }
    }

    @Nested
    class Upstreams {
        @Test
        void nameMustBeSafe() {
            assertOnlyProblem("upstreams:\n  \"users v2\": {targets: [{address: 127.0.0.1:9001}]}\n",
                    "upstreams.users v2: \"users v2\" (expected: a name of letters, digits, '.', '_' and '-')");
        }

        @Test
        void unknownBalancer() {
            assertThat(upstreamProblems("balancer: fastest\ntargets: [{address: 127.0.0.1:9001}]")).containsExactly(
                    "upstreams.users.balancer: \"fastest\" (expected: one of round_robin, least_connections,"
                            + " least_request, ewma, ip_hash, consistent_hash, random)");
        }

        @Test
        void hashOnWithConsistentHash() {
            UpstreamConfig u = readUpstream("balancer: consistent_hash\nhash_on: header:X-User\n"
                    + "targets: [{address: 127.0.0.1:9001}]");

            assertThat(u.hashOn()).isEqualTo(new HashOn(HashOn.Source.HEADER, "x-user"));
            assertThat(readUpstream("balancer: consistent_hash\nhash_on: cookie:sid\n"
                    + "targets: [{address: 127.0.0.1:9001}]").hashOn()).hasToString("cookie:sid");
        }

        @Test
        void hashOnOnlyWithConsistentHash() {
            assertThat(upstreamProblems("balancer: least_request\nhash_on: path\n"
                    + "targets: [{address: 127.0.0.1:9001}]")).containsExactly(
                    "upstreams.users.hash_on: \"path\" (expected: hash_on only with balancer: consistent_hash)");
        }

        @Test
        void hashOnSyntax() {
            assertThat(upstreamProblems("balancer: consistent_hash\nhash_on: \"header:\"\n"
                    + "targets: [{address: 127.0.0.1:9001}]")).containsExactly(
                    "upstreams.users.hash_on: \"header:\" (expected: ip, path, header:NAME, cookie:NAME or query:NAME)");
        }

        @Test
        void targetsAreRequiredWithoutDiscovery() {
            assertThat(upstreamProblems("balancer: random")).containsExactly(
                    "upstreams.users.targets: missing (expected: at least one target, or discovery)");
            assertThat(upstreamProblems("targets: []")).containsExactly(
                    "upstreams.users.targets: [] (expected: at least one target, or discovery)");
        }

        @Test
        void targetsAndDiscoveryExcludeEachOther() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "discovery: {dns: users.internal:8080}")).containsExactly(
                    "upstreams.users.discovery: set together with targets (expected: either targets or discovery)");
        }

        @Test
        void targetPortOutOfRange() {
            assertThat(upstreamProblems("targets: [{address: 10.0.0.1:70000}, {address: 10.0.0.1:0}]"))
                    .containsExactly(
                            "upstreams.users.targets[0].address: \"10.0.0.1:70000\" (expected: a port in 1..65535)",
                            "upstreams.users.targets[1].address: \"10.0.0.1:0\" (expected: a port in 1..65535)");
        }

        @Test
        void targetAddressRequired() {
            assertThat(upstreamProblems("targets: [{weight: 2}]")).containsExactly(
                    "upstreams.users.targets[0].address: missing (expected: host:port)");
        }

        @Test
        void targetWeightRange() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001, weight: 5000}]")).containsExactly(
                    "upstreams.users.targets[0].weight: 5000 (expected: an integer in 0..1000)");
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001, weight: 0}]").targets().get(0).weight()).isZero();
        }

        @Test
        void duplicateTargetAddress() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}, {address: 127.0.0.1:9001, weight: 2}]"))
                    .containsExactly("upstreams.users.targets[1].address: \"127.0.0.1:9001\" (expected: each address"
                            + " once, it is already at upstreams.users.targets[0].address)");
        }

        @Test
        void activeCheckTimeoutBelowInterval() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "health_check: {active: {interval: 2s, timeout: 2s}}")).containsExactly(
                    "upstreams.users.health_check.active.timeout: \"2s\" (expected: less than interval (2s))");
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "health_check: {active: {interval: 500ms}}")).containsExactly(
                    "upstreams.users.health_check.active.interval: \"500ms\" (expected: more than timeout (1s))");
        }

        @Test
        void activeCheckPath() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "health_check: {active: {path: health}}")).containsExactly(
                    "upstreams.users.health_check.active.path: \"health\" (expected: a path starting with /)");
        }

        @Test
        void passiveCheckCanBeTurnedOff() {
            UpstreamConfig u = readUpstream("targets: [{address: 127.0.0.1:9001}]\nhealth_check: {passive: false}");

            assertThat(u.healthCheck().passive().failures()).isZero();
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\nhealth_check: {passive: {eject_for: 1m}}")
                    .healthCheck().passive()).isEqualTo(new PassiveCheck(5, Duration.ofMinutes(1)));
        }

        @Test
        void retries() {
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\nretries: {attempts: 0, on: [503]}").retries())
                    .isEqualTo(new RetriesConfig(0, false, Set.of(503)));
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "retries: {attempts: 11, on: [connect_failure, 404, timeout]}")).containsExactly(
                    "upstreams.users.retries.attempts: 11 (expected: an integer in 0..10)",
                    "upstreams.users.retries.on[1]: 404 (expected: connect_failure or a status in 500..599)",
                    "upstreams.users.retries.on[2]: \"timeout\" (expected: connect_failure or a status in 500..599)");
        }

        @Test
        void circuitBreakerFailureRate() {
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\ncircuit_breaker: {failure_rate: 25%}")
                    .circuitBreaker().failureRate()).isEqualTo(0.25);
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\ncircuit_breaker: {failure_rate: 0.75}")
                    .circuitBreaker().failureRate()).isEqualTo(0.75);
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "circuit_breaker: {failure_rate: 150%, min_requests: 0}")).containsExactly(
                    "upstreams.users.circuit_breaker.failure_rate: \"150%\" (expected: a rate above 0 and at most 1,"
                            + " like 50% or 0.5)",
                    "upstreams.users.circuit_breaker.min_requests: 0 (expected: an integer in 1..1000000)");
        }

        @Test
        void hostHeader() {
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\nhost: target").host())
                    .isEqualTo(HostHeader.TARGET);
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\nhost: users.internal").host())
                    .isEqualTo(new HostHeader(HostHeader.Mode.LITERAL, "users.internal"));
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\nhost: \"users internal\""))
                    .containsExactly("upstreams.users.host: \"users internal\" (expected: original, target,"
                            + " or a host name like users.internal)");
        }

        @Test
        void tls() {
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\ntls: true").tls())
                    .isEqualTo(new UpstreamTlsConfig(true, true, null, null, null, null));
            assertThat(readUpstream("targets: [{address: 127.0.0.1:9001}]\n"
                    + "tls: {verify: false, ca: ca.pem, sni: users.internal, cert: c.pem, key: c.key}").tls())
                    .isEqualTo(new UpstreamTlsConfig(true, false, "ca.pem", "users.internal", "c.pem", "c.key"));
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\ntls: {cert: c.pem}")).containsExactly(
                    "upstreams.users.tls.key: missing (expected: the private key file that goes with cert)");
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\ntls: on")).containsExactly(
                    "upstreams.users.tls: \"on\" (expected: true, false, or a map with verify, ca, sni, cert, key)");
        }

        @Test
        void durationsMustBePositive() {
            assertThat(upstreamProblems("targets: [{address: 127.0.0.1:9001}]\n"
                    + "timeouts: {connect: 0ms, response: 1h}\npool: {idle_timeout: 0s}")).containsExactly(
                    "upstreams.users.timeouts.connect: \"0ms\" (expected: a duration above 0 like 250ms, 2s, 1m or 1h)",
                    "upstreams.users.pool.idle_timeout: \"0s\" (expected: a duration above 0 like 250ms, 2s, 1m or 1h)");
        }
    }

    @Nested
    class Consumers {
        @Test
        void emptyApiKey() {
            assertOnlyProblem("consumers:\n  app: {api_keys: [\"\"]}\n",
                    "consumers.app.api_keys[0]: \"\" (expected: a non-empty API key)");
        }

        @Test
        void sameApiKeyOnTwoConsumersNamesBothPathsButNotTheKey() {
            List<String> problems = problems("""
                    consumers:
                      a: {api_keys: [k-1, s3cret-key]}
                      b: {api_keys: [s3cret-key]}
                    """);

            assertThat(problems).containsExactly("consumers.b.api_keys[0]: the same API key as"
                    + " consumers.a.api_keys[1] (expected: each API key on one consumer only)");
            assertThat(String.join("\n", problems)).doesNotContain("s3cret");
        }

        @Test
        void passwordHashIsStoredLowerCase() {
            String hash = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

            assertThat(valid("consumers:\n  ops: {basic_auth: {password_sha256: " + hash + "}}\n")
                    .consumers().get("ops").basicAuth().passwordSha256()).isEqualTo(hash.toLowerCase());
        }

        @Test
        void passwordHashMustBe64HexDigitsAndIsNotEchoed() {
            assertOnlyProblem("consumers:\n  ops: {basic_auth: {password_sha256: hunter2}}\n",
                    "consumers.ops.basic_auth.password_sha256: 7 characters (expected: 64 hex digits,"
                            + " the SHA-256 of the password)");
        }

        @Test
        void groups() {
            assertThat(valid("consumers:\n  ops: {groups: [admins, ops]}\n").consumers().get("ops").groups())
                    .containsExactly("admins", "ops");
        }
    }

    @Nested
    class Jwt {
        private List<String> jwtProblems(String issuerBody) {
            return problems("jwt:\n  main:\n" + issuerBody.indent(4));
        }

        @Test
        void noneIsNeverAllowed() {
            assertThat(jwtProblems("jwks_url: https://auth.example.com/jwks\nalgorithms: [RS256, none]"))
                    .containsExactly("jwt.main.algorithms[1]: \"none\" (expected: one of RS256, RS384, RS512,"
                            + " PS256, PS384, PS512, ES256, ES384, EdDSA; never none)");
        }

        @Test
        void hmacOnlyWithSecret() {
            assertThat(jwtProblems("public_key: pub.pem\nalgorithms: [HS256]")).containsExactly(
                    "jwt.main.algorithms[0]: \"HS256\" (expected: one of RS256, RS384, RS512, PS256, PS384, PS512,"
                            + " ES256, ES384, EdDSA; HS256, HS384 and HS512 only with secret)");
        }

        @Test
        void secretOnlyWithHmac() {
            assertThat(jwtProblems("secret: s3cret\nalgorithms: [HS512, RS256]")).containsExactly(
                    "jwt.main.algorithms[1]: \"RS256\" (expected: one of HS256, HS384, HS512;"
                            + " a secret signs only with HMAC)");
        }

        @Test
        void unknownAlgorithm() {
            assertThat(jwtProblems("secret: s3cret\nalgorithms: HS1024")).containsExactly(
                    "jwt.main.algorithms: \"HS1024\" (expected: one of HS256, HS384, HS512)");
        }

        @Test
        void exactlyOneKeySource() {
            assertThat(jwtProblems("issuer: https://auth.example.com")).containsExactly(
                    "jwt.main: no key (expected: exactly one of jwks_url, public_key, secret)");
            assertThat(jwtProblems("jwks_url: https://auth.example.com/jwks\nsecret: s3cret")).containsExactly(
                    "jwt.main.secret: set together with jwks_url (expected: exactly one of jwks_url, public_key,"
                            + " secret)");
        }

        @Test
        void emptySecret() {
            assertThat(jwtProblems("secret: \"\"")).containsExactly(
                    "jwt.main.secret: \"\" (expected: a non-empty secret)");
        }

        @Test
        void jwksUrlMustBeHttpsUnlessLoopback() {
            assertThat(jwtProblems("jwks_url: http://auth.example.com/jwks")).containsExactly(
                    "jwt.main.jwks_url: \"http://auth.example.com/jwks\" (expected: an https:// URL"
                            + " (http:// only for localhost or a loopback address))");
            for (String url : List.of("http://localhost:8080/jwks", "http://127.0.0.1/jwks", "http://[::1]:9000/k")) {
                assertThat(jwtProblems("jwks_url: \"" + url + "\"")).as(url).isEmpty();
            }
        }
    }

    @Nested
    class Filters {
        @Test
        void unknownFilter() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nfilters: {ratelimit: {}}"))
                    .containsExactly("routes[0].filters.ratelimit: unknown filter (expected one of: access_log,"
                            + " cache, jwt, rate_limit, request_id)");
        }

        @Test
        void knownButNotSupportedYet() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nfilters: {rate_limit: {limit: 1}}"))
                    .containsExactly("routes[0].filters.rate_limit: \"rate_limit\" is not supported yet"
                            + " (expected one of: access_log, cache, jwt, request_id)");
        }

        @Test
        void falseDisablesEvenAFilterNotBuiltYet() {
            GatewayConfig c = valid("filters: {request_id: false, rate_limit: false}\n");

            assertThat(c.filters()).containsExactly(
                    Map.entry("request_id", new FilterSpec.Disabled("request_id")),
                    Map.entry("rate_limit", new FilterSpec.Disabled("rate_limit")));
        }

        @Test
        void trueOrEmptyMeansDefaults() {
            GatewayConfig c = valid("filters:\n  request_id: true\n  access_log:\n  cache: {}\n");

            assertThat(c.filters().get("request_id"))
                    .isEqualTo(new FilterSpec.Enabled("request_id", new RequestIdConfig("X-Request-Id")));
            assertThat(c.filters().get("access_log")).isInstanceOf(FilterSpec.Enabled.class);
            assertThat(c.filters().get("cache"))
                    .isEqualTo(new FilterSpec.Enabled("cache", new FakeFilterCatalog.Settings("{}")));
        }

        @Test
        void catalogParsesTheSettings() {
            RouteConfig r = route("name: r\nmatch: {path: /}\nupstream: users\nfilters: {request_id: {header: X-Trace}}");

            assertThat(r.filters()).containsExactly(
                    Map.entry("request_id", new FilterSpec.Enabled("request_id", new RequestIdConfig("X-Trace"))));
        }

        @Test
        void catalogProblemsCarryTheirPath() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nfilters: {cache: {ttl: soon}}"))
                    .containsExactly("routes[0].filters.cache.ttl: \"soon\" (expected: a duration like 250ms, 2s,"
                            + " 1m or 1h)");
        }

        @Test
        void settingsMustBeAMap() {
            assertOnlyProblem("filters: {request_id: X-Id}\n",
                    "filters.request_id: \"X-Id\" (expected: a map of settings, true or false)");
        }
    }

    @Nested
    class Routes {
        @Test
        void singleUpstreamBecomesAOneEntrySplit() {
            assertThat(route("name: r\nmatch: {path: /}\nupstream: users").upstreams())
                    .isEqualTo(List.of(new WeightedUpstream("users", 1)));
        }

        @Test
        void nameIsRequiredAndSafe() {
            assertThat(routeProblems("match: {path: /}\nupstream: users")).containsExactly(
                    "routes[0].name: missing (expected: a name of letters, digits, '.', '_' and '-')");
            assertThat(routeProblems("name: \"get users\"\nmatch: {path: /}\nupstream: users")).containsExactly(
                    "routes[0].name: \"get users\" (expected: a name of letters, digits, '.', '_' and '-')");
        }

        @Test
        void duplicateNameNamesTheFirst() {
            assertThat(problems(USERS + """
                    routes:
                      - {name: a, match: {path: /a}, upstream: users}
                      - {name: b, match: {path: /b}, upstream: users}
                      - {name: a, match: {path: /c}, upstream: users}
                    """)).containsExactly(
                    "routes[2].name: \"a\" is already the name of routes[0] (expected: a unique route name)");
        }

        @Test
        void matchAndPathAreRequired() {
            assertThat(routeProblems("name: r\nupstream: users")).containsExactly(
                    "routes[0].match: missing (expected: a map with at least path)");
            assertThat(routeProblems("name: r\nmatch: {host: api.example.com}\nupstream: users")).containsExactly(
                    "routes[0].match.path: missing (expected: a path starting with /)");
            assertThat(routeProblems("name: r\nmatch: {path: api}\nupstream: users")).containsExactly(
                    "routes[0].match.path: \"api\" (expected: a path starting with /)");
        }

        @Test
        void methodsAreUpperCasedTokens() {
            assertThat(routeProblems("name: r\nmatch: {path: /, methods: [GET, \"GE T\"]}\nupstream: users"))
                    .containsExactly("routes[0].match.methods[1]: \"GE T\" (expected: an HTTP method like GET)");
            assertThat(routeProblems("name: r\nmatch: {path: /, methods: []}\nupstream: users")).containsExactly(
                    "routes[0].match.methods: [] (expected: at least one method, or no methods key for all)");
        }

        @Test
        void headerNamesAreLowerCasedAndChecked() {
            assertThat(route("name: r\nmatch: {path: /, headers: {X-Tenant: acme}}\nupstream: users")
                    .match().headers()).containsExactly(Map.entry("x-tenant", "acme"));
            assertThat(routeProblems("name: r\nmatch: {path: /, headers: {\"X Tenant\": acme}}\nupstream: users"))
                    .containsExactly("routes[0].match.headers.X Tenant: \"X Tenant\" (expected: a header name)");
            assertThat(routeProblems("name: r\nmatch: {path: /, headers: {X-A: 1, x-a: 2}}\nupstream: users"))
                    .containsExactly("routes[0].match.headers.x-a: the same header as routes[0].match.headers.X-A"
                            + " (expected: each header once, names ignore case)");
        }

        @Test
        void queryValuesAreRequired() {
            assertThat(route("name: r\nmatch: {path: /, query: {beta: \"true\"}}\nupstream: users").match().query())
                    .containsExactly(Map.entry("beta", "true"));
            assertThat(routeProblems("name: r\nmatch: {path: /, query: {beta: ~}}\nupstream: users"))
                    .containsExactly("routes[0].match.query.beta: null (expected: a query parameter value)");
        }

        @Test
        void exactlyOneOfUpstreamUpstreamsRespond() {
            assertThat(routeProblems("name: r\nmatch: {path: /}")).containsExactly(
                    "routes[0]: nothing to answer with (expected: exactly one of upstream, upstreams, respond)");
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nrespond: {status: 204}"))
                    .containsExactly("routes[0].respond: set together with upstream"
                            + " (expected: exactly one of upstream, upstreams, respond)");
        }

        @Test
        void undefinedUpstreamListsTheDefinedOnes() {
            assertThat(problems("""
                    upstreams:
                      search: {targets: [{address: 127.0.0.1:9001}]}
                      payments: {targets: [{address: 127.0.0.1:9002}]}
                    routes:
                      - {name: a, match: {path: /a}, upstream: search}
                      - {name: b, match: {path: /b}, upstream: search}
                      - {name: c, match: {path: /c}, upstream: payments}
                      - {name: d, match: {path: /d}, upstream: paymnts}
                    """)).containsExactly(
                    "routes[3].upstream: \"paymnts\" is not defined (expected one of: payments, search)");
        }

        @Test
        void undefinedUpstreamWhenThereAreNone() {
            assertOnlyProblem("routes: [{name: a, match: {path: /}, upstream: users}]\n",
                    "routes[0].upstream: \"users\" is not defined (expected: an upstream defined under upstreams,"
                            + " which has none)");
        }

        @Test
        void weightedSplit() {
            assertThat(route("name: r\nmatch: {path: /}\nupstreams: [{name: users, weight: 95}]").upstreams())
                    .containsExactly(new WeightedUpstream("users", 95));
            assertThat(routeProblems("name: r\nmatch: {path: /}\n"
                    + "upstreams: [{name: users, weight: 0}, {name: canary, weight: 5}]")).containsExactly(
                    "routes[0].upstreams[0].weight: 0 (expected: an integer in 1..1000)",
                    "routes[0].upstreams[1].name: \"canary\" is not defined (expected one of: users)");
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstreams: []")).containsExactly(
                    "routes[0].upstreams: [] (expected: at least one {name, weight})");
        }

        @Test
        void mirror() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\n"
                    + "mirror: {upstream: shadow, percent: 150}")).containsExactly(
                    "routes[0].mirror.percent: 150 (expected: a percentage in 0..100)",
                    "routes[0].mirror.upstream: \"shadow\" is not defined (expected one of: users)");
            assertThat(route("name: r\nmatch: {path: /}\nupstream: users\nmirror: {upstream: users, percent: 12.5}")
                    .mirror().percent()).isEqualTo(12.5);
        }

        @Test
        void respond() {
            assertThat(route("name: r\nmatch: {path: /}\nrespond: {status: 503, body: down, headers: {Retry-After: 30}}")
                    .respond()).isEqualTo(new RouteConfig.RespondConfig(503, "down", Map.of("retry-after", "30")));
            assertThat(routeProblems("name: r\nmatch: {path: /}\nrespond: {status: 700}")).containsExactly(
                    "routes[0].respond.status: 700 (expected: an integer in 100..599)");
        }

        @Test
        void respondRoutesHaveNoRewriteOrMirror() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nrespond: {}\n"
                    + "rewrite: {strip_prefix: /a}\nmirror: {upstream: users}")).containsExactly(
                    "routes[0].mirror: set on a respond route (expected: mirror only with upstream or upstreams)",
                    "routes[0].rewrite: set on a respond route (expected: rewrite only with upstream or upstreams)");
        }

        @Test
        void rewriteTakesExactlyOneAbsolutePath() {
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nrewrite: {}")).containsExactly(
                    "routes[0].rewrite: {} (expected: exactly one of strip_prefix, path)");
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\n"
                    + "rewrite: {strip_prefix: /a, path: /b}")).containsExactly(
                    "routes[0].rewrite.path: set together with strip_prefix (expected: exactly one of strip_prefix,"
                            + " path)");
            assertThat(routeProblems("name: r\nmatch: {path: /}\nupstream: users\nrewrite: {strip_prefix: api}"))
                    .containsExactly("routes[0].rewrite.strip_prefix: \"api\" (expected: a path starting with /)");
        }

        @Test
        void rewritePathUsesOnlyBoundVariables() {
            assertThat(route("name: r\nmatch: {path: \"/api/users/{id}\"}\nupstream: users\n"
                    + "rewrite: {path: \"/v2/users/{id}\"}").rewrite())
                    .isEqualTo(new RouteConfig.RewriteConfig(null, "/v2/users/{id}"));
            assertThat(routeProblems("name: r\nmatch: {path: \"/api/users/{id}\"}\nupstream: users\n"
                    + "rewrite: {path: \"/v2/users/{uid}\"}")).containsExactly(
                    "routes[0].rewrite.path: \"/v2/users/{uid}\" (expected: only variables that match.path binds:"
                            + " {id})");
            assertThat(routeProblems("name: r\nmatch: {path: /api/**}\nupstream: users\n"
                    + "rewrite: {path: \"/v2/{id}\"}")).containsExactly(
                    "routes[0].rewrite.path: \"/v2/{id}\" (expected: no {variables}: match.path binds none)");
        }

        @Test
        void routeMustBeAMap() {
            assertThat(problems(USERS + "routes: [users, ~]\n")).containsExactly(
                    "routes[0]: \"users\" (expected: a map with keys name, match, upstream, upstreams, respond,"
                            + " mirror, rewrite, filters)",
                    "routes[1]: null (expected: a route with name, match and upstream)");
        }
    }

    @Test
    void reportsEveryProblemOfAFileAtOnce() {
        assertThat(problems("""
                listen: 0.0.0.0:99999
                upstreams:
                  users:
                    balancer: fastest
                    targets: [{address: 127.0.0.1:9001, weight: -1}]
                consumers:
                  app: {api_keys: [""]}
                jwt:
                  main: {secret: s, algorithms: [none]}
                routes:
                  - name: r
                    match: {path: r}
                    upstream: userz
                    filters: {ratelimit: {}}
                cluster: {}
                """)).containsExactly(
                "listen: \"0.0.0.0:99999\" (expected: a port in 0..65535)",
                "upstreams.users.balancer: \"fastest\" (expected: one of round_robin, least_connections,"
                        + " least_request, ewma, ip_hash, consistent_hash, random)",
                "upstreams.users.targets[0].weight: -1 (expected: an integer in 0..1000)",
                "consumers.app.api_keys[0]: \"\" (expected: a non-empty API key)",
                "jwt.main.algorithms[0]: \"none\" (expected: one of HS256, HS384, HS512; never none)",
                "routes[0].match.path: \"r\" (expected: a path starting with /)",
                "routes[0].upstream: \"userz\" is not defined (expected one of: users)",
                "routes[0].filters.ratelimit: unknown filter (expected one of: access_log, cache, jwt, rate_limit,"
                        + " request_id)",
                "cluster.redis: missing (expected: a redis:// or rediss:// URL like redis://127.0.0.1:6379)");
    }

    @Test
    void neverThrowsWhateverShapeAValueHas() {
        List<String> shapes = List.of("~", "x", "0", "-1", "true", "[]", "[x, ~, [1]]", "{}", "{a: [1]}", "\"${NOPE}\"");
        // Each template puts one value at one place; %1$s is the key, %2$s the value.
        Map<String, List<String>> keysByTemplate = Map.of(
                "%1$s: %2$s\n", List.of("listen", "trusted_proxies", "tls", "admin", "limits", "shutdown_grace",
                        "upstreams", "consumers", "jwt", "filters", "routes", "cluster"),
                "tls: {listen: 0.0.0.0:8443, certificates: [{cert: c, %1$s: %2$s}]}\n", List.of("key"),
                "upstreams:\n  u:\n    %1$s: %2$s\n", List.of("balancer", "hash_on", "targets", "discovery",
                        "health_check", "slow_start", "timeouts", "retries", "circuit_breaker", "pool", "host",
                        "tls", "http2"),
                "upstreams:\n  u:\n    health_check: {active: {%1$s: %2$s}, passive: {%1$s: %2$s}}\n",
                        List.of("path", "interval", "timeout", "failures"),
                "consumers:\n  c:\n    %1$s: %2$s\n", List.of("api_keys", "basic_auth", "groups"),
                "jwt:\n  j:\n    %1$s: %2$s\n", List.of("issuer", "audience", "jwks_url", "secret", "algorithms",
                        "clock_skew"),
                "routes:\n  - {name: r, match: {path: /, %1$s: %2$s}}\n", List.of("host", "methods", "headers", "query"),
                "routes:\n  - %1$s: %2$s\n", List.of("name", "match", "upstream", "upstreams", "respond", "mirror",
                        "rewrite", "filters"),
                "filters:\n  request_id: %2$s\n  %1$s: %2$s\n", List.of("access_log", "cache"));
        keysByTemplate.forEach((template, keys) -> {
            for (String key : keys) {
                for (String shape : shapes) {
                    String yaml = String.format(template, key, shape);
                    assertThat(parse(yaml)).as(yaml).isNotNull();
                }
            }
        });
    }

    @Nested
    class Load {
        private final ConfigLoader loader = new ConfigLoader(FakeFilterCatalog.standard(), Interpolator.of(Map.of()));

        @Test
        void throwsWithEveryProblem() {
            assertThatThrownBy(() -> loader.load("listen: nowhere\nlimits: {max_connections: 0}\n", SOURCE))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.source()).isEqualTo(SOURCE);
                        assertThat(e.problems()).hasSize(2);
                        assertThat(e.getMessage()).startsWith("archway.yaml is invalid (2 problems):\n  listen: ");
                    });
        }

        @Test
        void returnsConfigAndWrittenTree() throws ConfigException {
            LoadedConfig loaded = loader.load("listen: 127.0.0.1:0\n", SOURCE);

            assertThat(loaded.config().listen()).containsExactly(new HostPort("127.0.0.1", 0));
            assertThat(loaded.written().at("/listen").asText()).isEqualTo("127.0.0.1:0");
        }

        @Test
        void readsAFile(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("archway.yaml");
            Files.writeString(file, "shutdown_grace: 5s\n");

            assertThat(loader.load(file).config().shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        }

        @Test
        void problemsInAFileNameIt(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("archway.yaml");
            Files.writeString(file, "listen: [\n");

            assertThatThrownBy(() -> loader.load(file)).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.problems()).singleElement().asString().startsWith(file + ": line 2, column 1: "));
        }

        @Test
        void unreadableFileIsAConfigExceptionNamingIt(@TempDir Path dir) {
            Path missing = dir.resolve("nope.yaml");

            assertThatThrownBy(() -> loader.load(missing)).isInstanceOfSatisfying(ConfigException.class, e -> {
                assertThat(e.source()).isEqualTo(missing.toString());
                assertThat(e.problems()).containsExactly(missing + ": cannot be read (no such file)");
            });
            assertThatThrownBy(() -> loader.load(dir)).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.problems()).containsExactly(dir + ": cannot be read (a directory, not a file)"));
        }
    }
}
