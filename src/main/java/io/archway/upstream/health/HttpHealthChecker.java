package io.archway.upstream.health;

import io.archway.config.UpstreamConfig.ActiveCheck;
import io.archway.proxy.Transports;
import io.archway.upstream.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Active health checks: every {@code interval}, a {@code GET path} to each target on a new connection,
 * all on one event loop and none of them blocking it. A 2xx or 3xx head within {@code timeout} passes;
 * anything else (refused, reset, timed out, another status) fails. Results go to a {@link Results}
 * callback on the same loop, which owns the thresholds.
 */
public final class HttpHealthChecker implements AutoCloseable {

    /** Receives each probe's result, on the checker's event loop. */
    public interface Results {
        void onProbe(Target target, boolean passed, String detail);
    }

    private final ActiveCheck config;
    private final EventLoop loop;
    private final Supplier<List<Target>> targets;
    private final Results results;
    private final Bootstrap bootstrap;
    private volatile boolean closed;
    private ScheduledFuture<?> next;

    public HttpHealthChecker(ActiveCheck config, EventLoop loop, Supplier<List<Target>> targets, Results results) {
        this.config = config;
        this.loop = loop;
        this.targets = targets;
        this.results = results;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, config.timeout().toMillis()));
    }

    /** Sends the first round of probes now, then one every interval. */
    public void start() {
        loop.execute(this::tick);
    }

    private void tick() {
        if (closed) {
            return;
        }
        for (Target t : targets.get()) {
            probe(t);
        }
        next = loop.schedule(this::tick, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void probe(Target target) {
        Probe probe = new Probe(target);
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), probe);
            }
        }).connect(target.socketAddress());
        probe.channel = f.channel();
        probe.timer = loop.schedule(() -> probe.done(false, "no answer within " + config.timeout().toMillis() + " ms"),
                config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                probe.done(false, "connect failed: " + cf.cause());
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(),
                    Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, target.address().toString());
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            req.headers().set(HttpHeaderNames.USER_AGENT, "archway-health-check");
            req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            cf.channel().writeAndFlush(req);
        });
    }

    @Override
    public void close() {
        closed = true;
        try {
            loop.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The loop is already stopping: its timers go with it.
        }
    }

    /** One probe: one connection, one result, whichever of answer, failure or timeout comes first. */
    private final class Probe extends ChannelInboundHandlerAdapter {
        private final Target target;
        Channel channel;
        ScheduledFuture<?> timer;
        private boolean reported;

        Probe(Target target) {
            this.target = target;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    int code = r.status().code();
                    if (code >= 100 && code < 200) {
                        return;
                    }
                    done(code >= 200 && code < 400, "status " + code);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done(false, "connection closed before an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done(false, cause.toString());
        }

        void done(boolean passed, String detail) {
            if (reported) {
                return;
            }
            reported = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            if (!closed) {
                results.onProbe(target, passed, detail);
            }
        }
    }
}
