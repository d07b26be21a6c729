package io.archway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a {@code 101 Switching Protocols} (a WebSocket upgrade), the two connections stop speaking HTTP:
 * their codecs are removed and bytes are relayed both ways, with the same read-after-write back-pressure
 * as the proxy, until either side closes.
 */
final class Tunnel {
    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
    static final String RELAY = "relay";

    private Tunnel() {}

    /**
     * Switches both pipelines to relaying. Called on the shared event loop after the 101 head was written
     * downstream; bytes either decoder still holds are passed on as the codecs are removed.
     */
    static void open(Channel downstream, Channel upstream) {
        Relay toUpstream = new Relay(upstream);
        Relay toDownstream = new Relay(downstream);
        ChannelPipeline down = downstream.pipeline();
        down.addLast(RELAY, toUpstream);
        removeIfPresent(down, FrontendInitializer.PROXY);
        removeIfPresent(down, FrontendInitializer.ENCODER);
        removeIfPresent(down, FrontendInitializer.DECODER);
        ChannelPipeline up = upstream.pipeline();
        up.addLast(RELAY, toDownstream);
        removeIfPresent(up, ConnectionPool.HANDLER);
        removeIfPresent(up, ConnectionPool.CODEC);
        downstream.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }

    private static void removeIfPresent(ChannelPipeline p, String name) {
        if (p.get(name) != null) {
            p.remove(name);
        }
    }

    /** Copies what one side reads to the other side, reading again only once the other side can take it. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && peer.isActive()) {
                peer.write(buf, peer.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (!peer.isWritable()) {
                // The other side cannot take more yet: pause this side until it can.
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // This side drained (or filled up): the peer, which writes into it, reads accordingly.
            peer.config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} tunnel error: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
