package io.archway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrontendDecoderTest {
    private final AtomicInteger headStarts = new AtomicInteger();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new FrontendDecoder(new HttpDecoderConfig().setStrictLineParsing(false),
                headStarts::incrementAndGet));
    }

    private static void write(EmbeddedChannel ch, String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsObsFoldEvenWhenTheHeadArrivesInPieces() {
        EmbeddedChannel ch = channel();
        write(ch, "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n");
        assertThat((Object) ch.readInbound()).isNull();
        write(ch, " folded\r\n\r\n");
        HttpRequest req = ch.readInbound();
        assertThat(req.decoderResult().isFailure()).isTrue();
        assertThat(req.decoderResult().cause()).hasMessageContaining("folding");
        ReferenceCountUtil.release(req);
        write(ch, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat((Object) ch.readInbound()).as("nothing is decoded after a bad head").isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void doesNotScanBodies() {
        EmbeddedChannel ch = channel();
        write(ch, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n\u0000\r \t\u007f");
        HttpRequest req = ch.readInbound();
        assertThat(req.decoderResult().isSuccess()).isTrue();
        HttpContent body = ch.readInbound();
        assertThat(body).isInstanceOf(LastHttpContent.class);
        assertThat(body.content().readableBytes()).isEqualTo(5);
        body.release();
        write(ch, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        HttpRequest next = ch.readInbound();
        assertThat(next.decoderResult().isSuccess()).isTrue();
        assertThat(next.uri()).isEqualTo("/next");
        ReferenceCountUtil.release(ch.readInbound());
        assertThat(headStarts.get()).isEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void checksEveryHeadOfPipelinedRequests() {
        EmbeddedChannel ch = channel();
        write(ch, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nX: a\u0001b\r\n\r\n");
        HttpRequest first = ch.readInbound();
        assertThat(first.decoderResult().isSuccess()).isTrue();
        ReferenceCountUtil.release(ch.readInbound());
        HttpRequest second = ch.readInbound();
        assertThat(second.decoderResult().isFailure()).isTrue();
        ReferenceCountUtil.release(second);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
