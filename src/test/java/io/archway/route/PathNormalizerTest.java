package io.archway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/                  | /",
            "/a/./b/../c        | /a/c",
            "//                 | /",
            "///a//b///         | /a/b/",
            "/a/                | /a/",
            "/a/.               | /a/",
            "/a/..              | /",
            "/a/b/..            | /a/",
            "/a/b/../           | /a/",
            "/.                 | /",
            "/..                | /",
            "/../x              | /x",
            "/../../x/../../y   | /y",
            "/a/.../b           | /a/.../b",
            "/a/..b/.c          | /a/..b/.c",
            "/%2E%2E/x          | /x",
            "/a/%2e%2E/b        | /b",
            "/a/.%2e/b          | /b",
            "/a/%2E/b           | /a/b",
            "/%41%7a%30%2D%5F%7E | /Az0-_~",
            "/caf%c3%a9         | /caf%C3%A9",
            "/caf%C3%A9         | /caf%C3%A9",
            "/a%3fb             | /a%3Fb",
            "/a%25b             | /a%25b",
            "/a%0ab             | /a%0Ab",
            "/a b               | /a%20b",
    })
    void normalises(String raw, String expected) throws BadPathException {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void encodesCharactersThatAPathMayNotContain() throws BadPathException {
        assertThat(PathNormalizer.normalize("/a|b{c}[d]^e`\"<>?"))
                .isEqualTo("/a%7Cb%7Bc%7D%5Bd%5D%5Ee%60%22%3C%3E%3F");
    }

    @Test
    void keepsSubDelimitersColonAndAt() throws BadPathException {
        String path = "/!$&'()*+,;=:@";
        assertThat(PathNormalizer.normalize(path)).isSameAs(path);
    }

    @Test
    void encodesCharactersUpToFfAsTheBytesTheyCameFrom() throws BadPathException {
        // "é" sent raw as UTF-8 arrives from Netty as the two chars U+00C3 U+00A9.
        assertThat(PathNormalizer.normalize("/caf\u00c3\u00a9")).isEqualTo("/caf%C3%A9");
    }

    @Test
    void encodesCharactersAboveFfAsUtf8() throws BadPathException {
        assertThat(PathNormalizer.normalize("/\u20ac")).isEqualTo("/%E2%82%AC");
        assertThat(PathNormalizer.normalize("/\ud83d\ude00")).isEqualTo("/%F0%9F%98%80");
    }

    @Test
    void returnsTheSameInstanceWhenAlreadyNormal() throws BadPathException {
        for (String path : new String[] {"/", "/a", "/a/", "/api/users/42", "/a/.../b", "/caf%C3%A9", "/a%20b", "/x:y@z"}) {
            assertThat(PathNormalizer.normalize(path)).as(path).isSameAs(path);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "''            | path does not start with /",
            "a/b           | path does not start with /",
            "*             | path does not start with /",
            "/a%2Fb        | encoded slash",
            "/a%2fb        | encoded slash",
            "/a%5Cb        | encoded backslash",
            "/a%5cb        | encoded backslash",
            "/a%00b        | encoded NUL",
            "/a\\b         | backslash",
            "/a#b          | fragment",
            "/a%           | invalid percent-encoding",
            "/a%4          | invalid percent-encoding",
            "/a%zz         | invalid percent-encoding",
            "/a%4g/b       | invalid percent-encoding",
            "/a%\uff11\uff11 | invalid percent-encoding",
    })
    void rejects(String raw, String reason) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw))
                .isInstanceOf(BadPathException.class)
                .hasMessage(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\u0000b", "/a\tb", "/a\nb", "/a\rb", "/a\u001fb", "/a\u007fb"})
    void rejectsControlCharacters(String raw) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw))
                .isInstanceOf(BadPathException.class)
                .hasMessage("control character");
    }

    @Test
    void rejectsUnpairedSurrogate() {
        assertThatThrownBy(() -> PathNormalizer.normalize("/a\ud83d"))
                .isInstanceOf(BadPathException.class)
                .hasMessage("unpaired surrogate");
    }

    @Test
    void rejectionDoesNotEchoThePath() {
        assertThatThrownBy(() -> PathNormalizer.normalize("/secret%2Fthing"))
                .hasMessageNotContaining("secret");
    }

    @Test
    void isIdempotentAndNeverLeavesDotSegmentsOrDoubleSlashes() throws BadPathException {
        String[] parts = {"a", "b", ".", "..", "", "%2E", "%2e%2E", "%41", "%c3%a9", "x y", "~", "%7e", ";", "."};
        Random random = new Random(42);
        for (int n = 0; n < 5000; n++) {
            StringBuilder raw = new StringBuilder();
            int segments = 1 + random.nextInt(6);
            for (int s = 0; s < segments; s++) {
                raw.append('/').append(parts[random.nextInt(parts.length)]);
            }
            String once = PathNormalizer.normalize(raw.toString());
            assertThat(PathNormalizer.normalize(once)).as(raw.toString()).isSameAs(once);
            assertThat(once).as(raw.toString())
                    .startsWith("/")
                    .doesNotContain("//")
                    .doesNotContain("/./")
                    .doesNotContain("/../")
                    .doesNotEndWith("/.")
                    .doesNotEndWith("/..");
        }
    }
}
