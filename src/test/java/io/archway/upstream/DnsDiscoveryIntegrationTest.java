package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.testing.ControlledBackend;
import io.archway.testing.RunningGateway;
import io.archway.testing.TestDnsServer;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Targets from a DNS server run by the test on 127.0.0.1; the backends listen on 127.0.0.2 and .3. */
class DnsDiscoveryIntegrationTest {
    private static final String NAME = "users.archway.test";
    private final ControlledBackend one = ControlledBackend.start("one", "127.0.0.2", 0);
    private final ControlledBackend two = ControlledBackend.start("two", "127.0.0.3", one.port());
    private final TestDnsServer dns = new TestDnsServer(NAME, List.of("127.0.0.2"));

    @AfterEach
    void stop() {
        one.stop();
        two.stop();
        dns.close();
    }

    private RunningGateway gateway() {
        String yaml = """
                filters: {access_log: false}
                upstreams:
                  users:
                    discovery: {dns: "%s:%d", refresh: 100ms}
                routes:
                  - {name: all, match: {path: /**}, upstream: users}
                """.formatted(NAME, one.port());
        return RunningGateway.start(yaml, Map.of(),
                env -> env.withDnsServers(new SingletonDnsServerAddressStreamProvider(dns.address())));
    }

    private static Set<String> bodies(RunningGateway g, int n) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = g.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            out.add(r.body());
        }
        return out;
    }

    @Test
    void followsTheDnsAnswerWithoutDroppingInFlightRequests() throws Exception {
        try (RunningGateway g = gateway()) {
            Upstream up = g.gateway().snapshot().upstreams().get("users");
            await().atMost(Duration.ofSeconds(5)).until(() -> up.snapshot().size() == 1);
            assertThat(bodies(g, 6)).containsExactly("one");

            dns.answer(List.of("127.0.0.2", "127.0.0.3"));
            await().atMost(Duration.ofSeconds(5)).until(() -> up.snapshot().size() == 2);
            assertThat(bodies(g, 6)).containsExactlyInAnyOrder("one", "two");

            // A request held by "one" while DNS drops it: it finishes; new requests go to "two" only.
            one.hold(true);
            CompletableFuture<HttpResponse<String>> held = null;
            for (int i = 0; i < 4 && held == null; i++) {
                CompletableFuture<HttpResponse<String>> f = RunningGateway.client().sendAsync(
                        HttpRequest.newBuilder(g.uri("/held")).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(5)).until(() -> f.isDone() || one.heldCount() == 1);
                if (!f.isDone()) {
                    held = f;
                }
            }
            assertThat(held).as("one request is parked on target one").isNotNull();
            dns.answer(List.of("127.0.0.3"));
            await().atMost(Duration.ofSeconds(5)).until(() -> up.snapshot().size() == 1);
            assertThat(up.snapshot().target(0).toString()).isEqualTo("127.0.0.3:" + one.port());
            assertThat(bodies(g, 6)).containsExactly("two");
            one.releaseHeld();
            HttpResponse<String> r = held.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("one");
        }
    }

    @Test
    void keepsTheLastTargetsWhenTheNameStopsResolving() {
        try (RunningGateway g = gateway()) {
            Upstream up = g.gateway().snapshot().upstreams().get("users");
            await().atMost(Duration.ofSeconds(5)).until(() -> up.snapshot().size() == 1);
            int before = dns.queries();
            dns.answer(List.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> dns.queries() > before + 4);
            assertThat(up.snapshot().size()).isEqualTo(1);
            assertThat(bodies(g, 3)).containsExactly("one");
        }
    }
}
