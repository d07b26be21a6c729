package io.archway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // As main builds it: only the subcommand asked for, or all of them for usage and unknown names.
            int code = Main.commandLine(args.length == 0 ? "" : args[0]).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void validateNamesTheYamlPathOfEachProblemAndExits1() throws Exception {
        Path file = dir.resolve("archway.yaml");
        Files.writeString(file, """
                upstreams:
                  users:
                    targets: [{address: "127.0.0.1:70000"}]
                routes:
                  - name: users
                    match: {path: /users}
                    upstream: users
                    filters:
                      rate_limit: {limit: 10, per: fast}
                """);
        Run r = run("validate", "-c", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("upstreams.users.targets[0].address");
        assertThat(r.err()).contains("routes[0].filters.rate_limit");
        assertThat(r.out()).doesNotContain("ok");
    }

    @Test
    void validatePrintsOkForAGoodConfig() throws Exception {
        Path file = dir.resolve("archway.yaml");
        Files.writeString(file, """
                routes:
                  - name: health
                    match: {path: /healthz}
                    respond: {status: 200, body: "ok\\n"}
                """);
        Run r = run("validate", "-c", file.toString());
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out().trim()).isEqualTo("ok");
    }

    @Test
    void validateOfAMissingFileExits1() {
        Run r = run("validate", "-c", dir.resolve("nope.yaml").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("nope.yaml");
    }

    @Test
    void unknownCommandIsAUsageErrorWithExit1() {
        assertThat(run("frobnicate").code()).isEqualTo(1);
        assertThat(run("validate").code()).as("missing -c").isEqualTo(1);
    }

    @Test
    void demoCheckSendsTheSampleRequestsThroughARealDemoAndExits0() {
        Run r = run("demo", "--check");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("ok   GET /hello", "ok   GET /api/users/42", "ok   GET /nowhere", "-> 404",
                "demo check passed").doesNotContain("FAIL");
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("run ", "demo ", "validate ", "version ", "token ");
    }

    @Test
    void versionPrintsTheVersion() {
        Run r = run("version");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).startsWith("archway ");
    }

    @Test
    void runExits2WhenThePortIsTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("archway.yaml");
            Files.writeString(file, "listen: 127.0.0.1:" + taken.getLocalPort() + "\nadmin: {listen: 127.0.0.1:0}\n");
            Run r = run("run", "-c", file.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void demoAnswersTheCurlsItPrints() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (DemoCommand.Demo demo = DemoCommand.start(0, 0, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            List<String> urls = new ArrayList<>();
            Matcher m = Pattern.compile("curl -i (\\S+)").matcher(printed.toString(StandardCharsets.UTF_8));
            while (m.find()) {
                urls.add(m.group(1));
            }
            assertThat(urls).hasSize(3);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(urls.get(0))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello from archway\n");
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(urls.get(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second = client.send(HttpRequest.newBuilder(URI.create(urls.get(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body()).contains("\"path\":\"/users/42\"");
            assertThat(List.of(first.headers().firstValue("X-Backend").orElseThrow(),
                    second.headers().firstValue("X-Backend").orElseThrow())).containsExactlyInAnyOrder("demo-a", "demo-b");
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(urls.get(2))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(none.body()).contains("\"error\":\"no_route\"");
        }
    }
}
