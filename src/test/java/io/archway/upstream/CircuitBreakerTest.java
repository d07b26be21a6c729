package io.archway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.UpstreamConfig.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final long SECOND = 1_000_000_000L;

    private final CircuitBreaker breaker = new CircuitBreaker("svc",
            new CircuitBreakerConfig(0.5, 4, Duration.ofSeconds(10)), Duration.ofSeconds(3));
    /** A probe timeout longer than open_for. */
    private final CircuitBreaker patient = new CircuitBreaker("svc",
            new CircuitBreakerConfig(0.5, 4, Duration.ofSeconds(10)), Duration.ofSeconds(30));

    @Test
    void staysClosedUntilMinRequestsAreSeen() {
        breaker.onFailure(0);
        breaker.onFailure(0);
        breaker.onFailure(0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.CLOSED);
        breaker.onFailure(0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.OPEN);
    }

    @Test
    void opensAtTheFailureRateOverTheLastMinRequests() {
        breaker.onSuccess(0);
        breaker.onSuccess(0);
        breaker.onFailure(0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.CLOSED);
        // Two of the last four failed: 50%.
        breaker.onFailure(0);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.OPEN);
        assertThat(breaker.allow(1)).isFalse();
    }

    @Test
    void oldOutcomesLeaveTheWindow() {
        breaker.onFailure(0);
        for (int i = 0; i < 10; i++) {
            breaker.onSuccess(0);
        }
        breaker.onFailure(0);
        // The first failure left the window long ago: one of four.
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.CLOSED);
    }

    @Test
    void halfOpensAfterOpenForWithOneProbeAtATime() {
        open(0);
        assertThat(breaker.allow(9 * SECOND)).isFalse();
        assertThat(breaker.allow(10 * SECOND)).as("the probe").isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.HALF_OPEN);
        assertThat(breaker.allow(10 * SECOND + 1)).as("a second request while the probe is out").isFalse();
        assertThat(breaker.closed()).as("no retries while half-open").isFalse();
        breaker.onSuccess(11 * SECOND);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.CLOSED);
        assertThat(breaker.allow(11 * SECOND)).isTrue();
        // A fresh window: one failure does not reopen it.
        breaker.onFailure(11 * SECOND);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.CLOSED);
    }

    @Test
    void aFailedProbeReopensForAnotherOpenFor() {
        open(0);
        assertThat(breaker.allow(10 * SECOND)).isTrue();
        breaker.onFailure(10 * SECOND);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.OPEN);
        assertThat(breaker.allow(19 * SECOND)).isFalse();
        assertThat(breaker.allow(20 * SECOND)).isTrue();
    }

    @Test
    void theNextHalfOpenPeriodMayProbeEvenBeforeTheLastProbesTimeout() {
        for (int i = 0; i < 4; i++) {
            patient.onFailure(0);
        }
        assertThat(patient.allow(10 * SECOND)).isTrue();
        patient.onFailure(11 * SECOND);
        assertThat(patient.allow(21 * SECOND)).isTrue();
    }

    @Test
    void aProbeThatNeverReportsFreesTheSlotAfterItsTimeout() {
        open(0);
        assertThat(breaker.allow(10 * SECOND)).isTrue();
        assertThat(breaker.allow(12 * SECOND)).isFalse();
        assertThat(breaker.allow(13 * SECOND)).isTrue();
    }

    private void open(long now) {
        for (int i = 0; i < 4; i++) {
            breaker.onFailure(now);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.OPEN);
    }
}
