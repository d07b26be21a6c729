package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.archway.testing.AdminClient;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExplainIntegrationTest {
    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");
    @RegisterExtension
    final TestBackend b = TestBackend.replying("b");

    private String yaml() {
        return """
                upstreams:
                  users:
                    targets: [{address: %s}, {address: %s, weight: 0}]
                routes:
                  - name: user
                    match: {host: api.example.com, path: "/api/users/{id}", methods: [GET, PUT], headers: {X-Api-Version: "2"}}
                    upstream: users
                    rewrite: {path: "/v2/users/{id}"}
                    filters: {body_limit: {max: 1KB}}
                  - name: health
                    match: {path: /healthz}
                    respond: {status: 200, body: "ok"}
                """.formatted(a.address(), b.address());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aMatchingRequestShowsRouteRewrittenPathFiltersAndHealthyTargets() {
        try (RunningGateway g = RunningGateway.start(yaml())) {
            AdminClient admin = new AdminClient(g.adminPort(), "");
            JsonNode r = admin.get("/explain?method=GET&host=api.example.com&path=/api/users/42?x=1"
                    + "&header.X-Api-Version=2").json();
            assertThat(r.get("route").get("name").asText()).isEqualTo("user");
            assertThat(r.get("path_params").get("id").asText()).isEqualTo("42");
            assertThat(r.get("upstream_path").asText()).isEqualTo("/v2/users/42?x=1");
            assertThat(texts(r.get("filters"))).containsExactly("metrics", "request_id", "access_log", "body_limit");
            JsonNode up = r.get("upstreams").get(0);
            assertThat(up.get("name").asText()).isEqualTo("users");
            assertThat(up.get("healthy_targets")).hasSize(1);
            assertThat(up.get("healthy_targets").get(0).get("address").asText()).as("the drained one is not listed")
                    .isEqualTo(a.address());

            JsonNode local = admin.get("/explain?path=/healthz").json();
            assertThat(local.get("route").get("name").asText()).isEqualTo("health");
            assertThat(local.get("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void noMatchNamesTheNearestRoutesAndWhatTheyMissed() {
        try (RunningGateway g = RunningGateway.start(yaml())) {
            AdminClient admin = new AdminClient(g.adminPort(), "");
            JsonNode r = admin.get("/explain?method=POST&host=other.example.com&path=/api/users/42").json();
            assertThat(r.get("route").isNull()).isTrue();
            assertThat(r.get("status").asInt()).isEqualTo(404);
            JsonNode first = r.get("candidates").get(0);
            assertThat(first.get("route").asText()).isEqualTo("user");
            List<String> failed = new ArrayList<>();
            first.get("failed").forEach(f -> failed.add(f.get("predicate").asText()));
            assertThat(failed).containsExactly("host", "methods", "header x-api-version");
            assertThat(first.get("failed").get(1).get("got").asText()).isEqualTo("POST");
            assertThat(r.get("candidates").get(1).get("failed").get(0).get("predicate").asText()).isEqualTo("path");

            JsonNode rejected = admin.get("/explain?path=/a%252Fb").json();
            assertThat(rejected.get("status").asInt()).isEqualTo(400);
            assertThat(admin.get("/explain").status()).isEqualTo(400);
        }
    }
}
