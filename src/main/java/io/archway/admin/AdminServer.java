package io.archway.admin;

import io.archway.config.HostPort;
import io.archway.proxy.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The admin listener (DESIGN §3): loopback by default, JSON, guarded by the admin token when one is
 * set (every endpoint but {@code GET /health}). Admin bodies are small, so they are aggregated.
 */
public final class AdminServer {
    private final EventLoopGroup loops;
    private final Supplier<String> token;
    private Channel channel;

    public AdminServer(EventLoopGroup loops, Supplier<String> token) {
        this.loops = loops;
        this.token = token;
    }

    public InetSocketAddress bind(HostPort address) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(4 * 1024 * 1024))
                                .addLast(new Handler());
                    }
                });
        try {
            channel = b.bind(new InetSocketAddress(address.host(), address.port())).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + address + " (admin): " + e.getMessage(), e);
        }
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            FullHttpResponse resp;
            if (path.equals("/health") && req.method().equals(HttpMethod.GET)) {
                resp = json(HttpResponseStatus.OK, "{\"status\":\"ok\"}");
            } else if (!authorized(req)) {
                resp = json(HttpResponseStatus.UNAUTHORIZED,
                        "{\"error\":\"unauthorized\",\"details\":[\"missing or wrong admin token\"]}");
                resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"archway-admin\"");
            } else {
                resp = json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not_found\",\"details\":[\"" + path + "\"]}");
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                ctx.writeAndFlush(resp);
            } else {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private boolean authorized(FullHttpRequest req) {
            String expected = token.get();
            if (expected == null || expected.isEmpty()) {
                return true;
            }
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            String given = auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
            return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8));
        }

        private FullHttpResponse json(HttpResponseStatus status, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
