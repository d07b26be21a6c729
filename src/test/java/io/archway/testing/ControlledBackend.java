package io.archway.testing;

import io.archway.proxy.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A backend for load-balancing tests whose behaviour a test changes while it runs: it can be slowed,
 * made to fail (a status for traffic, another for {@code /health}), made to hold requests until
 * released, made to close a kept-alive connection instead of answering its next request, and stopped
 * and restarted on the same port. It answers its name; {@code /health} is counted apart from traffic.
 */
public final class ControlledBackend implements AfterEachCallback, AutoCloseable {
    private static final EventLoopGroup LOOPS = Transports.group(2, "controlled-backend");
    private static final AttributeKey<Integer> SERVED = AttributeKey.valueOf("served");

    private final String name;
    private final String host;
    private int port;
    private volatile Channel server;
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private volatile int status = 200;
    private volatile int healthStatus = 200;
    private volatile String failMethod;
    private volatile long delayMs;
    private volatile boolean hold;
    private volatile boolean closeOnReuse;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();

    private ControlledBackend(String name, String host, int port) {
        this.name = name;
        this.host = host;
        this.port = port;
        start();
    }

    public static ControlledBackend start(String name) {
        return new ControlledBackend(name, "127.0.0.1", 0);
    }

    /** On a given loopback address and port (DNS tests give several backends one port). */
    public static ControlledBackend start(String name, String host, int port) {
        return new ControlledBackend(name, host, port);
    }

    private void start() {
        server = new ServerBootstrap()
                .group(LOOPS)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String address() {
        return host + ":" + port;
    }

    /** Every answer but {@code /health} gets this status (200 by default). */
    public ControlledBackend status(int code) {
        this.status = code;
        return this;
    }

    /** Only requests with this method get {@link #status(int)}; others get 200. Null: all. */
    public ControlledBackend failOnly(String method) {
        this.failMethod = method;
        return this;
    }

    public ControlledBackend healthStatus(int code) {
        this.healthStatus = code;
        return this;
    }

    /** Every answer but {@code /health} waits this long. */
    public ControlledBackend delay(long ms) {
        this.delayMs = ms;
        return this;
    }

    /** Requests (but {@code /health}) wait unanswered until {@link #releaseHeld()}. */
    public ControlledBackend hold(boolean on) {
        this.hold = on;
        return this;
    }

    /**
     * Answers the first request of each connection and closes the connection, unanswered, when a
     * second one arrives on it: the keep-alive race, every time a pooled connection is reused.
     */
    public ControlledBackend closeOnReuse(boolean on) {
        this.closeOnReuse = on;
        return this;
    }

    public void releaseHeld() {
        Runnable r;
        while ((r = held.poll()) != null) {
            r.run();
        }
    }

    /** Requests answered or held, {@code /health} not counted. */
    public int requests() {
        return requests.get();
    }

    public int heldCount() {
        return held.size();
    }

    public int healthChecks() {
        return healthChecks.get();
    }

    public int connections() {
        return connections.get();
    }

    /** Closes the listener and every open connection: the port now refuses connections. */
    public void stop() {
        Channel s = server;
        if (s != null) {
            s.close().syncUninterruptibly();
            server = null;
        }
        open.close().syncUninterruptibly();
        held.clear();
    }

    /** Listens again on the same port. */
    public void restart() {
        if (server == null) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    @Override
    public void close() {
        stop();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (req.uri().startsWith("/health")) {
                healthChecks.incrementAndGet();
                answer(ctx, healthStatus, keepAlive);
                return;
            }
            Integer served = ctx.channel().attr(SERVED).get();
            int n = served == null ? 0 : served;
            ctx.channel().attr(SERVED).set(n + 1);
            if (closeOnReuse && n > 0) {
                ctx.close();
                return;
            }
            requests.incrementAndGet();
            String m = failMethod;
            int code = m == null || m.equals(req.method().name()) ? status : 200;
            Runnable reply = () -> answer(ctx, code, keepAlive);
            if (hold) {
                held.add(() -> ctx.executor().execute(reply));
            } else if (delayMs > 0) {
                ctx.executor().schedule(reply, delayMs, TimeUnit.MILLISECONDS);
            } else {
                reply.run();
            }
        }

        private void answer(ChannelHandlerContext ctx, int code, boolean keepAlive) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                    Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            r.headers().set("X-Backend", name);
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
