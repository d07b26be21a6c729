package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.testing.ControlledBackend;
import io.archway.testing.RunningGateway;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault run of issue 3, bounded: GETs from four clients over three targets for 8 s; one target is
 * killed at 2 s (listener and open connections closed) and restarted at 5 s. Every GET must succeed
 * (retries), the dead target must leave the healthy set at once and come back within the active
 * checks' {@code healthy x interval} (plus one interval) of its restart.
 */
class FaultIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(FaultIntegrationTest.class);

    @RegisterExtension
    final ControlledBackend a = ControlledBackend.start("a");
    @RegisterExtension
    final ControlledBackend b = ControlledBackend.start("b");
    @RegisterExtension
    final ControlledBackend c = ControlledBackend.start("c");

    @Test
    void killingAndRestartingOneOfThreeTargetsFailsNoGet() throws Exception {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  svc:
                    targets: [{address: %s}, {address: %s}, {address: %s}]
                    health_check:
                      active: {path: /health, interval: 500ms, timeout: 250ms, healthy: 2, unhealthy: 2}
                      passive: {failures: 5, eject_for: 30s}
                    retries: {attempts: 2, on: [connect_failure, 502, 503, 504]}
                routes:
                  - {name: all, match: {path: /**}, upstream: svc}
                """.formatted(a.address(), b.address(), c.address());
        try (RunningGateway g = RunningGateway.start(yaml)) {
            Upstream up = g.gateway().snapshot().upstreams().get("svc");
            Target tc = up.targets().get(2);
            long start = System.nanoTime();
            long end = start + 8_000_000_000L;
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            HttpResponse<String> r = g.get("/x");
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            AtomicLong killedAt = new AtomicLong();
            AtomicLong ejectedAt = new AtomicLong();
            AtomicLong restartedAt = new AtomicLong();
            AtomicLong readmittedAt = new AtomicLong();
            int cBeforeKill = 0;
            // The monitor: kills and restarts c on schedule, and notes when the snapshot changes.
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (killedAt.get() == 0 && now - start >= 2_000_000_000L) {
                    cBeforeKill = c.requests();
                    c.stop();
                    killedAt.set(System.nanoTime());
                }
                if (restartedAt.get() == 0 && now - start >= 5_000_000_000L) {
                    c.restart();
                    restartedAt.set(System.nanoTime());
                }
                boolean healthy = up.snapshot().healthy().contains(tc);
                if (killedAt.get() != 0 && ejectedAt.get() == 0 && !healthy) {
                    ejectedAt.set(System.nanoTime());
                }
                if (restartedAt.get() != 0 && readmittedAt.get() == 0 && healthy) {
                    readmittedAt.set(System.nanoTime());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            CompletableFuture.allOf(clients.toArray(new CompletableFuture[0])).get();
            long ejectMs = (ejectedAt.get() - killedAt.get()) / 1_000_000;
            long readmitMs = (readmittedAt.get() - restartedAt.get()) / 1_000_000;
            log.info("fault run: {} GETs ok, {} failed; target killed: ejected after {} ms; restarted: readmitted "
                    + "after {} ms; c served {} before the kill and {} after the restart", ok.get(), failed.get(),
                    ejectMs, readmitMs, cBeforeKill, c.requests());
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(100);
            assertThat(ejectedAt.get()).as("ejected").isNotZero();
            // Passive checks see the refused connections of the very next requests.
            assertThat(ejectMs).isLessThan(1000);
            assertThat(readmittedAt.get()).as("readmitted").isNotZero();
            assertThat(readmitMs).isLessThanOrEqualTo(2 * 500 + 500 + 200);
            assertThat(c.requests()).as("traffic reaches the restarted target").isGreaterThan(0);
        }
    }
}
