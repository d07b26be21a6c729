package io.archway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void containsAddressesOfTheBlock() throws Exception {
        Cidr block = Cidr.parse("10.0.0.0/8");

        assertThat(block.contains(InetAddress.getByName("10.200.1.1"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1").contains(InetAddress.getByName("::1"))).isTrue();
    }

    @Test
    void acceptsOnlyStrictLiterals() {
        // InetAddress reads "10.1" as 10.0.0.1 and looks names up in DNS; neither belongs in a config.
        for (String text : new String[] {"10.1", "10.0.0.256", "proxy.local", "zz::1", "10.0.0.0/x"}) {
            assertThatThrownBy(() -> Cidr.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessage("expected: a prefix length in 0..128");
    }
}
