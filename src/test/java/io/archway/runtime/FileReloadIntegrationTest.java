package io.archway.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.archway.testing.FileGateway;
import io.archway.testing.TestBackend;
import io.archway.upstream.TargetSnapshot;
import io.archway.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileReloadIntegrationTest {
    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");
    @RegisterExtension
    final TestBackend b = TestBackend.replying("b");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger storeLog = (Logger) LoggerFactory.getLogger(ConfigStore.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        storeLog.addAppender(logs);
        // The test config logs warnings only; "reloaded" is INFO.
        storeLog.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @AfterEach
    void releaseLogs() {
        storeLog.detachAppender(logs);
        storeLog.setLevel(null);
    }

    private String config(String path) {
        return """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                  other: {targets: [{address: %s}]}
                routes:
                  - {name: main, match: {path: "%s"}, upstream: svc}
                """.formatted(a.address(), b.address(), path);
    }

    private static double reloads(FileGateway g, String result) {
        Counter c = g.gateway().metrics().registry().find("archway.config.reloads").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anEditedFileIsAppliedAndAnInvalidOneIsRejectedWithItsPaths() throws Exception {
        try (FileGateway g = FileGateway.start(dir, config("/one/**"))) {
            assertThat(g.get("/one/x").statusCode()).isEqualTo(200);

            Files.writeString(g.file(), config("/two/**"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(g.get("/two/x").statusCode()).isEqualTo(200));
            assertThat(g.get("/one/x").statusCode()).isEqualTo(404);
            assertThat(reloads(g, "success")).isEqualTo(1);

            String invalid = config("/three/**").replace("upstream: svc", "upstream: nowhere") + "surprise: 1\n";
            Files.writeString(g.file(), invalid);
            await().atMost(Duration.ofSeconds(10)).until(() -> reloads(g, "failure") == 1);
            assertThat(g.get("/two/x").statusCode()).as("the running config stays").isEqualTo(200);
            assertThat(g.get("/three/x").statusCode()).isEqualTo(404);
            String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("not applied")).findFirst().orElseThrow();
            assertThat(logged).contains("routes[0].upstream").contains("nowhere").contains("surprise");
            assertThat(Files.readString(g.file())).as("the gateway does not touch a file it refused").isEqualTo(invalid);

            Files.writeString(g.file(), config("/four/**"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(g.get("/four/x").statusCode()).isEqualTo(200));
        }
    }

    @Test
    void theGatewaysOwnWritesAreNotReloaded() {
        try (FileGateway g = FileGateway.start(dir, config("/one/**"))) {
            assertThat(g.admin().put("/routes/extra", "{\"match\": {\"path\": \"/extra\"}, \"upstream\": \"other\"}").status())
                    .isEqualTo(201);
            long version = g.gateway().config().version();
            // The write produces watch events; the watcher reads the file, sees its own content and does nothing.
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                    .until(() -> g.gateway().config().version() == version && reloads(g, "success") == 1);
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().startsWith("reloaded"));
        }
    }

    @Test
    void reloadKeepsTheUpstreamsWhoseConfigDidNotChangeWithTheirHealthState() throws Exception {
        try (FileGateway g = FileGateway.start(dir, config("/one/**"))) {
            Upstream svc = g.gateway().snapshot().upstreams().get("svc");
            Upstream other = g.gateway().snapshot().upstreams().get("other");
            // What failed requests would do: passive checks eject svc's only target (5 failures by default).
            for (int i = 0; i < 5; i++) {
                svc.onFailure(svc.snapshot().all().get(0), -1);
            }
            assertThat(g.get("/one/x").statusCode()).isEqualTo(503);

            Files.writeString(g.file(), config("/two/**").replace(b.address() + "}]", b.address() + ", weight: 2}]"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(g.get("/two/x").statusCode()).isEqualTo(503));
            assertThat(g.gateway().snapshot().upstreams().get("svc")).as("unchanged: carried over").isSameAs(svc);
            assertThat(g.gateway().snapshot().upstreams().get("other")).as("changed: new").isNotSameAs(other);
        }
    }

    @Test
    void reloadWithoutAFileChangeDoesNothing() {
        try (FileGateway g = FileGateway.start(dir, config("/one/**"))) {
            assertThat(g.gateway().reload()).isEqualTo(ConfigStore.Reload.UNCHANGED);
            assertThat(g.gateway().config().version()).isEqualTo(1);
        }
    }
}
