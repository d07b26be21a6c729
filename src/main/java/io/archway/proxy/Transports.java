package io.archway.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The I/O transport: native epoll when it loads on this machine, NIO otherwise. */
public final class Transports {
    private static final Logger log = LoggerFactory.getLogger(Transports.class);
    private static volatile boolean logged;

    private Transports() {}

    public static boolean epoll() {
        boolean epoll = Epoll.isAvailable() && !Boolean.getBoolean("archway.nio");
        if (!logged) {
            logged = true;
            if (epoll) {
                log.info("transport: native epoll");
            } else {
                log.info("transport: NIO (epoll unavailable: {})",
                        Epoll.unavailabilityCause() == null ? "disabled" : Epoll.unavailabilityCause().toString());
            }
        }
        return epoll;
    }

    public static EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, false);
        return new MultiThreadIoEventLoopGroup(threads, factory,
                epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    public static Class<? extends ServerSocketChannel> serverChannel() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> clientChannel() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannel() {
        return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
