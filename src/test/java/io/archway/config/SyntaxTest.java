package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntaxTest {
    @Test
    void hosts() {
        assertThat(Syntax.isHost("api.example.com")).isTrue();
        assertThat(Syntax.isHost("api.example.com.")).isTrue();
        assertThat(Syntax.isHost("10.0.0.1")).isTrue();
        assertThat(Syntax.isHost("[2001:db8::1]")).isTrue();
        assertThat(Syntax.isHost("-api.example.com")).isFalse();
        assertThat(Syntax.isHost("api..example.com")).isFalse();
        assertThat(Syntax.isHost("10.0.0.256")).as("all digits is an address, not a name").isFalse();
        assertThat(Syntax.isHost("a b")).isFalse();
    }

    @Test
    void loopbackIsDecidedWithoutDns() {
        assertThat(Syntax.isLoopbackHost("localhost")).isTrue();
        assertThat(Syntax.isLoopbackHost("127.0.0.2")).isTrue();
        assertThat(Syntax.isLoopbackHost("[::1]")).isTrue();
        assertThat(Syntax.isLoopbackHost("localhost.example.com")).isFalse();
        assertThat(Syntax.isLoopbackHost("10.0.0.1")).isFalse();
    }

    @Test
    void tokens() {
        assertThat(Syntax.isToken("X-Api-Version")).isTrue();
        assertThat(Syntax.isToken("GET")).isTrue();
        assertThat(Syntax.isToken("X Api")).isFalse();
        assertThat(Syntax.isToken("")).isFalse();
    }
}
