package io.archway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    @Test
    void removesHopByHopHeadersAndWhatConnectionNamesInEveryConnectionHeader() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("Connection", "keep-alive");
        h.add("Connection", "X-Named, X-Other");
        h.add("X-Named", "1").add("X-Other", "2").add("Keep-Alive", "timeout=5").add("TE", "trailers")
                .add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("Proxy-Authorization", "x")
                .add("Proxy-Whatever", "y").add("X_Under", "z").add("Accept", "*/*");
        HopByHop.strip(h);
        assertThat(h.names()).containsExactly("Accept");
    }

    @Test
    void leavesOrdinaryHeadersAlone() {
        HttpHeaders h = new DefaultHttpHeaders().add("Host", "a").add("Accept", "*/*").add("Proxyish", "ok");
        HopByHop.strip(h);
        assertThat(h.names()).containsExactlyInAnyOrder("Host", "Accept", "Proxyish");
    }
}
