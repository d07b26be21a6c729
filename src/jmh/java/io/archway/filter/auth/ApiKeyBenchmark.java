package io.archway.filter.auth;

import io.archway.config.ConsumerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Finding the consumer of an API key among 10,000 consumers: a hit, and a key nobody has. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ApiKeyBenchmark {
    private Consumers consumers;
    private String[] keys;
    private int next;

    @Setup
    public void setUp() {
        Map<String, ConsumerConfig> all = new LinkedHashMap<>();
        keys = new String[10_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = UUID.randomUUID().toString();
            all.put("c" + i, new ConsumerConfig("c" + i, List.of(keys[i]), null, List.of("g")));
        }
        consumers = new Consumers(all);
    }

    @Benchmark
    public ConsumerConfig knownKey() {
        String k = keys[next];
        next = next + 1 == keys.length ? 0 : next + 1;
        return consumers.byApiKey(k);
    }

    @Benchmark
    public ConsumerConfig unknownKey() {
        return consumers.byApiKey("3f0e8c1a-0000-4000-8000-000000000000");
    }
}
