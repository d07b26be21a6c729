package io.archway.route;

import static io.archway.route.TestRoutes.route;
import static io.archway.route.TestRoutes.routes;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.Problems;
import io.archway.config.RouteConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final HttpHeaders NO_HEADERS = new DefaultHttpHeaders();

    static RouteTable table(TestRoutes... routes) {
        Problems problems = new Problems();
        RouteTable table = RouteTable.compile(routes(routes), problems);
        assertThat(problems.lines()).as("config problems").isEmpty();
        return table;
    }

    static @Nullable String name(RouteTable table, String method, @Nullable String host, String path) {
        return name(table, method, host, path, NO_HEADERS, null);
    }

    static @Nullable String name(RouteTable table, String method, @Nullable String host, String path,
                                 HttpHeaders headers, @Nullable String query) {
        RouteMatch match = table.match(method, host, path, headers, query);
        return match == null ? null : match.route().name();
    }

    static @Nullable String get(RouteTable table, String path) {
        return name(table, "GET", null, path);
    }

    static List<String> problems(TestRoutes... routes) {
        Problems problems = new Problems();
        RouteTable.compile(routes(routes), problems);
        return problems.lines();
    }

    @Nested
    class Precedence {
        @Test
        void exactPathBeatsTemplate() {
            RouteTable t = table(route("template").path("/users/{id}"), route("exact").path("/users/me"));
            assertThat(get(t, "/users/me")).isEqualTo("exact");
            assertThat(get(t, "/users/42")).isEqualTo("template");
        }

        @Test
        void templateBeatsPrefix() {
            RouteTable t = table(route("prefix").path("/users/**"), route("template").path("/users/{id}"));
            assertThat(get(t, "/users/42")).isEqualTo("template");
            assertThat(get(t, "/users/42/orders")).isEqualTo("prefix");
            assertThat(get(t, "/users")).isEqualTo("prefix");
        }

        @Test
        void longerPrefixBeatsShorter() {
            RouteTable t = table(route("all").path("/**"), route("api").path("/api/**"),
                    route("users").path("/api/users/**"));
            assertThat(get(t, "/api/users/1")).isEqualTo("users");
            assertThat(get(t, "/api/orders")).isEqualTo("api");
            assertThat(get(t, "/other")).isEqualTo("all");
        }

        @Test
        void exactPathWithoutHostBeatsPrefixWithHost() {
            RouteTable t = table(route("hosted-prefix").host("api.example.com").path("/**"),
                    route("exact").path("/healthz"));
            assertThat(name(t, "GET", "api.example.com", "/healthz")).isEqualTo("exact");
            assertThat(name(t, "GET", "api.example.com", "/other")).isEqualTo("hosted-prefix");
        }

        @Test
        void templateWithoutHostBeatsPrefixWithHost() {
            RouteTable t = table(route("hosted-prefix").host("api.example.com").path("/users/**"),
                    route("template").path("/users/{id}"));
            assertThat(name(t, "GET", "api.example.com", "/users/1")).isEqualTo("template");
        }

        @Test
        void longerPrefixWithoutHostBeatsShorterPrefixWithHost() {
            RouteTable t = table(route("hosted").host("api.example.com").path("/**"),
                    route("long").path("/api/**"));
            assertThat(name(t, "GET", "api.example.com", "/api/x")).isEqualTo("long");
        }

        @Test
        void literalSegmentBeatsVariableAmongTemplates() {
            RouteTable t = table(route("late-literal").host("api.example.com").path("/{kind}/profile"),
                    route("early-literal").path("/users/{id}"));
            assertThat(name(t, "GET", "api.example.com", "/users/profile")).isEqualTo("early-literal");
            assertThat(name(t, "GET", "api.example.com", "/teams/profile")).isEqualTo("late-literal");
        }

        @Test
        void exactHostBeatsWildcard() {
            RouteTable t = table(route("wildcard").host("*.example.com").path("/a"),
                    route("exact").host("api.example.com").path("/a"));
            assertThat(name(t, "GET", "api.example.com", "/a")).isEqualTo("exact");
            assertThat(name(t, "GET", "www.example.com", "/a")).isEqualTo("wildcard");
        }

        @Test
        void longerWildcardBeatsShorter() {
            RouteTable t = table(route("short").host("*.example.com").path("/a"),
                    route("long").host("*.eu.example.com").path("/a"));
            assertThat(name(t, "GET", "api.eu.example.com", "/a")).isEqualTo("long");
            assertThat(name(t, "GET", "api.us.example.com", "/a")).isEqualTo("short");
            assertThat(name(t, "GET", "eu.example.com", "/a")).isEqualTo("short");
        }

        @Test
        void wildcardBeatsNoHost() {
            RouteTable t = table(route("any").path("/a"), route("wildcard").host("*.example.com").path("/a"));
            assertThat(name(t, "GET", "api.example.com", "/a")).isEqualTo("wildcard");
            assertThat(name(t, "GET", "example.org", "/a")).isEqualTo("any");
            assertThat(name(t, "GET", null, "/a")).isEqualTo("any");
        }

        @Test
        void hostBeatsMorePredicates() {
            RouteTable t = table(route("predicates").path("/a").methods("GET").header("x-a", "1"),
                    route("host").host("api.example.com").path("/a"));
            HttpHeaders headers = new DefaultHttpHeaders().add("X-A", "1");
            assertThat(name(t, "GET", "api.example.com", "/a", headers, null)).isEqualTo("host");
            assertThat(name(t, "GET", "other.example.com", "/a", headers, null)).isEqualTo("predicates");
        }

        @Test
        void morePredicatesBeatFewer() {
            RouteTable t = table(route("plain").path("/a"), route("v2").path("/a").header("x-api-version", "2"),
                    route("v2-beta").path("/a").header("x-api-version", "2").query("beta", "true"));
            HttpHeaders v2 = new DefaultHttpHeaders().add("X-Api-Version", "2");
            assertThat(name(t, "GET", null, "/a", v2, "beta=true")).isEqualTo("v2-beta");
            assertThat(name(t, "GET", null, "/a", v2, "beta=false")).isEqualTo("v2");
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "beta=true")).isEqualTo("plain");
        }

        @Test
        void methodsCountAsOnePredicate() {
            // With methods counted per method, "methods" (3) would beat "headers" (2).
            RouteTable t = table(route("methods").path("/a").methods("GET", "POST", "PUT"),
                    route("headers").path("/a").header("x-a", "1").header("x-b", "1"));
            HttpHeaders both = new DefaultHttpHeaders().add("x-a", "1").add("x-b", "1");
            assertThat(name(t, "GET", null, "/a", both, null)).isEqualTo("headers");
            assertThat(name(t, "GET", null, "/a")).isEqualTo("methods");
        }

        @Test
        void eachQueryKeyCountsAsOnePredicate() {
            RouteTable t = table(route("method-and-header").path("/a").methods("GET").header("x-a", "1"),
                    route("three-query-keys").path("/a").query("a", "1").query("b", "1").query("c", "1"));
            HttpHeaders headers = new DefaultHttpHeaders().add("x-a", "1");
            assertThat(name(t, "GET", null, "/a", headers, "a=1&b=1&c=1")).isEqualTo("three-query-keys");
        }

        @Test
        void fallsBackWhenTheMostSpecificRouteDoesNotFit() {
            RouteTable t = table(route("exact-get").path("/users/me").methods("GET"),
                    route("template-hosted").host("api.example.com").path("/users/{id}").methods("PUT"),
                    route("template").path("/users/{id}").methods("POST", "PUT"),
                    route("prefix").path("/users/**"));
            assertThat(name(t, "GET", "api.example.com", "/users/me")).isEqualTo("exact-get");
            assertThat(name(t, "PUT", "api.example.com", "/users/me")).isEqualTo("template-hosted");
            assertThat(name(t, "POST", "api.example.com", "/users/me")).isEqualTo("template");
            assertThat(name(t, "DELETE", "api.example.com", "/users/me")).isEqualTo("prefix");
        }

        @Test
        void fallsBackFromAnUnfitLiteralBranchToAVariable() {
            RouteTable t = table(route("literal").path("/users/{id}/orders").methods("GET"),
                    route("variable").path("/{kind}/{id}/orders"));
            assertThat(name(t, "GET", null, "/users/1/orders")).isEqualTo("literal");
            assertThat(name(t, "POST", null, "/users/1/orders")).isEqualTo("variable");
        }

        @Test
        void fileOrderDoesNotMatter() {
            List<TestRoutes> list = new ArrayList<>(List.of(route("exact").path("/a/b"), route("template").path("/a/{x}"),
                    route("prefix").path("/a/**"), route("hosted").host("h.example.com").path("/a/**")));
            for (int rotation = 0; rotation < list.size(); rotation++) {
                java.util.Collections.rotate(list, 1);
                RouteTable t = table(list.toArray(new TestRoutes[0]));
                assertThat(name(t, "GET", "h.example.com", "/a/b")).isEqualTo("exact");
                assertThat(name(t, "GET", "h.example.com", "/a/c")).isEqualTo("template");
                assertThat(name(t, "GET", "h.example.com", "/a/c/d")).isEqualTo("hosted");
                assertThat(name(t, "GET", null, "/a/c/d")).isEqualTo("prefix");
            }
        }
    }

    @Nested
    class Hosts {
        @Test
        void ignoresPortAndCase() {
            RouteTable t = table(route("api").host("API.Example.com").path("/a"));
            assertThat(name(t, "GET", "api.example.com", "/a")).isEqualTo("api");
            assertThat(name(t, "GET", "Api.Example.COM:8443", "/a")).isEqualTo("api");
            assertThat(name(t, "GET", "api.example.com.", "/a")).as("fully qualified").isEqualTo("api");
            assertThat(name(t, "GET", "api.example.org", "/a")).isNull();
        }

        @Test
        void wildcardMatchesSubdomainsButNotTheApex() {
            RouteTable t = table(route("wild").host("*.example.com").path("/a"));
            assertThat(name(t, "GET", "api.example.com", "/a")).isEqualTo("wild");
            assertThat(name(t, "GET", "a.b.example.com:80", "/a")).isEqualTo("wild");
            assertThat(name(t, "GET", "API.EXAMPLE.COM", "/a")).isEqualTo("wild");
            assertThat(name(t, "GET", "example.com", "/a")).isNull();
            assertThat(name(t, "GET", "badexample.com", "/a")).isNull();
            assertThat(name(t, "GET", ".example.com", "/a")).isNull();
        }

        @Test
        void cutsPortAndTrailingDotBeforeComparingExactAndWildcardHosts() {
            RouteTable t = table(route("api").host("api.example.com").path("/a"),
                    route("wild").host("*.example.com").path("/a"), route("any").path("/a"));
            assertThat(name(t, "GET", "api.example.com.:8443", "/a")).isEqualTo("api");
            assertThat(name(t, "GET", "api.example.com:8443", "/a")).isEqualTo("api");
            assertThat(name(t, "GET", "api.example.co:8443", "/a")).isEqualTo("any");
            assertThat(name(t, "GET", "web.example.com.:80", "/a")).isEqualTo("wild");
            assertThat(name(t, "GET", "example:1.example.com", "/a")).as("dots after the port").isEqualTo("any");
            assertThat(name(t, "GET", ":8443", "/a")).as("only a port").isEqualTo("any");
        }

        @Test
        void requestWithoutHostMatchesOnlyRoutesWithoutHost() {
            RouteTable t = table(route("hosted").host("api.example.com").path("/a"), route("wild").host("*.example.com").path("/b"));
            assertThat(name(t, "GET", null, "/a")).isNull();
            assertThat(name(t, "GET", "", "/b")).isNull();
        }

        @Test
        void matchesIpv6LiteralWithPort() {
            RouteTable t = table(route("v6").host("[::1]").path("/a"), route("v4").host("127.0.0.1").path("/a"));
            assertThat(name(t, "GET", "[::1]:8080", "/a")).isEqualTo("v6");
            assertThat(name(t, "GET", "127.0.0.1:8080", "/a")).isEqualTo("v4");
        }

        @Test
        void reportsBadHostSyntax() {
            assertThat(problems(route("a").path("/").host("api.example.com:8080"), route("b").path("/").host("*"),
                    route("c").path("/").host("a.*.com"), route("d").path("/").host("-a.com"),
                    route("e").path("/").host("a..com"), route("f").path("/").host("*.")))
                    .containsExactly(
                            "routes[0].match.host: \"api.example.com:8080\" (expected: a host name like api.example.com or *.example.com, without a port)",
                            "routes[1].match.host: \"*\" (expected: a host name like api.example.com or *.example.com, without a port)",
                            "routes[2].match.host: \"a.*.com\" (expected: a host name like api.example.com or *.example.com, without a port)",
                            "routes[3].match.host: \"-a.com\" (expected: a host name like api.example.com or *.example.com, without a port)",
                            "routes[4].match.host: \"a..com\" (expected: a host name like api.example.com or *.example.com, without a port)",
                            "routes[5].match.host: \"*.\" (expected: a host name like api.example.com or *.example.com, without a port)");
        }
    }

    @Nested
    class Paths {
        @Test
        void prefixMatchesItselfWithAndWithoutSlashAndEverythingBelow() {
            RouteTable t = table(route("x").path("/x/**"));
            assertThat(get(t, "/x")).isEqualTo("x");
            assertThat(get(t, "/x/")).isEqualTo("x");
            assertThat(get(t, "/x/a")).isEqualTo("x");
            assertThat(get(t, "/x/a/b/")).isEqualTo("x");
            assertThat(get(t, "/xy")).isNull();
            assertThat(get(t, "/xy/a")).isNull();
            assertThat(get(t, "/")).isNull();
            assertThat(get(t, "/a/x")).isNull();
        }

        @Test
        void rootPrefixMatchesEverything() {
            RouteTable t = table(route("all").path("/**"));
            assertThat(get(t, "/")).isEqualTo("all");
            assertThat(get(t, "/a")).isEqualTo("all");
            assertThat(get(t, "/a/b/c/")).isEqualTo("all");
        }

        @Test
        void exactPathsDistinguishTrailingSlash() {
            RouteTable t = table(route("bare").path("/a"), route("slash").path("/a/"), route("root").path("/"));
            assertThat(get(t, "/a")).isEqualTo("bare");
            assertThat(get(t, "/a/")).isEqualTo("slash");
            assertThat(get(t, "/")).isEqualTo("root");
            assertThat(get(t, "/a/b")).isNull();
        }

        @Test
        void templateBindsWholeNonEmptySegments() {
            RouteTable t = table(route("user").path("/orgs/{org}/users/{id}"));
            RouteMatch match = t.match("GET", null, "/orgs/acme/users/42", NO_HEADERS, null);
            assertThat(match).isNotNull();
            assertThat(match.variables()).containsExactly(
                    org.assertj.core.api.Assertions.entry("org", "acme"), org.assertj.core.api.Assertions.entry("id", "42"));
            assertThat(match.variable("org")).isEqualTo("acme");
            assertThat(match.variable("nope")).isNull();
            assertThat(get(t, "/orgs/acme/users/")).isNull();
            assertThat(get(t, "/orgs/acme/users/42/")).isNull();
            assertThat(get(t, "/orgs/acme/users/42/x")).isNull();
            assertThat(get(t, "/orgs/acme/users")).isNull();
        }

        @Test
        void templateLiteralsAreComparedInNormalForm() {
            RouteTable t = table(route("tilde").path("/a/%7e/{id}"), route("utf8").path("/caf\u00e9/{id}"));
            assertThat(get(t, "/a/~/1")).isEqualTo("tilde");
            assertThat(get(t, "/caf%C3%A9/1")).isEqualTo("utf8");
        }

        @Test
        void reportsBadPathSyntaxAndLeavesTheRouteOut() {
            Problems problems = new Problems();
            RouteTable t = RouteTable.compile(routes(route("ok").path("/ok"), route("bad").path("/a/**/b"),
                    route("bad2").path("users")), problems);
            assertThat(problems.lines()).containsExactly(
                    "routes[1].match.path: \"/a/**/b\" (expected: ** only as the last segment, as in /api/**)",
                    "routes[2].match.path: \"users\" (expected: a path starting with /)");
            assertThat(t.routes()).extracting(Route::name).containsExactly("ok");
            assertThat(get(t, "/ok")).isEqualTo("ok");
        }

        @Test
        void noRouteGivesNull() {
            assertThat(get(table(), "/")).isNull();
            assertThat(get(table(route("a").path("/a")), "/b")).isNull();
        }
    }

    @Nested
    class Matchers {
        @Test
        void comparesHeaderNamesCaseInsensitivelyAndValuesExactly() {
            RouteTable t = table(route("v2").path("/a").header("X-Api-Version", "2"));
            assertThat(name(t, "GET", null, "/a", new DefaultHttpHeaders().add("x-api-version", "2"), null)).isEqualTo("v2");
            assertThat(name(t, "GET", null, "/a", new DefaultHttpHeaders().add("X-API-VERSION", "2"), null)).isEqualTo("v2");
            assertThat(name(t, "GET", null, "/a", new DefaultHttpHeaders().add("X-Api-Version", "2 "), null)).isNull();
            assertThat(name(t, "GET", null, "/a", new DefaultHttpHeaders().add("X-Api-Version", "v2"), null)).isNull();
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, null)).isNull();
        }

        @Test
        void headerSentTwiceMatchesNoValue() {
            RouteTable t = table(route("v2").path("/a").header("x-api-version", "2"));
            HttpHeaders twice = new DefaultHttpHeaders().add("x-api-version", "2").add("x-api-version", "1");
            assertThat(name(t, "GET", null, "/a", twice, null)).isNull();
        }

        @Test
        void comparesDecodedQueryValuesExactly() {
            RouteTable t = table(route("beta").path("/a").query("mode", "a b"));
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "mode=a+b")).isEqualTo("beta");
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "x=1&mode=a%20b")).isEqualTo("beta");
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "mode=a")).isNull();
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "mode=a+b&mode=a+b")).as("repeated").isNull();
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "x=1;mode=a+b")).as("; is not a separator").isNull();
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, "mode=a+b&x=%zz")).as("broken encoding").isNull();
            assertThat(name(t, "GET", null, "/a", NO_HEADERS, null)).isNull();
        }

        @Test
        void methodsInConfigAreCaseInsensitiveButRequestMethodsAreNot() {
            RouteTable t = table(route("get").path("/a").methods("get"));
            assertThat(name(t, "GET", null, "/a")).isEqualTo("get");
            assertThat(name(t, "get", null, "/a")).isNull();
            assertThat(name(t, "POST", null, "/a")).isNull();
        }
    }

    @Nested
    class Ties {
        @Test
        void reportsSameHostPathAndPredicateCount() {
            assertThat(problems(route("users").path("/users/{id}").header("x-a", "1"),
                    route("other").path("/other"),
                    route("admin").path("/users/{id}").methods("GET"),
                    route("users-again").path("/users/{name}").header("x-b", "2")))
                    .containsExactly(
                            "routes[2].match: same host, path and predicate count as routes[0] \"users\" (expected: a more specific match on one of them)",
                            "routes[3].match: same host, path and predicate count as routes[0] \"users\" (expected: a more specific match on one of them)");
        }

        @Test
        void reportsTiesRegardlessOfHostCaseAndPathSpelling() {
            assertThat(problems(route("a").host("API.example.com").path("/a/~"), route("b").host("api.example.com").path("/a/%7E")))
                    .containsExactly("routes[1].match: same host, path and predicate count as routes[0] \"a\" (expected: a more specific match on one of them)");
            assertThat(problems(route("a").host("*.example.com").path("/x/**"), route("b").host("*.Example.com").path("/x/**")))
                    .hasSize(1);
        }

        @Test
        void reportsOverlappingMethodSets() {
            assertThat(problems(route("a").path("/a").methods("GET", "PUT"), route("b").path("/a").methods("PUT", "POST")))
                    .containsExactly("routes[1].match: same host, path and predicate count as routes[0] \"a\" (expected: a more specific match on one of them)");
        }

        @Test
        void allowsDisjointMethods() {
            RouteTable t = table(route("read").path("/a/{id}").methods("GET", "HEAD"),
                    route("write").path("/a/{x}").methods("PUT", "POST"));
            assertThat(name(t, "GET", null, "/a/1")).isEqualTo("read");
            assertThat(name(t, "POST", null, "/a/1")).isEqualTo("write");
            assertThat(name(t, "DELETE", null, "/a/1")).isNull();
        }

        @Test
        void allowsDifferentHostsOrPatternsOrCounts() {
            table(route("a").path("/a"), route("b").path("/a").host("x.example.com"), route("c").path("/a").host("*.example.com"),
                    route("d").path("/a/"), route("e").path("/a/**"), route("f").path("/a").header("x-a", "1"));
        }
    }

    @Test
    void matchesEachOfTenThousandRoutes() {
        List<RouteConfig> configs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TestRoutes r = route("r" + i);
            switch (i % 5) {
                case 0 -> r.path("/svc" + i + "/items");
                case 1 -> r.path("/svc" + i + "/items/{id}");
                case 2 -> r.path("/svc" + i + "/**");
                case 3 -> r.host("h" + i + ".example.com").path("/shared/{id}");
                default -> r.host("*.w" + i + ".example.com").path("/shared/items/**");
            }
            configs.add(r.build());
        }
        Problems problems = new Problems();
        RouteTable t = RouteTable.compile(configs, problems);
        assertThat(problems.lines()).isEmpty();
        for (int i = 0; i < 10_000; i++) {
            String host = null;
            String path;
            switch (i % 5) {
                case 0 -> path = "/svc" + i + "/items";
                case 1 -> path = "/svc" + i + "/items/7";
                case 2 -> path = "/svc" + i + "/a/b";
                case 3 -> {
                    host = "H" + i + ".example.com:8080";
                    path = "/shared/7";
                }
                default -> {
                    host = "api.w" + i + ".example.com";
                    path = "/shared/items/7/x";
                }
            }
            assertThat(name(t, "GET", host, path)).as(host + path).isEqualTo("r" + i);
        }
        assertThat(get(t, "/svc1/items/7/x")).isNull();
        assertThat(name(t, "GET", "h3.example.com", "/shared/7/x")).isNull();
    }
}
