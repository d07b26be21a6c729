package io.archway.proxy;

import io.archway.config.HostPort;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keep-alive connection to a target, and the handler at the end of its pipeline. It belongs to one
 * event loop's {@link ConnectionPool}; while it serves an exchange, everything it reads goes to that
 * exchange's {@link Listener}. Read while idle, a connection is broken (the target talked out of turn).
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    /** The exchange using a connection; called on the connection's (and the exchange's) event loop. */
    interface Listener {
        void onUpstreamRead(Object msg);

        void onUpstreamReadComplete();

        void onUpstreamWritable();

        void onUpstreamClosed();

        void onUpstreamError(Throwable cause);
    }

    final HostPort key;
    final ConnectionPool pool;
    Channel channel;
    long idleSinceNanos;
    boolean reused;
    private @Nullable Listener listener;

    UpstreamConnection(HostPort key, ConnectionPool pool) {
        this.key = key;
        this.pool = pool;
    }

    void attach(Listener l) {
        this.listener = l;
    }

    void detach() {
        this.listener = null;
    }

    boolean isActive() {
        return channel != null && channel.isActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Listener l = listener;
        if (l == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        l.onUpstreamRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null) {
            l.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null && ctx.channel().isWritable()) {
            l.onUpstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.forget(this);
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.onUpstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Listener l = listener;
        if (l != null) {
            l.onUpstreamError(cause);
        } else {
            log.debug("idle upstream connection {} failed: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}
