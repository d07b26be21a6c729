package io.archway.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.archway.testing.AdminClient;
import io.archway.testing.FileGateway;
import io.archway.testing.TestBackend;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6: changes under load lose no request, and each is in force as soon as its call returns. */
class ReloadUnderLoadIntegrationTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");
    @RegisterExtension
    final TestBackend b = TestBackend.replying("b");

    @TempDir
    Path dir;

    @Test
    void fiftyAdminChangesAndFiveFileEditsUnderLoadFailNoRequest() throws Exception {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                  other: {targets: [{address: %s}]}
                  only-a: {targets: [{address: %s}]}
                routes:
                  - {name: to-a, match: {path: /a/**}, upstream: svc}
                  - {name: to-b, match: {path: /b/**}, upstream: other}
                """.formatted(a.address(), b.address(), a.address());
        try (FileGateway g = FileGateway.start(dir, yaml)) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong requests = new AtomicLong();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = List.of(
                    client(g, "/a/x", Set.of("a", "b"), running, requests, failures),
                    client(g, "/b/x", Set.of("b"), running, requests, failures));
            clients.forEach(Thread::start);
            AdminClient admin = g.admin();
            long versionBefore = g.gateway().config().version();

            for (int i = 0; i < 50; i++) {
                switch (i % 5) {
                    case 0 -> {
                        assertThat(admin.put("/routes/extra-" + i, "{\"match\": {\"path\": \"/extra-" + i
                                + "\"}, \"upstream\": \"only-a\"}").status()).isEqualTo(201);
                        assertThat(g.get("/extra-" + i).body()).isEqualTo("a");
                    }
                    case 1 -> {
                        assertThat(admin.put("/upstreams/u-" + i, "{\"targets\": [{\"address\": \"" + b.address()
                                + "\"}]}").status()).isEqualTo(201);
                        assertThat(admin.put("/routes/via-" + i, "{\"match\": {\"path\": \"/via-" + i
                                + "\"}, \"upstream\": \"u-" + i + "\"}").status()).isEqualTo(201);
                        assertThat(g.get("/via-" + i).body()).isEqualTo("b");
                    }
                    case 2 -> {
                        // Add b to svc, then drain it again at the next turn: /a/x answers a or b meanwhile.
                        int weight = (i / 5) % 2 == 0 ? 1 : 0;
                        int status = admin.put("/upstreams/svc/targets/" + b.address(), "{\"weight\": " + weight + "}").status();
                        assertThat(status).isIn(200, 201);
                        if (weight == 0) {
                            for (int k = 0; k < 4; k++) {
                                assertThat(g.get("/a/check").body()).isEqualTo("a");
                            }
                        } else {
                            // The load thread shares svc's round robin, so b may fall to it a few times in a row.
                            assertThat(admin.get("/explain?path=/a/check").body()).contains(b.address());
                            List<String> seen = new java.util.ArrayList<>();
                            for (int k = 0; k < 40 && !seen.contains("b"); k++) {
                                seen.add(g.get("/a/check").body());
                            }
                            assertThat(seen).contains("b");
                        }
                    }
                    case 3 -> {
                        assertThat(admin.delete("/routes/extra-" + (i - 3)).status()).isEqualTo(204);
                        assertThat(g.get("/extra-" + (i - 3)).statusCode()).isEqualTo(404);
                        assertThat(admin.put("/routes/extra-" + (i - 3), "{\"match\": {\"path\": \"/extra-" + (i - 3)
                                + "\"}, \"upstream\": \"only-a\"}").status()).isEqualTo(201);
                    }
                    default -> {
                        assertThat(admin.put("/consumers/c-" + i, "{\"groups\": [\"g" + i + "\"]}").status()).isEqualTo(201);
                        assertThat(g.gateway().config().current().config().consumers()).containsKey("c-" + i);
                    }
                }
                if (i % 10 == 9) {
                    int edit = i / 10;
                    editFile(g.file(), "file-" + edit);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                            assertThat(g.get("/file-" + edit).body()).isEqualTo("b"));
                }
            }
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(requests.get()).as("requests made during the changes").isGreaterThan(100);
            // 50 calls, of which the upstream+route pairs are two changes each, plus 5 file edits.
            assertThat(g.gateway().config().version() - versionBefore).isEqualTo(50 + 10 + 5 + 10);
        }
    }

    /** Appends a route by rewriting the file in place, as an editor would. */
    private static void editFile(Path file, String name) throws Exception {
        ObjectNode root = (ObjectNode) YAML.readTree(Files.readString(file));
        ArrayNode routes = (ArrayNode) root.get("routes");
        ObjectNode r = routes.addObject();
        r.put("name", name);
        r.putObject("match").put("path", "/" + name);
        r.put("upstream", "other");
        Files.writeString(file, YAML.writeValueAsString(root));
    }

    private static Thread client(FileGateway g, String path, Set<String> expected, AtomicBoolean running,
                                 AtomicLong requests, Queue<String> failures) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(g.uri(path))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200 || !expected.contains(r.body())) {
                        failures.add(path + " -> " + r.statusCode() + " " + r.body());
                    }
                    requests.incrementAndGet();
                } catch (Exception e) {
                    failures.add(path + " -> " + e);
                }
            }
        }, "load-" + path);
        t.setDaemon(true);
        return t;
    }
}
