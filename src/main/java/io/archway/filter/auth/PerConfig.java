package io.archway.filter.auth;

import io.archway.config.GatewayConfig;
import io.archway.filter.FilterEnv;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A value derived from one config and shared by every filter built for it (the consumer index, the
 * issuers): built once when the first route asks, rebuilt when a reload brings a new config.
 */
public final class PerConfig<T> {
    private final AtomicReference<Built<T>> last = new AtomicReference<>();

    private record Built<T>(GatewayConfig config, T value) {}

    /** The value for env's config, from the holder that env's shared resources keep under {@code key}. */
    @SuppressWarnings("unchecked")
    public static <T> T get(FilterEnv env, String key, Function<GatewayConfig, T> build) {
        PerConfig<T> holder = env.shared().get(key, PerConfig::new);
        return holder.get(env.config(), build);
    }

    T get(GatewayConfig config, Function<GatewayConfig, T> build) {
        Built<T> b = last.get();
        // Identity, not equals: a record's equals would walk the whole config each time.
        if (b != null && b.config() == config) {
            return b.value();
        }
        T value = build.apply(config);
        last.set(new Built<>(config, value));
        return value;
    }
}
