package io.archway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.ControlledBackend;
import io.archway.testing.RunningGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §7 "Retries", the retry budget, the keep-alive race and the circuit breaker, end to end. */
class RetryIntegrationTest {
    @RegisterExtension
    final ControlledBackend a = ControlledBackend.start("a");
    @RegisterExtension
    final ControlledBackend b = ControlledBackend.start("b");
    @RegisterExtension
    final ControlledBackend c = ControlledBackend.start("c");

    private static String config(String upstreamExtra, ControlledBackend... targets) {
        StringBuilder t = new StringBuilder();
        for (ControlledBackend x : targets) {
            t.append(t.length() == 0 ? "" : ", ").append("{address: ").append(x.address()).append("}");
        }
        return """
                filters: {access_log: false}
                upstreams:
                  svc:
                    targets: [%s]
                %s
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                """.formatted(t, upstreamExtra);
    }

    private static HttpRequest post(RunningGateway g, String body) {
        return HttpRequest.newBuilder(g.uri("/p")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void getsAndPostsGoToALiveTargetWhenOneRefusesConnections() {
        b.stop();
        try (RunningGateway g = RunningGateway.start(config("", a, b))) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> get = g.get("/g" + i);
                assertThat(get.statusCode()).isEqualTo(200);
                assertThat(get.body()).isEqualTo("a");
                HttpResponse<String> post = g.send(post(g, "body " + i));
                assertThat(post.statusCode()).isEqualTo(200);
                assertThat(post.body()).isEqualTo("a");
            }
            assertThat(a.requests()).isEqualTo(20);
        }
    }

    @Test
    void aPostIsNotRetriedOnceTheUpstreamReceivedItButAGetIs() {
        b.status(502);
        String retries = """
                    retries: {attempts: 2, on: [connect_failure, 502]}
                    health_check: {passive: false}
                """;
        try (RunningGateway g = RunningGateway.start(config(retries, a, b))) {
            List<Integer> posts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                posts.add(g.send(post(g, "x")).statusCode());
            }
            // Round robin: one POST reached b, which answered 502; POST is not idempotent, so that is final.
            assertThat(posts).containsExactlyInAnyOrder(200, 502);
            assertThat(a.requests()).isEqualTo(1);
            assertThat(b.requests()).isEqualTo(1);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = g.get("/g");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }
            // One GET went to a directly, the other to b (502) and then to a.
            assertThat(a.requests()).isEqualTo(3);
            assertThat(b.requests()).isEqualTo(2);
        }
    }

    @Test
    void aStatusNotListedInOnIsPassedThrough() {
        b.status(503);
        String retries = """
                    retries: {attempts: 2, on: [502]}
                    health_check: {passive: false}
                """;
        try (RunningGateway g = RunningGateway.start(config(retries, a, b))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(g.get("/g").statusCode());
            }
            assertThat(statuses).containsExactly(200, 503, 200, 503);
            assertThat(a.requests() + b.requests()).isEqualTo(4);
        }
    }

    @Test
    void theRetryBudgetCapsExtraLoadWhenEveryTargetFails() {
        a.status(503);
        b.status(503);
        c.status(503);
        String retries = """
                    retries: {attempts: 2, on: [503]}
                    health_check: {passive: false}
                """;
        int requests = 200;
        try (RunningGateway g = RunningGateway.start(config(retries, a, b, c))) {
            for (int i = 0; i < requests; i++) {
                assertThat(g.get("/g").statusCode()).isEqualTo(503);
            }
            int seen = a.requests() + b.requests() + c.requests();
            // Without a budget: 600 (every request tried on all three). With it: at most the reserve of 10
            // plus 20% of the requests as retries, and the budget is used, not idle.
            assertThat(seen).isLessThanOrEqualTo(requests + 10 + requests / 5);
            assertThat(seen).isGreaterThanOrEqualTo(requests + requests / 5);
        }
    }

    @Test
    void aTargetThatClosesReusedConnectionsCausesNoErrors() {
        // The keep-alive race on every reuse: the backend closes a kept-alive connection, unanswered,
        // the moment the pool sends it the next request (issue 3).
        a.closeOnReuse(true);
        try (RunningGateway g = RunningGateway.start(config("    health_check: {passive: false}", a))) {
            for (int i = 0; i < 100; i++) {
                assertThat(g.get("/g" + i).statusCode()).isEqualTo(200);
                assertThat(g.send(post(g, "small body " + i)).statusCode()).isEqualTo(200);
            }
            assertThat(a.requests()).isEqualTo(200);
            // Nearly every request found its pooled connection closed under it and went again on a new one.
            assertThat(a.connections()).isGreaterThanOrEqualTo(199);
        }
    }

    @Test
    void aResponseTimeoutIs504AndRetriedOnlyWhen504IsListed() {
        a.delay(3000);
        try (RunningGateway g = RunningGateway.start(config("""
                    timeouts: {response: 300ms}
                    retries: {attempts: 1, on: [connect_failure]}
                """, a, b))) {
            HttpResponse<String> r = g.get("/g");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("\"error\":\"gateway_timeout\"");
            assertThat(b.requests()).isZero();
        }
        try (RunningGateway g = RunningGateway.start(config("""
                    timeouts: {response: 300ms}
                    retries: {attempts: 1, on: [504]}
                """, a, b))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = g.get("/g");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("b");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2500);
        }
    }

    @Test
    void theBreakerOpensThenHalfOpensAndClosesOnASuccessfulProbe() {
        a.status(500);
        String breaker = """
                    circuit_breaker: {failure_rate: 50%, min_requests: 4, open_for: 500ms}
                    retries: {attempts: 0}
                    health_check: {passive: false}
                """;
        try (RunningGateway g = RunningGateway.start(config(breaker, a))) {
            for (int i = 0; i < 4; i++) {
                assertThat(g.get("/g").statusCode()).isEqualTo(500);
            }
            HttpResponse<String> open = g.get("/g");
            assertThat(open.statusCode()).isEqualTo(503);
            assertThat(open.body()).startsWith("{\"error\":\"circuit_open\",\"request_id\":\"");
            assertThat(a.requests()).as("an open breaker sends nothing").isEqualTo(4);
            assertThat(g.gateway().snapshot().upstreams().get("svc").breakerState()).isEqualTo("open");

            // Still failing when half-open: the one probe fails and the breaker opens again.
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> g.get("/g").statusCode() == 500);
            assertThat(a.requests()).isEqualTo(5);
            assertThat(g.get("/g").statusCode()).isEqualTo(503);

            a.status(200);
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> g.get("/g").statusCode() == 200);
            assertThat(g.gateway().snapshot().upstreams().get("svc").breakerState()).isEqualTo("closed");
            for (int i = 0; i < 5; i++) {
                assertThat(g.get("/g").statusCode()).isEqualTo(200);
            }
        }
    }
}
