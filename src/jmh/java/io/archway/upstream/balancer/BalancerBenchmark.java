package io.archway.upstream.balancer;

import io.archway.config.HostPort;
import io.archway.config.UpstreamConfig.HashOn;
import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import io.archway.upstream.UpstreamEnv;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code pick} of each balancer over 3 and 100 healthy targets of mixed weights, with some
 * in-flight requests and latencies recorded. Run with {@code -prof gc}: no balancer may allocate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBenchmark {
    @Param({"round_robin", "least_connections", "least_request", "ewma", "random", "ip_hash", "consistent_hash"})
    public String balancer;

    @Param({"3", "100"})
    public int targets;

    private Balancer b;
    private TargetSnapshot snapshot;
    private RequestContext ctx;

    @Setup
    public void setUp() throws Exception {
        SplittableRandom seed = new SplittableRandom(42);
        List<Target> list = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            Target t = new Target(new HostPort("10.0." + (i / 250) + "." + (i % 250 + 1), 8080), 1 + i % 3);
            t.inFlight().set(seed.nextInt(8));
            t.latency().observe(1_000_000 + seed.nextInt(5_000_000), System.nanoTime());
            list.add(t);
        }
        snapshot = TargetSnapshot.allHealthy(list);
        b = switch (balancer) {
            case "round_robin" -> new RoundRobinBalancer();
            case "least_connections" -> new LeastConnectionsBalancer();
            case "least_request" -> new LeastRequestBalancer(UpstreamEnv.defaultRandom());
            case "ewma" -> new EwmaBalancer(UpstreamEnv.defaultRandom(), System::nanoTime);
            case "random" -> new RandomBalancer(UpstreamEnv.defaultRandom());
            case "ip_hash" -> new IpHashBalancer();
            case "consistent_hash" -> new ConsistentHashBalancer(new HashOn(HashOn.Source.COOKIE, "session"));
            default -> throw new IllegalArgumentException(balancer);
        };
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/users/42");
        req.headers().set("Cookie", "theme=dark; session=8f14e45fceea167a5a36dedd4bea2543");
        ctx = new RequestContext(null, req, "/users/42", null, InetAddress.getByName("203.0.113.7"), "203.0.113.7",
                1 << 20, 0, 0);
        b.pick(snapshot, ctx);
    }

    @Benchmark
    public Target pick() {
        return b.pick(snapshot, ctx);
    }
}
