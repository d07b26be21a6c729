package io.archway.admin;

import io.archway.config.HostPort;
import io.archway.proxy.Transports;
import io.archway.runtime.ChangeException;
import io.archway.runtime.Gateway;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (DESIGN §3): loopback by default, JSON, guarded by the admin token when one is set
 * (every endpoint but {@code GET /health}). Requests are handled on admin worker threads, never on an
 * event loop: a change compiles a snapshot and writes a file. A connection reads its next request only
 * once the previous answer is written, so pipelined requests are answered in order.
 */
public final class AdminServer {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final EventLoopGroup loops;
    private final Supplier<String> token;
    private final AdminRoutes routes;
    private final ExecutorService workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel channel;

    public AdminServer(EventLoopGroup loops, Gateway gateway) {
        this.loops = loops;
        this.token = () -> gateway.config().current().config().admin().token();
        this.routes = new AdminRoutes(gateway);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "archway-admin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public InetSocketAddress bind(HostPort address) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
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

    /** Stops listening, closes open admin connections and lets a running handler finish (up to 2s). */
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String method = req.method().name();
            if (!req.decoderResult().isSuccess()) {
                write(ctx, AdminResponse.error(400, "bad_request", List.of("malformed request")), false, false);
                return;
            }
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            AdminRequest request = new AdminRequest(method, q.path(), q.parameters(),
                    req.headers().get(HttpHeaderNames.CONTENT_TYPE), req.headers().get(HttpHeaderNames.ACCEPT),
                    ByteBufUtil.getBytes(req.content()), Map.of());
            String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            ctx.channel().config().setAutoRead(false);
            try {
                workers.execute(() -> write(ctx, handle(request, authorization), keepAlive, method.equals("HEAD")));
            } catch (RejectedExecutionException e) {
                ctx.close();
            }
        }

        private void write(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive, boolean head) {
            if (!ctx.channel().isActive()) {
                return;
            }
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
            r.headers().forEach((k, v) -> resp.headers().add(k, v));
            if (r.status() == 401) {
                // Bearer for API clients; Basic makes a browser ask (any user name, the token as password).
                resp.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"archway-admin\"");
                resp.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"archway-admin\", charset=\"UTF-8\"");
            }
            if (keepAlive) {
                ctx.writeAndFlush(resp).addListener(f -> ctx.channel().config().setAutoRead(true));
            } else {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("admin connection {}: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }

    /** Runs on an admin worker: token, route, handler; every failure becomes a JSON error. */
    AdminResponse handle(AdminRequest req, String authorization) {
        AdminRoutes.Resolved resolved = routes.resolve(req.method(), req.path());
        AdminRoutes.Endpoint e = resolved.endpoint();
        if ((e == null || !e.open()) && !authorized(authorization)) {
            return AdminResponse.error(401, "unauthorized", List.of("missing or wrong admin token "
                    + "(expected: Authorization: Bearer <admin.token>)"));
        }
        if (e == null) {
            if (!resolved.allowed().isEmpty()) {
                return AdminResponse.error(405, "method_not_allowed", List.of(req.method() + " " + req.path()
                        + " (expected one of: " + String.join(", ", resolved.allowed()) + ")"))
                        .withHeader("Allow", String.join(", ", resolved.allowed()));
            }
            return AdminResponse.error(404, "not_found", List.of(req.path() + " is not an admin endpoint"));
        }
        try {
            return e.handler().handle(req.withParams(resolved.params()));
        } catch (ChangeException ce) {
            return AdminResponse.error(ce.status(), ce.error(), ce.details());
        } catch (RuntimeException re) {
            log.error("admin {} {} failed", req.method(), req.path(), re);
            return AdminResponse.error(500, "internal_error", List.of(String.valueOf(re.getMessage())));
        }
    }

    /**
     * Constant time: both sides are hashed first, so neither the position of the first difference nor
     * the token's length shows in the timing.
     */
    private boolean authorized(String authorization) {
        String expected = token.get();
        if (expected == null || expected.isEmpty()) {
            return true;
        }
        String given = "";
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                given = authorization.substring(7).trim();
            } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                given = basicPassword(authorization.substring(6).trim());
            }
        }
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static String basicPassword(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
