package io.archway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.route.PathPattern.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "/                  | EXACT    | /",
            "/a/b               | EXACT    | /a/b",
            "/a/b/              | EXACT    | /a/b/",
            "/a/%7e/%c3%a9      | EXACT    | /a/~/%C3%A9",
            "/caf\u00e9         | EXACT    | /caf%C3%A9",
            "/users/{id}        | TEMPLATE | /users/{}",
            "/{a}/x/{b_2}/      | TEMPLATE | /{}/x/{}/",
            "/x/**              | PREFIX   | /x/**",
            "/**                | PREFIX   | /**",
            "/a/b/**            | PREFIX   | /a/b/**",
    })
    void parses(String text, Kind kind, String shape) {
        PathPattern pattern = PathPattern.parse(text);
        assertThat(pattern.kind()).isEqualTo(kind);
        assertThat(pattern.shape()).isEqualTo(shape);
        assertThat(pattern.text()).isEqualTo(text);
    }

    @Test
    void listsVariablesInPathOrder() {
        assertThat(PathPattern.parse("/orgs/{org}/users/{user_id}").variableNames()).containsExactly("org", "user_id");
        assertThat(PathPattern.parse("/orgs/x").variableNames()).isEmpty();
    }

    @Test
    void templatesThatDifferOnlyInVariableNamesHaveTheSameShape() {
        assertThat(PathPattern.parse("/users/{id}").shape()).isEqualTo(PathPattern.parse("/users/{name}").shape());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "users              | a path starting with /",
            "''                 | a path starting with /",
            "/a/**/b            | ** only as the last segment",
            "/**/               | ** only as the last segment",
            "/a/*               | /** at the end for a prefix, or {name} for one segment",
            "/a/***             | /** at the end for a prefix, or {name} for one segment",
            "/users/{id         | {name} as a whole segment",
            "/users/id}         | {name} as a whole segment",
            "/users/x{id}       | {name} as a whole segment",
            "/users/{}          | {name} as a whole segment",
            "/users/{1d}        | variable names like {user_id}",
            "/users/{a-b}       | variable names like {user_id}",
            "/{id}/x/{id}       | each variable name once, {id} is repeated",
            "/a//b              | no empty segments (//)",
            "//                 | no empty segments (//)",
            "/a/../b            | no . or .. segments",
            "/a/%2e             | no . or .. segments",
            "/a/%2F             | not one with: encoded slash",
            "/a\\b              | not one with: backslash",
            "/a#b               | not one with: fragment",
            "/{id}/**           | either {name} segments or a /** suffix, not both",
    })
    void rejects(String text, String expected) {
        assertThatThrownBy(() -> PathPattern.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(PathPattern.quote(text) + " (expected: ")
                .hasMessageContaining(expected);
    }
}
