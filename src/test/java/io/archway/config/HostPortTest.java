package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesNamesAndLiterals() {
        assertThat(HostPort.parse("users.internal:8080")).isEqualTo(new HostPort("users.internal", 8080));
        assertThat(HostPort.parse("my_service:80")).as("Compose service names").isEqualTo(new HostPort("my_service", 80));
        assertThat(HostPort.parse("[::1]:8443")).isEqualTo(new HostPort("::1", 8443));
        assertThat(HostPort.parse("[::1]:8443")).hasToString("[::1]:8443");
        assertThat(HostPort.parse("127.0.0.1:0").port()).isZero();
    }

    @Test
    void minimumPortIsTheCallersChoice() {
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:0", 1)).hasMessage("expected: a port in 1..65535");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:70000")).hasMessage("expected: a port in 0..65535");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:99999999999")).hasMessage("expected: a port in 0..65535");
    }

    @Test
    void rejectsWhatIsNotHostAndPort() {
        assertThatThrownBy(() -> HostPort.parse("users")).hasMessage("expected: host:port");
        assertThatThrownBy(() -> HostPort.parse("users:http")).hasMessage("expected: host:port with a numeric port");
        assertThatThrownBy(() -> HostPort.parse("users:-1")).hasMessage("expected: host:port with a numeric port");
        assertThatThrownBy(() -> HostPort.parse("my host:80"))
                .hasMessage("expected: host:port with a host name or IP address");
        assertThatThrownBy(() -> HostPort.parse("http://users:80"))
                .hasMessage("expected: host:port, IPv6 addresses in brackets like [::1]:8080");
        assertThatThrownBy(() -> HostPort.parse("[users]:80"))
                .hasMessage("expected: host:port with an IPv6 address in brackets like [::1]:8080");
    }
}
