package io.archway.upstream.balancer;

import static io.archway.upstream.balancer.Targets.snapshot;
import static io.archway.upstream.balancer.Targets.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.upstream.PeakEwma;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** random, least_connections, least_request and ewma, each with a seeded random and a fake clock. */
class WeightedBalancersTest {

    private static Map<Target, Integer> count(Balancer b, TargetSnapshot s, int picks) {
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(b.pick(s, null), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void randomHonoursWeights() {
        Target a = target(1, 3);
        Target b = target(2, 1);
        Map<Target, Integer> counts = count(new RandomBalancer(new SplittableRandom(7)), snapshot(List.of(a, b)), 40_000);
        // 3:1 is 30,000 : 10,000; three standard deviations of a binomial here are about 260.
        assertThat(counts.get(a)).isBetween(29_600, 30_400);
        assertThat(counts.get(b)).isBetween(9_600, 10_400);
    }

    @Test
    void everyBalancerSkipsTargetsThatMayNotTakeTraffic() {
        Target up = target(1, 1);
        Target down = target(2, 1);
        Target drained = target(3, 0);
        TargetSnapshot s = new TargetSnapshot(List.of(up, down, drained), List.of(up));
        SplittableRandom r = new SplittableRandom(1);
        List<Balancer> all = List.of(new RoundRobinBalancer(), new LeastConnectionsBalancer(),
                new LeastRequestBalancer(r), new EwmaBalancer(r, () -> 0), new RandomBalancer(r),
                new IpHashBalancer(), new ConsistentHashBalancer(new io.archway.config.UpstreamConfig.HashOn(
                        io.archway.config.UpstreamConfig.HashOn.Source.PATH, null)));
        for (Balancer b : all) {
            for (int i = 0; i < 50; i++) {
                assertThat(b.pick(s, Targets.request("10.0.0." + i, "/p" + i, null, Map.of()))).isSameAs(up);
            }
            assertThat(b.pick(new TargetSnapshot(List.of(up, down), List.of()), Targets.fromIp("10.0.0.1")))
                    .as(b.getClass().getSimpleName() + " with nothing healthy").isNull();
        }
    }

    @Test
    void leastConnectionsPrefersTheTargetWithFewerInFlight() {
        Target a = target(1, 1);
        Target b = target(2, 1);
        Target c = target(3, 1);
        TargetSnapshot s = snapshot(List.of(a, b, c));
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer();
        a.inFlight().set(5);
        b.inFlight().set(2);
        c.inFlight().set(3);
        for (int i = 0; i < 10; i++) {
            assertThat(lc.pick(s, null)).isSameAs(b);
        }
        a.inFlight().set(0);
        b.inFlight().set(0);
        c.inFlight().set(0);
        // Ties go round robin: an idle upstream is walked in order, not always from the first target.
        assertThat(count(lc, s, 300).values()).containsOnly(100);
    }

    @Test
    void leastConnectionsWeighsInFlightByWeight() {
        Target heavy = target(1, 3);
        Target light = target(2, 1);
        TargetSnapshot s = snapshot(List.of(heavy, light));
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer();
        heavy.inFlight().set(5);
        light.inFlight().set(2);
        // 5/3 < 2/1: the heavier target still has room.
        assertThat(lc.pick(s, null)).isSameAs(heavy);
        heavy.inFlight().set(7);
        assertThat(lc.pick(s, null)).isSameAs(light);
        heavy.inFlight().set(0);
        light.inFlight().set(0);
        // Idle: the weights decide, 3:1 exactly over whole cycles.
        Map<Target, Integer> counts = count(lc, s, 400);
        assertThat(counts).containsEntry(heavy, 300).containsEntry(light, 100);
    }

    @Test
    void leastRequestPicksTheLessLoadedOfTwo() {
        Target a = target(1, 1);
        Target b = target(2, 1);
        TargetSnapshot s = snapshot(List.of(a, b));
        LeastRequestBalancer lr = new LeastRequestBalancer(new SplittableRandom(3));
        a.inFlight().set(4);
        b.inFlight().set(1);
        // With two targets both are always the candidates, so the less loaded one always wins.
        assertThat(count(lr, s, 1000)).containsOnlyKeys(b);
    }

    @Test
    void leastRequestNeverPicksTheMostLoadedOfThree() {
        List<Target> ts = Targets.equal(3);
        ts.get(0).inFlight().set(10);
        ts.get(1).inFlight().set(5);
        TargetSnapshot s = snapshot(ts);
        Map<Target, Integer> counts = count(new LeastRequestBalancer(new SplittableRandom(5)), s, 3000);
        // Two distinct candidates: the busiest can never win; the idle one wins whenever drawn (2/3).
        assertThat(counts).doesNotContainKey(ts.get(0));
        assertThat(counts.get(ts.get(2))).isBetween(1900, 2100);
    }

    @Test
    void leastRequestFollowsWeightsWhenIdle() {
        Target a = target(1, 4);
        Target b = target(2, 1);
        Map<Target, Integer> counts = count(new LeastRequestBalancer(new SplittableRandom(9)), snapshot(List.of(a, b)), 10_000);
        assertThat(counts.get(a)).isBetween(7800, 8200);
    }

    @Test
    void ewmaAvoidsASlowTargetAndTriesItAgainOnceItsLatencyDecays() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Target> ts = Targets.equal(3);
        Target slow = ts.get(1);
        for (Target t : ts) {
            t.latency().observe(2_000_000, now.get());
        }
        slow.latency().observe(52_000_000, now.get());
        TargetSnapshot s = snapshot(ts);
        EwmaBalancer ewma = new EwmaBalancer(new SplittableRandom(11), now::get);
        assertThat(count(ewma, s, 3000)).doesNotContainKey(slow);
        // Unpicked, its cost decays towards zero, so after enough time it is tried again.
        now.addAndGet(60 * PeakEwma.TAU_NANOS);
        for (Target t : ts) {
            if (t != slow) {
                t.latency().observe(2_000_000, now.get());
            }
        }
        assertThat(count(ewma, s, 3000)).containsKey(slow);
    }

    @Test
    void ewmaWeighsLatencyByInFlight() {
        AtomicLong now = new AtomicLong();
        Target fastButBusy = target(1, 1);
        Target slower = target(2, 1);
        fastButBusy.latency().observe(1_000_000, 0);
        slower.latency().observe(3_000_000, 0);
        fastButBusy.inFlight().set(5);
        EwmaBalancer ewma = new EwmaBalancer(new SplittableRandom(1), now::get);
        // 1 ms x 6 > 3 ms x 1.
        assertThat(ewma.pick(snapshot(List.of(fastButBusy, slower)), null)).isSameAs(slower);
        fastButBusy.inFlight().set(1);
        assertThat(ewma.pick(snapshot(List.of(fastButBusy, slower)), null)).isSameAs(fastButBusy);
    }

    @Test
    void peakEwmaJumpsToAPeakAndBlendsLowerSamples() {
        PeakEwma e = new PeakEwma0().ewma;
        e.observe(10_000_000, 0);
        assertThat(e.value(0)).isEqualTo(10_000_000);
        e.observe(50_000_000, 1);
        assertThat(e.value(1)).as("a slower answer counts at once").isEqualTo(50_000_000);
        e.observe(10_000_000, 1 + PeakEwma.TAU_NANOS);
        // A faster answer blends in: after one time constant, 1/e of the old value remains.
        double expected = 50_000_000 * Math.exp(-1) + 10_000_000 * (1 - Math.exp(-1));
        assertThat(e.value(1 + PeakEwma.TAU_NANOS)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
    }

    /** A fresh PeakEwma through a target, the only way outside its package to make one. */
    private static final class PeakEwma0 {
        final PeakEwma ewma = target(99, 1).latency();
    }
}
