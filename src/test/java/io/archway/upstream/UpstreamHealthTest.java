package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.config.Interpolator;
import io.archway.config.UpstreamConfig;
import io.archway.proxy.Transports;
import io.archway.runtime.Configs;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Passive ejection and slow start on a fake clock; no sockets (the targets are never connected to). */
class UpstreamHealthTest {
    private static final long SECOND = 1_000_000_000L;
    private final EventLoopGroup loops = Transports.group(1, "upstream-test");
    private final AtomicLong now = new AtomicLong(1000 * SECOND);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Upstream upstream(String extra) throws Exception {
        String yaml = """
                upstreams:
                  svc:
                    targets: [{address: 127.0.0.1:1}, {address: 127.0.0.1:2}]
                %s
                routes:
                  - {name: all, match: {path: /**}, upstream: svc}
                """.formatted(extra);
        UpstreamConfig config = Configs.parse(yaml, "test.yaml", Interpolator.of(Map.of())).config().upstreams().get("svc");
        return new Upstream(config, new UpstreamEnv(loops, now::get, new SplittableRandom(1),
                DnsServerAddressStreamProviders.platformDefault()));
    }

    /** Runs on the home loop, where snapshots are built. */
    private void publish(Upstream u) throws Exception {
        loops.next().submit(u::publishNow).get();
    }

    @Test
    void ejectsAfterConsecutiveFailuresOnlyAndNotWhenASuccessInterrupts() throws Exception {
        try (Upstream u = upstream("    health_check: {passive: {failures: 3, eject_for: 1h}}")) {
            Target b = u.targets().get(1);
            u.onFailure(b, -1);
            u.onFailure(b, -1);
            u.onSuccess(b, 1_000_000);
            u.onFailure(b, -1);
            u.onFailure(b, -1);
            publish(u);
            assertThat(u.snapshot().healthy()).contains(b);
            u.onFailure(b, -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !u.snapshot().healthy().contains(b));
            assertThat(u.snapshot().healthy()).containsExactly(u.targets().get(0));
            assertThat(u.snapshot().all()).hasSize(2);
        }
    }

    @Test
    void passiveChecksCanBeTurnedOff() throws Exception {
        try (Upstream u = upstream("    health_check: {passive: false}")) {
            Target b = u.targets().get(1);
            for (int i = 0; i < 50; i++) {
                u.onFailure(b, -1);
            }
            publish(u);
            assertThat(u.snapshot().healthy()).contains(b);
        }
    }

    @Test
    void slowStartRampsARecoveredTargetLinearly() throws Exception {
        try (Upstream u = upstream("""
                    slow_start: 10s
                    health_check: {passive: {failures: 1, eject_for: 50ms}}
                """)) {
            Target a = u.targets().get(0);
            Target b = u.targets().get(1);
            u.onFailure(b, -1);
            // Ejected, then readmitted 50 real ms later: the ramp starts at the (frozen) fake time, at 1%.
            await().atMost(Duration.ofSeconds(5)).until(() -> u.snapshot().weightOf(b) == 1);
            long back = now.get();

            now.set(back + 10 * SECOND / 4);
            publish(u);
            assertThat(u.snapshot().weightOf(a)).isEqualTo(100);
            assertThat(u.snapshot().weightOf(b)).isEqualTo(25);
            assertThat(shares(u)).containsEntry(a, 400).containsEntry(b, 100);

            now.set(back + 10 * SECOND / 2);
            publish(u);
            assertThat(u.snapshot().weightOf(b)).isEqualTo(50);

            now.set(back + 10 * SECOND);
            publish(u);
            assertThat(u.snapshot().weightOf(b)).isEqualTo(100);
            assertThat(shares(u)).containsEntry(a, 250).containsEntry(b, 250);
        }
    }

    @Test
    void targetsPresentAtStartDoNotSlowStart() throws Exception {
        try (Upstream u = upstream("    slow_start: 30s")) {
            assertThat(u.snapshot().weightOf(u.targets().get(0))).isEqualTo(100);
            assertThat(u.snapshot().weightOf(u.targets().get(1))).isEqualTo(100);
        }
    }

    /** 500 round-robin picks. */
    private static Map<Target, Integer> shares(Upstream u) {
        Map<Target, Integer> counts = new HashMap<>();
        TargetSnapshot s = u.snapshot();
        for (int i = 0; i < 500; i++) {
            counts.merge(u.balancer().pick(s, null), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void theSnapshotListsEveryTargetButOnlyTheHealthyTakeTraffic() throws Exception {
        try (Upstream u = upstream("")) {
            List<Target> all = u.targets();
            assertThat(u.snapshot().all()).containsExactlyElementsOf(all);
            assertThat(u.snapshot().size()).isEqualTo(2);
        }
    }
}
