package io.archway.proxy;

import io.archway.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to targets, one pool per event loop, touched only from its loop: no locks.
 * Connections are reused most-recently-idle first (so a quiet period lets the others expire), and an idle
 * connection older than the upstream's {@code pool.idle_timeout} is closed instead of reused.
 */
final class ConnectionPool {
    private static final FastThreadLocal<ConnectionPool> POOLS = new FastThreadLocal<>();
    static final String CODEC = "http";
    static final String HANDLER = "upstream";

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<HostPort, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private long maxIdleNanos = TimeUnit.SECONDS.toNanos(50);
    private boolean sweeping;

    private ConnectionPool(EventLoop loop) {
        this.loop = loop;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(Transports.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The connection handler is added by connect(), which knows its pool key.
                    }
                });
    }

    /** The pool of the calling event loop. */
    static ConnectionPool of(EventLoop loop) {
        ConnectionPool pool = POOLS.get();
        if (pool == null) {
            pool = new ConnectionPool(loop);
            POOLS.set(pool);
        }
        return pool;
    }

    /** An idle connection to the target, or null; stale and closed ones are dropped on the way. */
    UpstreamConnection acquire(HostPort key, Duration idleTimeout) {
        ArrayDeque<UpstreamConnection> q = idle.get(key);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        long max = idleTimeout.toNanos();
        UpstreamConnection c;
        while ((c = q.pollLast()) != null) {
            if (c.isActive() && now - c.idleSinceNanos < max) {
                c.reused = true;
                return c;
            }
            c.channel.close();
        }
        return null;
    }

    /** Opens a new connection; its handler is in place before the connect completes. */
    ChannelFuture connect(HostPort key, InetSocketAddress address, Duration connectTimeout, UpstreamConnection conn) {
        Bootstrap b = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 * 1024)
                                .setMaxChunkSize(64 * 1024), false, false));
                        ch.pipeline().addLast(HANDLER, conn);
                    }
                });
        ChannelFuture f = b.connect(address);
        conn.channel = f.channel();
        conn.reused = false;
        return f;
    }

    UpstreamConnection newConnection(HostPort key) {
        return new UpstreamConnection(key, this);
    }

    /** Keeps a healthy connection for reuse, up to maxIdle per target; closes it otherwise. */
    void release(UpstreamConnection c, int maxIdle, Duration idleTimeout) {
        c.detach();
        if (!c.isActive()) {
            return;
        }
        // Idle connections keep reading, so a target that closes one is noticed before it is reused.
        c.channel.config().setAutoRead(true);
        ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        if (q.size() >= maxIdle) {
            c.channel.close();
            return;
        }
        c.idleSinceNanos = System.nanoTime();
        maxIdleNanos = Math.min(maxIdleNanos, idleTimeout.toNanos());
        q.addLast(c);
        if (!sweeping) {
            sweeping = true;
            loop.schedule(this::sweep, 1, TimeUnit.SECONDS);
        }
    }

    /** Drops a connection that closed while idle. */
    void forget(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.get(c.key);
        if (q != null) {
            q.remove(c);
        }
    }

    /** Closes idle connections past the shortest idle timeout, oldest first; reschedules while any remain. */
    private void sweep() {
        long now = System.nanoTime();
        boolean any = false;
        for (Iterator<ArrayDeque<UpstreamConnection>> it = idle.values().iterator(); it.hasNext(); ) {
            ArrayDeque<UpstreamConnection> q = it.next();
            UpstreamConnection c;
            while ((c = q.peekFirst()) != null && now - c.idleSinceNanos >= maxIdleNanos) {
                q.pollFirst();
                c.channel.close();
            }
            if (q.isEmpty()) {
                it.remove();
            } else {
                any = true;
            }
        }
        if (any) {
            loop.schedule(this::sweep, 1, TimeUnit.SECONDS);
        } else {
            sweeping = false;
        }
    }

    /** Closes every idle connection (shutdown). */
    void closeAll() {
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            for (UpstreamConnection c : q) {
                c.channel.close();
            }
        }
        idle.clear();
    }

    static void closeAll(EventLoop loop) {
        if (loop.inEventLoop()) {
            ConnectionPool p = POOLS.getIfExists();
            if (p != null) {
                p.closeAll();
            }
        }
    }
}
