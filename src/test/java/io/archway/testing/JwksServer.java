package io.archway.testing;

import io.archway.proxy.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on 127.0.0.1:0 for tests: serves {@code /jwks.json} with whatever key set the test
 * sets, and can be rotated ({@link #serve}), slowed ({@link #delay}), made to fail ({@link #failWith})
 * or taken down ({@link #stop}). Counts the requests it gets.
 */
public final class JwksServer implements AutoCloseable {
    private static final EventLoopGroup LOOPS = Transports.group(1, "test-jwks");

    private final Channel server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String json = "{\"keys\":[]}";
    private volatile long delayMillis;
    private volatile int failStatus;

    public JwksServer() {
        this.server = new ServerBootstrap()
                .group(LOOPS)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024), new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** The URL the gateway fetches. */
    public String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/jwks.json";
    }

    /** Serves this JWKS document from now on (a rotation, when it holds other keys). */
    public JwksServer serve(String jwksJson) {
        this.json = jwksJson;
        return this;
    }

    /** Answers every request only after this long. */
    public JwksServer delay(Duration d) {
        this.delayMillis = d.toMillis();
        return this;
    }

    /** Answers every request with this status and no keys; 0 serves keys again. */
    public JwksServer failWith(int status) {
        this.failStatus = status;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** Stops listening: fetches get "connection refused". */
    public void stop() {
        server.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        stop();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.incrementAndGet();
            int status = failStatus;
            String body = status == 0 ? json : "{\"error\":\"down\"}";
            Runnable answer = () -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        status == 0 ? HttpResponseStatus.OK : HttpResponseStatus.valueOf(status),
                        Unpooled.wrappedBuffer(bytes));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
                ctx.writeAndFlush(r);
            };
            long delay = delayMillis;
            if (delay > 0) {
                ctx.executor().schedule(answer, delay, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }
    }
}
