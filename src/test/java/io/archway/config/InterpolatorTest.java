package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolatorTest {
    private final Interpolator env = Interpolator.of(Map.of("HOST", "db", "route", "from-env"));

    private String expand(String text, Problems problems) {
        return env.expand(text, ConfigPath.root().field("x"), problems);
    }

    @Test
    void leavesThePerRequestPlaceholdersOfHeaderFiltersAlone() {
        Problems problems = new Problems();
        assertThat(expand("${request_id} ${consumer} ${client_ip} ${route} ${header.X-Org}", problems))
                .isEqualTo("${request_id} ${consumer} ${client_ip} ${route} ${header.X-Org}");
        assertThat(expand("${HOST}:${PORT:-5432}/${route}", problems)).isEqualTo("db:5432/${route}");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void stillReportsUnsetVariablesAndExpandsTheEscape() {
        Problems problems = new Problems();
        assertThat(expand("$${HOST} $$5", problems)).isEqualTo("${HOST} $5");
        expand("${requestid}", problems);
        assertThat(problems.lines()).containsExactly(
                "x: environment variable requestid is not set (expected: set it, or write ${requestid:-default})");
    }
}
