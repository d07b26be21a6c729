package io.archway.proxy;

import io.archway.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The downstream listeners of the gateway, all on the shared event loops. */
public final class ProxyServer {
    private final EventLoopGroup loops;
    private final FrontendSettings settings;
    private final List<Channel> listeners = new ArrayList<>();

    public ProxyServer(EventLoopGroup loops, FrontendSettings settings) {
        this.loops = loops;
        this.settings = settings;
    }

    /** Binds every address; throws with the address in the message when one cannot be bound. */
    public List<InetSocketAddress> bind(List<HostPort> addresses) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .childHandler(new FrontendInitializer(settings));
        List<InetSocketAddress> bound = new ArrayList<>();
        for (HostPort hp : addresses) {
            InetSocketAddress address = new InetSocketAddress(hp.host(), hp.port());
            try {
                Channel ch = b.bind(address).syncUninterruptibly().channel();
                listeners.add(ch);
                bound.add((InetSocketAddress) ch.localAddress());
            } catch (Exception e) {
                throw new IllegalStateException("cannot listen on " + hp + ": " + e.getMessage(), e);
            }
        }
        return bound;
    }

    /** Stops accepting new connections; open ones finish their current exchange and close. */
    public void stopAccepting() {
        settings.drain();
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        listeners.clear();
    }

    /** Closes the idle upstream connections of every event loop. */
    public void closePools() {
        for (EventExecutor e : loops) {
            if (e instanceof EventLoop loop) {
                loop.execute(() -> ConnectionPool.closeAll(loop));
            }
        }
    }

    public FrontendSettings settings() {
        return settings;
    }
}
