package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durations() {
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.format(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void hugeDurationIsAnInputErrorNotAnArithmeticException() {
        assertThatThrownBy(() -> Units.parseDuration("9223372036854775807d"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(Units.DURATION_EXPECTED);
    }

    @Test
    void sizes() {
        assertThat(Units.parseSize("64KB")).isEqualTo(64 * 1024);
        assertThat(Units.parseSize("512")).isEqualTo(512);
        assertThatThrownBy(() -> Units.parseSize("10 parsecs")).hasMessage(Units.SIZE_EXPECTED);
    }
}
