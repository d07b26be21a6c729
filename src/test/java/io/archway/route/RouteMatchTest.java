package io.archway.route;

import static io.archway.route.TestRoutes.route;
import static io.archway.route.TestRoutes.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.archway.config.Problems;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RouteMatchTest {

    private static RouteMatch match(RouteTable table, String path) {
        RouteMatch match = table.match("GET", null, path, new DefaultHttpHeaders(), null);
        assertThat(match).as(path).isNotNull();
        return match;
    }

    private static String upstream(RouteTable table, String path, @Nullable String query) {
        return match(table, path).upstreamPath(query);
    }

    private static List<String> problems(TestRoutes... routes) {
        Problems problems = new Problems();
        RouteTable.compile(routes(routes), problems);
        return problems.lines();
    }

    @Test
    void withoutRewriteForwardsTheNormalisedPathItself() {
        RouteTable t = RouteTableTest.table(route("all").path("/**"));
        String path = "/a/b";
        assertThat(match(t, path).upstreamPath(null)).isSameAs(path);
        assertThat(match(t, path).variables()).isEmpty();
        assertThat(upstream(t, path, "x=1&y=%20")).isEqualTo("/a/b?x=1&y=%20");
        assertThat(upstream(t, path, "")).isEqualTo("/a/b?");
    }

    @Test
    void stripPrefixRemovesWholeLeadingSegments() {
        RouteTable t = RouteTableTest.table(route("svc").path("/**").stripPrefix("/svc"));
        assertThat(upstream(t, "/svc", null)).isEqualTo("/");
        assertThat(upstream(t, "/svc/", null)).isEqualTo("/");
        assertThat(upstream(t, "/svc/a", null)).isEqualTo("/a");
        assertThat(upstream(t, "/svc/a/b/", null)).isEqualTo("/a/b/");
        assertThat(upstream(t, "/svcx/a", null)).as("not under the prefix").isEqualTo("/svcx/a");
        assertThat(upstream(t, "/other", null)).isEqualTo("/other");
        assertThat(upstream(t, "/svc/a", "q=1")).isEqualTo("/a?q=1");
    }

    @Test
    void stripPrefixAcceptsATrailingSlashAndAMultiSegmentPrefix() {
        RouteTable t = RouteTableTest.table(route("api").path("/api/v1/**").stripPrefix("/api/v1/"));
        assertThat(upstream(t, "/api/v1", null)).isEqualTo("/");
        assertThat(upstream(t, "/api/v1/users", null)).isEqualTo("/users");
    }

    @Test
    void pathRewriteSubstitutesBoundVariables() {
        RouteTable t = RouteTableTest.table(
                route("user").path("/api/orgs/{org}/users/{id}").rewritePath("/v2/users/{id}/in/{org}"));
        RouteMatch match = match(t, "/api/orgs/acme/users/caf%C3%A9");
        assertThat(match.upstreamPath(null)).isEqualTo("/v2/users/caf%C3%A9/in/acme");
        assertThat(match.upstreamPath("a=1")).isEqualTo("/v2/users/caf%C3%A9/in/acme?a=1");
    }

    @Test
    void pathRewriteWithoutVariablesIsAFixedPath() {
        RouteTable t = RouteTableTest.table(route("legacy").path("/old/**").rewritePath("/new"));
        assertThat(upstream(t, "/old/x/y", "q")).isEqualTo("/new?q");
    }

    @Test
    void pathRewriteMayUseAVariableTwiceOrInsideASegment() {
        RouteTable t = RouteTableTest.table(route("u").path("/u/{id}").rewritePath("/users/user-{id}/{id}"));
        assertThat(upstream(t, "/u/7", null)).isEqualTo("/users/user-7/7");
    }

    @Test
    void variablesReadLikeAnUnmodifiableMapInPathOrder() {
        RouteTable t = RouteTableTest.table(route("user").path("/orgs/{org}/users/{id}"));
        Map<String, String> variables = match(t, "/orgs/acme/users/42").variables();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("org", "acme");
        expected.put("id", "42");
        assertThat(variables).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(variables.keySet()).containsExactly("org", "id");
        assertThat(variables.values()).containsExactly("acme", "42");
        assertThat(variables).hasToString("{org=acme, id=42}").containsEntry("id", "42").doesNotContainKey("name");
        assertThat(variables.get("nope")).isNull();
        assertThatThrownBy(() -> variables.put("id", "7")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> variables.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(match(t, "/orgs/acme/users/42")).hasToString("routes[0] \"user\" /orgs/acme/users/42 {org=acme, id=42}");
    }

    @Test
    void eachMatchKeepsItsOwnVariablesWhenTablesOfMoreVariablesRunOnTheSameThread() {
        RouteTable one = RouteTableTest.table(route("one").path("/a/{x}"));
        RouteTable three = RouteTableTest.table(route("three").path("/b/{x}/{y}/{z}").rewritePath("/{z}/{y}/{x}"));
        RouteMatch first = match(one, "/a/1");
        RouteMatch second = match(three, "/b/p/q/r");
        RouteMatch third = match(one, "/a/2");
        assertThat(first.variables()).containsExactly(entry("x", "1"));
        assertThat(second.upstreamPath(null)).isEqualTo("/r/q/p");
        assertThat(third.variables()).containsExactly(entry("x", "2"));
    }

    @Test
    void reportsInvalidRewrites() {
        assertThat(problems(
                route("a").path("/u/{id}").rewritePath("/v2/{name}"),
                route("b").path("/u").rewritePath("/v2/{id}"),
                route("c").path("/u/{id}").rewritePath("v2/{id}"),
                route("d").path("/u/{id}").rewritePath("/v2//{id}"),
                route("e").path("/u/{id}").rewritePath("/v2/{id"),
                route("f").path("/u/{id}").rewritePath("/v2/id}"),
                route("g").path("/**").stripPrefix("svc"),
                route("h").path("/**").stripPrefix("/a/../b"),
                route("i").path("/u/{id}").rewritePath("/v2/../{id}")))
                .containsExactly(
                        "routes[0].rewrite.path: \"/v2/{name}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))",
                        "routes[1].rewrite.path: \"/v2/{id}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (it has none))",
                        "routes[2].rewrite.path: \"v2/{id}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))",
                        "routes[3].rewrite.path: \"/v2//{id}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))",
                        "routes[4].rewrite.path: \"/v2/{id\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))",
                        "routes[5].rewrite.path: \"/v2/id}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))",
                        "routes[6].rewrite.strip_prefix: \"svc\" (expected: a normalised path like /api)",
                        "routes[7].rewrite.strip_prefix: \"/a/../b\" (expected: a normalised path like /api)",
                        "routes[8].rewrite.path: \"/v2/../{id}\" (expected: a normalised path like /v2/users/{id}, with variables from match.path (id))");
    }

    @Test
    void leavesRoutesWithInvalidRewriteOutOfTheTable() {
        Problems problems = new Problems();
        RouteTable t = RouteTable.compile(routes(route("bad").path("/a").stripPrefix("a")), problems);
        assertThat(problems.lines()).hasSize(1);
        assertThat(t.routes()).isEmpty();
    }
}
