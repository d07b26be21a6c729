package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.ControlledBackend;
import io.archway.testing.RunningGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Balancers, splits, mirroring and health checks through the real gateway, against real backends. */
class LoadBalancingIntegrationTest {
    @RegisterExtension
    final ControlledBackend a = ControlledBackend.start("a");
    @RegisterExtension
    final ControlledBackend b = ControlledBackend.start("b");
    @RegisterExtension
    final ControlledBackend c = ControlledBackend.start("c");

    private static String config(String upstreams, String route) {
        return """
                filters: {access_log: false}
                upstreams:
                %s
                routes:
                  - name: all
                    match: {path: /**}
                %s
                """.formatted(upstreams, route);
    }

    private static String svc(String balancer, String extra, ControlledBackend... targets) {
        StringBuilder t = new StringBuilder();
        for (ControlledBackend x : targets) {
            t.append(t.length() == 0 ? "" : ", ").append("{address: ").append(x.address()).append("}");
        }
        return """
                  svc:
                    balancer: %s
                    targets: [%s]
                %s""".formatted(balancer, t, extra);
    }

    private static Map<String, Integer> spread(RunningGateway g, int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = g.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            counts.merge(r.body(), 1, Integer::sum);
        }
        return counts;
    }

    /** {@code requests} GETs from four client threads at once; the answering backends counted. */
    private static Map<String, Integer> spreadConcurrently(RunningGateway g, int requests) throws Exception {
        Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(requests);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> r = g.get("/x");
                    assertThat(r.statusCode()).isEqualTo(200);
                    counts.merge(r.body(), 1, Integer::sum);
                }
            }));
        }
        CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).get();
        return counts;
    }

    @Test
    void roundRobinSharesOneOrderAcrossConnectionsAndEventLoops() throws Exception {
        try (RunningGateway g = RunningGateway.start(config(svc("round_robin", "", a, b, c), "    upstream: svc"))) {
            // Four clients on different connections (and event loops) still walk one shared cycle.
            Map<String, Integer> counts = spreadConcurrently(g, 600);
            assertThat(counts).containsEntry("a", 200).containsEntry("b", 200).containsEntry("c", 200);
        }
    }

    @Test
    void aWeightedSplitSendsFivePercentToTheCanaryWithinOneAndAHalfPercent() throws Exception {
        String upstreams = """
                  main: {targets: [{address: %s}]}
                  canary: {targets: [{address: %s}]}
                """.formatted(a.address(), b.address());
        String route = "    upstreams: [{name: main, weight: 95}, {name: canary, weight: 5}]";
        try (RunningGateway g = RunningGateway.start(config(upstreams, route))) {
            Map<String, Integer> counts = spreadConcurrently(g, 4000);
            // The split is a smooth cycle of 19:1, so this is exactly 200; the contract is +-1.5% (60).
            assertThat(counts.get("b")).isBetween(200 - 60, 200 + 60);
            assertThat(counts.get("a") + counts.get("b")).isEqualTo(4000);
        }
    }

    @Test
    void leastConnectionsSendsNewRequestsAwayFromATargetHoldingSlowOnes() throws Exception {
        a.hold(true);
        try (RunningGateway g = RunningGateway.start(config(svc("least_connections", "", a, b), "    upstream: svc"))) {
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int heldBefore = a.heldCount();
                CompletableFuture<HttpResponse<String>> f = RunningGateway.client().sendAsync(
                        HttpRequest.newBuilder(g.uri("/r" + i)).build(), HttpResponse.BodyHandlers.ofString());
                sent.add(f);
                // Wait until this request is either answered (by b) or stuck in a: then the next one goes.
                await().atMost(Duration.ofSeconds(5)).until(() -> f.isDone() || a.heldCount() > heldBefore);
            }
            // The first request found both idle and went to a; every later one saw a busy and chose b.
            // Round robin would have parked ten of them on a.
            assertThat(a.heldCount()).isEqualTo(1);
            assertThat(b.requests()).isEqualTo(19);
            a.releaseHeld();
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void ewmaMovesTrafficOffATargetThatTurns50msSlowerWithinASecond() {
        try (RunningGateway g = RunningGateway.start(config(svc("ewma", "", a, b, c), "    upstream: svc"))) {
            Map<String, Integer> warm = spread(g, 300);
            assertThat(warm).containsKeys("a", "b", "c");
            b.delay(50);
            int bBefore = b.requests();
            int total = 0;
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                assertThat(g.get("/x").statusCode()).isEqualTo(200);
                total++;
            }
            int toB = b.requests() - bBefore;
            // Peak-EWMA: b's first slow answer makes it the most expensive target, and it stays so
            // for seconds; round robin would have sent it a third of this second's requests. The bound
            // leaves room for a and c looking slow too on a loaded machine (GC, a busy CPU).
            assertThat(total).isGreaterThan(10);
            assertThat(toB).isLessThanOrEqualTo(Math.max(2, total / 8));
        }
    }

    @Test
    void mirrorCopiesReachTheShadowWhoseSlownessNeverDelaysTheClient() {
        c.delay(2000);
        String upstreams = """
                  main: {targets: [{address: %s}]}
                  shadow: {targets: [{address: %s}]}
                """.formatted(a.address(), c.address());
        String route = """
                    upstream: main
                    mirror: {upstream: shadow, percent: 100}
                """;
        try (RunningGateway g = RunningGateway.start(config(upstreams, route))) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = g.get("/m" + i);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.body()).isEqualTo("a");
                assertThat(ms).as("the shadow answers after 2 s; the client must not wait for it").isLessThan(1000);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> post = g.send(HttpRequest.newBuilder(g.uri("/p"))
                    .POST(HttpRequest.BodyPublishers.ofString("small body")).build());
            assertThat(post.body()).isEqualTo("a");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.requests() == 6);
            // A body over 64 KiB is not copied (the gateway streams it and keeps no copy).
            HttpResponse<String> big = g.send(HttpRequest.newBuilder(g.uri("/big"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build());
            assertThat(big.body()).isEqualTo("a");
            assertThat(a.requests()).isEqualTo(7);
            assertThat(c.requests()).isEqualTo(6);
        }
    }

    @Test
    void activeChecksEjectWithinTheirThresholdAndReadmitAfterHealthyPasses() {
        String health = """
                    health_check:
                      active: {path: /health, interval: 300ms, timeout: 200ms, healthy: 2, unhealthy: 2}
                      passive: false
                """;
        try (RunningGateway g = RunningGateway.start(config(svc("round_robin", health, a, b), "    upstream: svc"))) {
            Upstream up = g.gateway().snapshot().upstreams().get("svc");
            Target tb = up.targets().get(1);
            await().atMost(Duration.ofSeconds(3)).until(() -> b.healthChecks() >= 1);
            b.healthStatus(503);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !up.snapshot().healthy().contains(tb));
            long ejectMs = (System.nanoTime() - t0) / 1_000_000;
            // unhealthy x interval + one interval (a probe may have just gone out), plus an allowance
            // for timers on a busy two-core machine.
            assertThat(ejectMs).isLessThanOrEqualTo(2 * 300 + 300 + 250);
            assertThat(spread(g, 20)).containsOnlyKeys("a");

            b.healthStatus(200);
            long t1 = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5))
                    .until(() -> up.snapshot().healthy().contains(tb));
            long backMs = (System.nanoTime() - t1) / 1_000_000;
            assertThat(backMs).isLessThanOrEqualTo(2 * 300 + 300 + 250);
            assertThat(spread(g, 20)).containsEntry("a", 10).containsEntry("b", 10);
        }
    }

    @Test
    void passiveChecksEjectAfterConsecutive5xxAndLetTheTargetBack() {
        b.status(500);
        String health = "    health_check: {passive: {failures: 3, eject_for: 1s}}";
        try (RunningGateway g = RunningGateway.start(config(svc("round_robin", health, a, b), "    upstream: svc"))) {
            Upstream up = g.gateway().snapshot().upstreams().get("svc");
            int errors = 0;
            for (int i = 0; i < 20; i++) {
                if (g.get("/x").statusCode() == 500) {
                    errors++;
                }
            }
            // a, b, a, b, a, b: the third 500 in a row ejects b, and the next request already avoids it.
            assertThat(b.requests()).isEqualTo(3);
            assertThat(errors).isEqualTo(3);
            b.status(200);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5))
                    .until(() -> up.snapshot().healthy().size() == 2);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThanOrEqualTo(1000 + 100);
            assertThat(spread(g, 10)).containsEntry("b", 5);
        }
    }

    @Test
    void everyTargetDownIsA503JsonAnswerNotAHang() {
        String health = """
                    health_check:
                      active: {path: /health, interval: 200ms, timeout: 100ms, healthy: 1, unhealthy: 1}
                """;
        a.healthStatus(500);
        b.healthStatus(500);
        try (RunningGateway g = RunningGateway.start(config(svc("least_request", health, a, b), "    upstream: svc"))) {
            Upstream up = g.gateway().snapshot().upstreams().get("svc");
            await().atMost(Duration.ofSeconds(3)).until(() -> up.snapshot().size() == 0);
            long t0 = System.nanoTime();
            HttpResponse<String> r = g.get("/x");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(r.body()).startsWith("{\"error\":\"no_healthy_target\",\"request_id\":\"");
            assertThat(a.requests() + b.requests()).isZero();
        }
    }

    @Test
    void consistentHashKeepsAKeyOnOneTargetAndRoundRobinsWithoutIt() {
        String hash = "    hash_on: header:X-User";
        try (RunningGateway g = RunningGateway.start(config(svc("consistent_hash", hash, a, b, c), "    upstream: svc"))) {
            Map<String, String> owner = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int u = 0; u < 30; u++) {
                    HttpResponse<String> r = g.send(HttpRequest.newBuilder(g.uri("/x")).header("X-User", "user-" + u).build());
                    String prev = owner.putIfAbsent("user-" + u, r.body());
                    if (prev != null) {
                        assertThat(r.body()).as("user-" + u).isEqualTo(prev);
                    }
                }
            }
            assertThat(new java.util.HashSet<>(owner.values())).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(spread(g, 6)).containsEntry("a", 2).containsEntry("b", 2).containsEntry("c", 2);
        }
    }
}
