package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.archway.testing.AdminClient;
import io.archway.testing.FileGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AdminApiIntegrationTest {
    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");
    @RegisterExtension
    final TestBackend b = TestBackend.replying("b");

    @TempDir
    Path dir;

    private String config() {
        return """
                filters: {access_log: false}
                upstreams:
                  svc:
                    targets: [{address: "${A}"}, {address: %s}]
                  spare:
                    targets: [{address: %s}]
                consumers:
                  app:
                    api_keys: [plain-key-1234, "${APP_KEY}"]
                    basic_auth: {password_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
                jwt:
                  main:
                    issuer: https://auth.example.com
                    secret: not-a-real-secret-but-long-enough-0123456789
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(b.address(), b.address());
    }

    private FileGateway start() {
        return FileGateway.start(dir, config(), Map.of("A", a.address(), "APP_KEY", "from-env-key-5678"), "");
    }

    @Test
    void routeCreatedThenReplacedIsServedRightAwayAndWrittenToTheFile() {
        try (FileGateway g = start()) {
            AdminClient admin = g.admin();
            AdminClient.Reply created = admin.put("/routes/only-b",
                    "{\"match\": {\"path\": \"/b/**\"}, \"upstream\": \"spare\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("name").asText()).isEqualTo("only-b");
            assertThat(g.get("/b/x").body()).isEqualTo("b");

            AdminClient.Reply replaced = admin.put("/routes/only-b",
                    "{\"name\": \"only-b\", \"match\": {\"path\": \"/b/**\"}, \"respond\": {\"status\": 200, \"body\": \"local\"}}");
            assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
            assertThat(g.get("/b/x").body()).isEqualTo("local");

            String file = g.fileText();
            assertThat(file).contains("only-b").contains("local");
            assertThat(file).as("references stay references").contains("${A}").contains("${APP_KEY}")
                    .doesNotContain(a.address()).doesNotContain("from-env-key-5678");
            assertThat(admin.get("/routes/only-b").json().get("respond").get("body").asText()).isEqualTo("local");
            assertThat(admin.get("/routes").json()).hasSize(2);
        }
    }

    @Test
    void aNameInTheBodyMustBeTheNameInTheUrl() {
        try (FileGateway g = start()) {
            byte[] before = g.fileBytes();
            AdminClient.Reply r = g.admin().put("/routes/x", "{\"name\": \"y\", \"match\": {\"path\": \"/y\"}, \"upstream\": \"svc\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("invalid_config");
            assertThat(r.json().get("details").get(0).asText()).contains("name").contains("\"x\"");
            assertThat(g.fileBytes()).isEqualTo(before);
        }
    }

    @Test
    void invalidChangesLeaveTheFileByteIdenticalAndTheGatewayAsItWas() {
        try (FileGateway g = start()) {
            AdminClient admin = g.admin();
            byte[] before = g.fileBytes();
            long version = g.gateway().config().version();

            AdminClient.Reply badYaml = admin.putYaml("/config", "routes: [ {name: x\n");
            assertThat(badYaml.status()).isEqualTo(400);
            assertThat(badYaml.json().get("details").get(0).asText()).contains("line");

            AdminClient.Reply unknownKey = admin.put("/routes/r", "{\"match\": {\"path\": \"/r\"}, \"upstream\": \"svc\", \"timeout\": \"1s\"}");
            assertThat(unknownKey.status()).isEqualTo(400);
            assertThat(unknownKey.json().get("details").toString()).contains("routes[1].timeout");

            AdminClient.Reply missingUpstream = admin.put("/routes/r", "{\"match\": {\"path\": \"/r\"}, \"upstream\": \"nope\"}");
            assertThat(missingUpstream.status()).isEqualTo(400);
            assertThat(missingUpstream.json().get("details").toString()).contains("routes[1].upstream").contains("nope");

            AdminClient.Reply usedUpstream = admin.delete("/upstreams/svc");
            assertThat(usedUpstream.status()).isEqualTo(409);
            assertThat(usedUpstream.json().get("details").toString()).contains("routes[0].upstream");

            assertThat(admin.delete("/upstreams/nope").status()).isEqualTo(404);
            assertThat(admin.delete("/routes/nope").status()).isEqualTo(404);
            assertThat(admin.get("/consumers/nope").status()).isEqualTo(404);
            assertThat(admin.put("/routes/x", "{not json").status()).isEqualTo(400);
            assertThat(admin.put("/routes/x", "[1]").status()).isEqualTo(400);
            AdminClient.Reply listenChange = admin.putYaml("/config", "listen: 127.0.0.1:1\nadmin: {listen: 127.0.0.1:0}\n");
            assertThat(listenChange.status()).isEqualTo(400);
            assertThat(listenChange.json().get("details").get(0).asText()).startsWith("listen:").contains("restart");

            assertThat(g.fileBytes()).isEqualTo(before);
            assertThat(g.gateway().config().version()).isEqualTo(version);
            assertThat(g.get("/x").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void deletingAnUnusedUpstreamAndARouteWorks() {
        try (FileGateway g = start()) {
            assertThat(g.admin().delete("/upstreams/spare").status()).isEqualTo(204);
            assertThat(g.admin().get("/upstreams/spare").status()).isEqualTo(404);
            assertThat(g.fileText()).doesNotContain("spare");
            assertThat(g.admin().delete("/routes/all").status()).isEqualTo(204);
            assertThat(g.get("/x").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void drainingATargetSendsEverythingToTheOthers() {
        try (FileGateway g = start()) {
            AdminClient.Reply r = g.admin().put("/upstreams/svc/targets/" + a.address(), "{\"weight\": 0}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode targets = r.json().get("status").get("targets");
            assertThat(targets.get(0).get("weight").asInt()).isZero();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                bodies.add(g.get("/x").body());
            }
            assertThat(bodies).containsOnly("b");
            assertThat(g.fileText()).as("the reference is kept").contains("${A}");

            AdminClient.Reply added = g.admin().put("/upstreams/spare/targets/" + a.address(), "{\"weight\": 2}");
            assertThat(added.status()).isEqualTo(201);
            assertThat(added.json().get("targets")).hasSize(2);
            assertThat(g.admin().put("/upstreams/nope/targets/" + a.address(), "{\"weight\": 2}").status()).isEqualTo(404);
        }
    }

    @Test
    void upstreamsShowEachTargetsHealthWeightAndConnections() {
        try (FileGateway g = start()) {
            JsonNode svc = g.admin().get("/upstreams/svc").json();
            assertThat(svc.get("name").asText()).isEqualTo("svc");
            assertThat(svc.get("targets").get(0).get("address").asText()).isEqualTo("${A}");
            JsonNode live = svc.get("status").get("targets");
            assertThat(live).hasSize(2);
            assertThat(live.get(0).get("address").asText()).isEqualTo(a.address());
            assertThat(live.get(0).get("healthy").asBoolean()).isTrue();
            assertThat(live.get(0).get("weight").asInt()).isEqualTo(1);
            assertThat(live.get(0).has("active_connections")).isTrue();

            // What GET shows can be PUT back: the read-only status is ignored.
            AdminClient.Reply back = g.admin().put("/upstreams/svc", svc.toString());
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(g.admin().get("/upstreams").json()).hasSize(2);
        }
    }

    @Test
    void getConfigMasksSecretsAndAMaskedValuePutBackKeepsTheSecret() {
        try (FileGateway g = start()) {
            String shown = g.admin().get("/config").body();
            assertThat(shown).doesNotContain("plain-key-1234").doesNotContain("9f86d081884c7d659a2f")
                    .doesNotContain("not-a-real-secret").contains("${APP_KEY}").contains("***");
            JsonNode app = g.admin().get("/consumers/app").json();
            assertThat(app.get("api_keys").get(0).asText()).isEqualTo("***");
            ((com.fasterxml.jackson.databind.node.ObjectNode) app).putArray("groups").add("partners");
            AdminClient.Reply put = g.admin().put("/consumers/app", app.toString());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(g.fileText()).contains("plain-key-1234").contains("partners")
                    .contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
            assertThat(g.gateway().config().current().config().consumers().get("app").apiKeys())
                    .containsExactly("plain-key-1234", "from-env-key-5678");

            AdminClient.Reply newMasked = g.admin().put("/consumers/other", "{\"api_keys\": [\"***\"]}");
            assertThat(newMasked.status()).isEqualTo(400);
            assertThat(newMasked.json().get("details").get(0).asText()).contains("consumers.other.api_keys[0]");
        }
    }

    @Test
    void yamlBodiesAreReadLikeTheConfigFile() {
        try (FileGateway g = start()) {
            AdminClient.Reply r = g.admin().putYaml("/routes/yaml", """
                    match: {path: "/y/{id}", headers: {X-Flag: on}}
                    upstream: spare
                    rewrite: {path: "/v2/{id}"}
                    """);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(g.send(HttpRequest.newBuilder(g.uri("/y/7")).header("X-Flag", "on").build()).body()).isEqualTo("b");
            assertThat(b.lastSeen().uri()).isEqualTo("/v2/7");

            String whole = g.fileText().replace("name: all", "name: everything") + "\n# a comment that stays\n";
            AdminClient.Reply replaced = g.admin().putYaml("/config", whole);
            assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
            assertThat(g.fileText()).isEqualTo(whole);
            assertThat(g.admin().get("/routes/everything").status()).isEqualTo(200);
        }
    }

    @Test
    void validateAnswersWithoutApplying() {
        try (FileGateway g = start()) {
            byte[] before = g.fileBytes();
            String changed = g.fileText().replace("path: /**", "path: /other/**");
            AdminClient.Reply ok = g.admin().post("/config/validate", changed, "application/yaml");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("valid").asBoolean()).isTrue();
            AdminClient.Reply bad = g.admin().post("/config/validate", "{\"routes\": [{\"name\": \"x\"}]}", "application/json");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("details").toString()).contains("routes[0]");
            assertThat(g.fileBytes()).isEqualTo(before);
            assertThat(g.get("/x").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void concurrentWritesAreSerialisedAndNoneIsLost() throws Exception {
        try (FileGateway g = start()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int created = 0;
                    for (int i = 0; i < 5; i++) {
                        String name = "r" + thread + "-" + i;
                        AdminClient.Reply r = g.admin().put("/routes/" + name,
                                "{\"match\": {\"path\": \"/" + name + "\"}, \"upstream\": \"spare\"}");
                        created += r.status() == 201 ? 1 : 0;
                    }
                    return created;
                }));
            }
            int created = 0;
            for (Future<Integer> f : results) {
                created += f.get();
            }
            pool.shutdown();
            assertThat(created).isEqualTo(30);
            assertThat(g.admin().get("/routes").json()).hasSize(31);
            for (int t = 0; t < 6; t++) {
                assertThat(g.fileText()).contains("/r" + t + "-4");
                assertThat(g.get("/r" + t + "-0").body()).isEqualTo("b");
            }
        }
    }

    @Test
    void theTokenGuardsEverythingButHealthAndIsAcceptedAsBearerOrBasicPassword() {
        String yaml = "admin: {listen: 127.0.0.1:0, token: s3cret-token}\nlisten: 127.0.0.1:0\n" + config();
        try (FileGateway g = FileGateway.start(dir, yaml, Map.of("A", a.address(), "APP_KEY", "k-123456789"), "")) {
            AdminClient anonymous = g.admin();
            assertThat(anonymous.get("/health").status()).isEqualTo(200);
            AdminClient.Reply denied = anonymous.get("/config");
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.json().get("error").asText()).isEqualTo("unauthorized");
            assertThat(denied.raw().headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Basic"));
            assertThat(anonymous.get("/nope").status()).as("no hint which paths exist").isEqualTo(401);
            assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
            assertThat(anonymous.get("/").status()).isEqualTo(401);

            AdminClient wrong = new AdminClient(g.gateway().adminAddress().getPort(), "s3cret-tokeN");
            assertThat(wrong.get("/config").status()).isEqualTo(401);
            AdminClient right = new AdminClient(g.gateway().adminAddress().getPort(), "s3cret-token");
            AdminClient.Reply config = right.get("/config");
            assertThat(config.status()).isEqualTo(200);
            assertThat(config.body()).doesNotContain("s3cret-token");
            String basic = Base64.getEncoder().encodeToString("anyone:s3cret-token".getBytes(StandardCharsets.UTF_8));
            assertThat(anonymous.send(HttpRequest.newBuilder(anonymous.uri("/routes")).header("Authorization", "Basic " + basic))
                    .status()).isEqualTo(200);
            assertThat(right.get("/nope").status()).isEqualTo(404);
            AdminClient.Reply wrongMethod = right.send(right.request("/routes").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(wrongMethod.status()).isEqualTo(405);
        }
    }
}
