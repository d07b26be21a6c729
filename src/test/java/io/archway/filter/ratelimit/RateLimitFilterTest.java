package io.archway.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.filter.Filter;
import io.archway.filter.FilterEnv;
import io.archway.filter.FilterRegistry;
import io.archway.filter.FilterResult;
import io.archway.filter.SharedResources;
import io.archway.filter.TestRequests;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitFilterTest {
    private final SharedResources shared = new SharedResources();
    private final FilterEnv env = new FilterEnv(null, shared, Runnable::run);

    private Filter build(RateLimitConfig config) {
        return FilterRegistry.INSTANCE.family("rate_limit").factory().create(config, env);
    }

    private boolean admitted(Filter f, String route) {
        FilterResult r = f.onRequest(TestRequests.get(route, "/")).toCompletableFuture().join();
        return r instanceof FilterResult.Proceed;
    }

    @Test
    void aReloadWithTheSameSettingsKeepsTheCounts() {
        RateLimitConfig config = new RateLimitConfig(2, Duration.ofHours(1), RateLimitConfig.KeyKind.ROUTE, null, 2);
        Filter before = build(config);
        assertThat(admitted(before, "r")).isTrue();
        Filter afterReload = build(new RateLimitConfig(2, Duration.ofHours(1), RateLimitConfig.KeyKind.ROUTE, null, 2));
        assertThat(admitted(afterReload, "r")).isTrue();
        assertThat(admitted(afterReload, "r")).isFalse();
    }

    @Test
    void routesAndChangedSettingsHaveTheirOwnCounters() {
        Filter one = build(new RateLimitConfig(1, Duration.ofHours(1), RateLimitConfig.KeyKind.ROUTE, null, 1));
        Filter other = build(new RateLimitConfig(1, Duration.ofHours(1), RateLimitConfig.KeyKind.ROUTE, null, 1));
        assertThat(admitted(one, "a")).isTrue();
        assertThat(admitted(other, "b")).isTrue();
        Filter changed = build(new RateLimitConfig(1, Duration.ofMinutes(30), RateLimitConfig.KeyKind.ROUTE, null, 1));
        assertThat(admitted(changed, "a")).isTrue();
        assertThat(admitted(one, "a")).isFalse();
    }
}
