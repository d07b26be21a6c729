package io.archway.upstream.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.HostPort;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    private static Target target(int port, int weight) {
        return new Target(new HostPort("127.0.0.1", port), weight);
    }

    @Test
    void interleavesWeightsInsteadOfBursting() {
        Target a = target(1, 5);
        Target b = target(2, 1);
        Target c = target(3, 1);
        TargetSnapshot s = TargetSnapshot.allHealthy(List.of(a, b, c));
        RoundRobinBalancer rr = new RoundRobinBalancer();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            order.add(rr.pick(s, null).toString());
        }
        // Smooth weighted round robin: a's five turns are spread around b and c.
        assertThat(order).containsExactly("127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:1",
                "127.0.0.1:3", "127.0.0.1:1", "127.0.0.1:1");
    }

    @Test
    void splitsEqualTargetsExactlyEvenAcrossThreads() throws Exception {
        List<Target> targets = List.of(target(1, 1), target(2, 1), target(3, 1));
        TargetSnapshot s = TargetSnapshot.allHealthy(targets);
        RoundRobinBalancer rr = new RoundRobinBalancer();
        Map<Target, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    counts.computeIfAbsent(rr.pick(s, null), k -> new AtomicInteger()).incrementAndGet();
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        // One counter per upstream, shared by all threads: 3,000 picks give exactly 1,000 each.
        assertThat(counts.values()).extracting(AtomicInteger::get).containsOnly(1000);
    }

    @Test
    void honoursWeightsOverACycle() {
        Target a = target(1, 3);
        Target b = target(2, 1);
        TargetSnapshot s = TargetSnapshot.allHealthy(List.of(a, b));
        RoundRobinBalancer rr = new RoundRobinBalancer();
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(rr.pick(s, null), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(a, 300).containsEntry(b, 100);
    }

    @Test
    void drainsAndSkipsZeroWeightTargets() {
        Target a = target(1, 0);
        Target b = target(2, 1);
        TargetSnapshot s = TargetSnapshot.allHealthy(List.of(a, b));
        RoundRobinBalancer rr = new RoundRobinBalancer();
        for (int i = 0; i < 10; i++) {
            assertThat(rr.pick(s, null)).isSameAs(b);
        }
        assertThat(rr.pick(TargetSnapshot.allHealthy(List.of(a)), null)).isNull();
    }
}
