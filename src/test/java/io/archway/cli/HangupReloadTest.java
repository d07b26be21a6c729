package io.archway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.archway.runtime.ConfigStore;
import io.archway.testing.FileGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** SIGHUP re-reads the config file instead of ending the JVM (the signal's default). */
class HangupReloadTest {
    @TempDir
    Path dir;

    @Test
    void sighupReloadsTheConfigFile() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger launcherLog = (Logger) LoggerFactory.getLogger(Launcher.class);
        Logger storeLog = (Logger) LoggerFactory.getLogger(ConfigStore.class);
        launcherLog.addAppender(logs);
        storeLog.addAppender(logs);
        // The test config logs warnings only; these lines are INFO.
        launcherLog.setLevel(ch.qos.logback.classic.Level.INFO);
        storeLog.setLevel(ch.qos.logback.classic.Level.INFO);
        try (FileGateway g = FileGateway.start(dir, """
                routes:
                  - {name: one, match: {path: /one}, respond: {status: 200, body: one}}
                """)) {
            Launcher.reloadOnHangup(g.gateway());
            Files.writeString(g.file(), g.fileText().replace("body: one", "body: two"));
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
            assertThat(kill.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(g.get("/one").body()).isEqualTo("two"));
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().startsWith("SIGHUP received")));
        } finally {
            launcherLog.detachAppender(logs);
            storeLog.detachAppender(logs);
            launcherLog.setLevel(null);
            storeLog.setLevel(null);
        }
    }
}
