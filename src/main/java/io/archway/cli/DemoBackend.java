package io.archway.cli;

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
import io.archway.proxy.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A tiny service for {@code archway demo}: answers every request with its own name and what it saw. */
final class DemoBackend {
    private final Channel channel;

    private DemoBackend(Channel channel) {
        this.channel = channel;
    }

    static DemoBackend start(EventLoopGroup loops, String name) {
        Channel ch = new ServerBootstrap()
                .group(loops)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        String body = "{\"backend\":\"" + name + "\",\"method\":\"" + req.method()
                                                + "\",\"path\":\"" + req.uri().replace("\"", "%22")
                                                + "\",\"x_forwarded_for\":\""
                                                + req.headers().get("X-Forwarded-For", "") + "\"}\n";
                                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
                                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
                                        r.headers().set("X-Backend", name);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return new DemoBackend(ch);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}
