package io.archway.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void generatesThirtyTwoLowerCaseHexDigitsThatDiffer() {
        Set<String> seen = new HashSet<>();
        int[] digitCounts = new int[16];
        for (int i = 0; i < 1000; i++) {
            String id = RequestIds.next();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(RequestIds.isValid(id)).isTrue();
            seen.add(id);
            for (int j = 0; j < id.length(); j++) {
                digitCounts[Character.digit(id.charAt(j), 16)]++;
            }
        }
        assertThat(seen).hasSize(1000);
        // 32,000 random digits: each of the 16 appears about 2,000 times; a stuck nibble would show.
        for (int count : digitCounts) {
            assertThat(count).isBetween(1600, 2400);
        }
    }

    @Test
    void keepsOnlyIdsOfTheAllowedCharactersAndLength() {
        assertThat(RequestIds.isValid("req-1.a_b:C")).isTrue();
        assertThat(RequestIds.isValid("x".repeat(128))).isTrue();
        assertThat(RequestIds.isValid("x".repeat(129))).isFalse();
        assertThat(RequestIds.isValid("")).isFalse();
        assertThat(RequestIds.isValid("a b")).isFalse();
        assertThat(RequestIds.isValid("a\r\nb")).isFalse();
    }
}
