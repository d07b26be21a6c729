package io.archway.upstream.balancer;

import static io.archway.upstream.balancer.Targets.request;
import static io.archway.upstream.balancer.Targets.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.UpstreamConfig.HashOn;
import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashBalancersTest {
    private static final int KEYS = 20_000;

    private static HashOn on(HashOn.Source source, String name) {
        return new HashOn(source, name);
    }

    private static Target[] owners(Balancer b, TargetSnapshot s) {
        Target[] out = new Target[KEYS];
        for (int k = 0; k < KEYS; k++) {
            out[k] = b.pick(s, request("10.0.0.1", "/users/" + k, null, Map.of()));
        }
        return out;
    }

    @Test
    void spreadsKeysEvenlyOverEqualTargets() {
        List<Target> ts = Targets.equal(10);
        Map<Target, Integer> counts = new HashMap<>();
        for (Target t : owners(new ConsistentHashBalancer(on(HashOn.Source.PATH, null)), snapshot(ts))) {
            counts.merge(t, 1, Integer::sum);
        }
        // 160 points per target keep every share within about a quarter of the ideal 2,000.
        assertThat(counts).hasSize(10);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1500, 2500));
    }

    @Test
    void removingOneOfTenTargetsMovesOnlyItsOwnKeys() {
        List<Target> ts = Targets.equal(10);
        ConsistentHashBalancer b = new ConsistentHashBalancer(on(HashOn.Source.PATH, null));
        Target[] before = owners(b, snapshot(ts));
        Target gone = ts.get(3);
        List<Target> fewer = new ArrayList<>(ts);
        fewer.remove(gone);
        Target[] after = owners(b, snapshot(fewer));
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (before[k] != after[k]) {
                moved++;
                assertThat(before[k]).as("only keys of the removed target move").isSameAs(gone);
            }
        }
        // About 1/N of the keys: the removed target's share, and nothing else.
        assertThat(moved).isBetween(KEYS / 10 * 3 / 4, KEYS / 10 * 5 / 4);
    }

    @Test
    void addingAnEleventhTargetTakesAboutOneEleventhOfTheKeys() {
        List<Target> ts = Targets.equal(10);
        ConsistentHashBalancer b = new ConsistentHashBalancer(on(HashOn.Source.PATH, null));
        Target[] before = owners(b, snapshot(ts));
        Target added = Targets.target(20_000, 1);
        List<Target> more = new ArrayList<>(ts);
        more.add(added);
        Target[] after = owners(b, snapshot(more));
        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            if (before[k] != after[k]) {
                moved++;
                assertThat(after[k]).as("keys move only to the new target").isSameAs(added);
            }
        }
        assertThat(moved).isBetween(KEYS / 11 * 3 / 4, KEYS / 11 * 5 / 4);
    }

    @Test
    void theSameKeyKeepsItsTargetForEachSource() {
        TargetSnapshot s = snapshot(Targets.equal(5));
        Map<HashOn, RequestContext[]> cases = Map.of(
                on(HashOn.Source.HEADER, "x-user"), new RequestContext[] {
                    request("10.0.0.1", "/a", null, Map.of("X-User", "alice")),
                    request("10.0.0.2", "/b", null, Map.of("x-user", "alice"))},
                on(HashOn.Source.COOKIE, "session"), new RequestContext[] {
                    request("10.0.0.1", "/a", null, Map.of("Cookie", "theme=dark; session=s-42")),
                    request("10.0.0.2", "/b", null, Map.of("Cookie", "session=s-42"))},
                on(HashOn.Source.QUERY, "tenant"), new RequestContext[] {
                    request("10.0.0.1", "/a", "x=1&tenant=acme", Map.of()),
                    request("10.0.0.2", "/b", "tenant=acme", Map.of())},
                on(HashOn.Source.IP, null), new RequestContext[] {
                    request("10.9.9.9", "/a", null, Map.of()),
                    request("10.9.9.9", "/b", "q=2", Map.of())},
                on(HashOn.Source.PATH, null), new RequestContext[] {
                    request("10.0.0.1", "/same", null, Map.of()),
                    request("10.0.0.2", "/same", "q=3", Map.of())});
        cases.forEach((hashOn, requests) -> {
            ConsistentHashBalancer b = new ConsistentHashBalancer(hashOn);
            Target first = b.pick(s, requests[0]);
            for (int i = 0; i < 20; i++) {
                assertThat(b.pick(s, requests[i % 2])).as(hashOn.toString()).isSameAs(first);
            }
        });
    }

    @Test
    void differentKeysReachEveryTarget() {
        TargetSnapshot s = snapshot(Targets.equal(5));
        ConsistentHashBalancer b = new ConsistentHashBalancer(on(HashOn.Source.COOKIE, "session"));
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            counts.merge(b.pick(s, request("10.0.0.1", "/", null, Map.of("Cookie", "a=b; session=u" + i))), 1, Integer::sum);
        }
        assertThat(counts).hasSize(5);
    }

    @Test
    void aMissingKeyFallsBackToRoundRobin() {
        List<Target> ts = Targets.equal(3);
        TargetSnapshot s = snapshot(ts);
        for (HashOn hashOn : List.of(on(HashOn.Source.HEADER, "x-user"), on(HashOn.Source.COOKIE, "session"),
                on(HashOn.Source.QUERY, "tenant"))) {
            ConsistentHashBalancer b = new ConsistentHashBalancer(hashOn);
            // A cookie or parameter whose name only starts like the wanted one is not it.
            RequestContext without = request("10.0.0.1", "/", "tenants=x", Map.of("Cookie", "sessionx=1"));
            List<Target> picked = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                picked.add(b.pick(s, without));
            }
            assertThat(picked).as(hashOn.toString()).containsExactly(ts.get(0), ts.get(1), ts.get(2),
                    ts.get(0), ts.get(1), ts.get(2));
        }
    }

    @Test
    void ipHashKeepsAClientOnItsTargetAndSpreadsClients() {
        TargetSnapshot s = snapshot(Targets.equal(4));
        IpHashBalancer b = new IpHashBalancer();
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            RequestContext client = Targets.fromIp("192.0.2." + (i % 200));
            Target t = b.pick(s, client);
            assertThat(b.pick(s, client)).isSameAs(t);
            counts.merge(t, 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
    }

    @Test
    void heavierTargetsOwnMoreOfTheRing() {
        Target heavy = Targets.target(1, 3);
        Target light = Targets.target(2, 1);
        Map<Target, Integer> counts = new HashMap<>();
        for (Target t : owners(new ConsistentHashBalancer(on(HashOn.Source.PATH, null)), snapshot(List.of(heavy, light)))) {
            counts.merge(t, 1, Integer::sum);
        }
        assertThat(counts.get(heavy)).isBetween(KEYS * 65 / 100, KEYS * 85 / 100);
    }
}
