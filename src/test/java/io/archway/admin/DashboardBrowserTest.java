package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.RunningGateway;
import io.archway.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver). Not skipped when
 * they are missing: CI installs them, and a dashboard nobody opened is not tested.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @RegisterExtension
    final TestBackend a = TestBackend.replying("a");

    @TempDir
    Path profile;

    private WebDriver browser() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("headless Chromium is needed for this test: apt-get install chromium chromium-driver "
                        + "(.ci/run installs them); looked for " + CHROMIUM + " and " + CHROMEDRIVER)
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @Test
    void showsTheRoutesAndChartsTrafficWithoutConsoleErrors() throws Exception {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - {name: api, match: {path: /api/**}, upstream: svc}
                  - {name: hello, match: {path: /hello}, respond: {status: 200, body: hi}}
                """.formatted(a.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            WebDriver web = browser();
            try {
                web.get("http://127.0.0.1:" + g.adminPort() + "/");
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(web.findElements(By.cssSelector("#routes tr[data-route='api']"))).hasSize(1);
                    assertThat(web.findElements(By.cssSelector("#routes tr[data-route='hello']"))).hasSize(1);
                });
                assertThat(web.getTitle()).isEqualTo("Archway");
                assertThat(web.findElement(By.id("upstreams")).getText()).contains("svc").contains(a.address());

                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    for (int i = 0; i < 5; i++) {
                        g.get("/api/x");
                    }
                    return chartMax(web, "chart-rate") > 0 && chartMax(web, "chart-latency") > 0;
                });
                assertThat(web.findElement(By.cssSelector("#chart-rate canvas")).isDisplayed()).isTrue();

                Path shot = ((TakesScreenshot) web).getScreenshotAs(OutputType.FILE).toPath();
                Files.createDirectories(Path.of("target"));
                Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);

                List<LogEntry> errors = web.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                assertThat(errors).as("console errors").isEmpty();
            } finally {
                web.quit();
            }
        }
    }

    /** The largest value any series of a chart holds right now (0 before data). */
    private static double chartMax(WebDriver web, String chart) {
        Object v = ((JavascriptExecutor) web).executeScript("""
                var c = window.archwayDashboard && window.archwayDashboard.charts[arguments[0]];
                if (!c) { return 0; }
                var max = 0;
                for (var s = 1; s < c.plot.data.length; s++) {
                  c.plot.data[s].forEach(function (x) { if (x !== null && x > max) { max = x; } });
                }
                return max;
                """, chart);
        return ((Number) v).doubleValue();
    }
}
