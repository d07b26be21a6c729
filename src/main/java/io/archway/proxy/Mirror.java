package io.archway.proxy;

import io.archway.config.UpstreamConfig;
import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.Upstream;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of one request for a route's shadow upstream ({@code mirror: {upstream, percent}}). It is
 * sent once the original request is complete, on its own pooled connection of the same event loop,
 * and its answer is read and dropped: the client never waits for it and never sees it. Bodies are
 * copied only up to {@link #MAX_BODY}; a larger request is not mirrored (the gateway streams bodies
 * and will not hold a big one for a copy). The shadow's health, breaker and latency hear of the
 * outcome, like any request.
 */
final class Mirror implements UpstreamConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(Mirror.class);
    /** The largest request body that is copied to the shadow. */
    static final int MAX_BODY = 64 * 1024;

    private final Upstream upstream;
    private final HttpRequest head;
    private final List<HttpContent> body = new ArrayList<>(2);
    private long bodyBytes;
    private @Nullable Target target;
    private @Nullable UpstreamConnection conn;
    private @Nullable ScheduledFuture<?> timer;
    private long sentNanos;
    private boolean answered;
    private boolean keepAlive;
    private boolean done;

    private Mirror(Upstream upstream, HttpRequest head) {
        this.upstream = upstream;
        this.head = head;
    }

    /** A mirror of {@code req} as it is about to go upstream, or null when the request is too big to copy. */
    static @Nullable Mirror of(Upstream shadow, HttpRequest req) {
        if (HttpUtil.getContentLength(req, -1L) > MAX_BODY) {
            return null;
        }
        return new Mirror(shadow, new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri(),
                req.headers().copy()));
    }

    /** Keeps a copy of one body part; false (and nothing kept) once the body passes {@link #MAX_BODY}. */
    boolean add(HttpContent c) {
        int n = c.content().readableBytes();
        if (bodyBytes + n > MAX_BODY) {
            return false;
        }
        bodyBytes += n;
        body.add(c.retainedDuplicate());
        return true;
    }

    /** Drops the copy without sending it. */
    void release() {
        for (HttpContent c : body) {
            c.release();
        }
        body.clear();
    }

    /** Sends the complete copy from the request's event loop; failures only cost the copy. */
    void send(EventLoop loop, RequestContext rc) {
        if (!upstream.mirrorSlot()) {
            release();
            return;
        }
        Target t = upstream.admits() ? upstream.balancer().pick(upstream.snapshot(), rc) : null;
        if (t == null) {
            upstream.mirrorDone();
            release();
            return;
        }
        target = t;
        UpstreamConfig uc = upstream.config();
        UpstreamConfig.HostHeader host = uc.host();
        switch (host.mode()) {
            case ORIGINAL -> { }
            case TARGET -> head.headers().set(HttpHeaderNames.HOST, t.address().toString());
            case LITERAL -> head.headers().set(HttpHeaderNames.HOST, host.literal());
        }
        t.inFlight().incrementAndGet();
        ConnectionPool pool = ConnectionPool.of(loop);
        UpstreamConnection c = pool.acquire(t.address(), uc.pool().idleTimeout());
        if (c != null) {
            conn = c;
            write(loop);
            return;
        }
        UpstreamConnection fresh = pool.newConnection(t.address());
        conn = fresh;
        pool.connect(t.address(), t.socketAddress(), uc.timeouts().connect(), fresh)
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        write(loop);
                    } else {
                        log.debug("mirror: connect to {} failed: {}", t, f.cause() == null ? "?" : f.cause().toString());
                        upstream.onFailure(t, -1);
                        end(false);
                    }
                });
    }

    private void write(EventLoop loop) {
        UpstreamConnection c = conn;
        if (c == null || done) {
            return;
        }
        c.attach(this);
        sentNanos = System.nanoTime();
        c.channel.write(head, c.channel.voidPromise());
        for (HttpContent part : body) {
            c.channel.write(part, c.channel.voidPromise());
        }
        body.clear();
        c.channel.flush();
        c.channel.read();
        timer = loop.schedule(this::onTimeout, upstream.config().timeouts().response().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onTimeout() {
        timer = null;
        if (!done) {
            upstream.onFailure(target, System.nanoTime() - sentNanos);
            end(false);
        }
    }

    @Override
    public void onUpstreamRead(Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse r && r.status().code() >= 200) {
                answered = true;
                keepAlive = HttpUtil.isKeepAlive(r) && r.decoderResult().isSuccess();
                long latency = System.nanoTime() - sentNanos;
                if (r.status().code() >= 500 || r.decoderResult().isFailure()) {
                    upstream.onFailure(target, latency);
                } else {
                    upstream.onSuccess(target, latency);
                }
            }
            if (msg instanceof LastHttpContent && answered) {
                end(keepAlive);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (!done && conn != null) {
            conn.channel.read();
        }
    }

    @Override
    public void onUpstreamWritable() {
    }

    @Override
    public void onUpstreamClosed() {
        if (!done) {
            // A reused connection the shadow closed as we wrote (the keep-alive race) is not its failure.
            if (!answered && conn != null && !conn.reused) {
                upstream.onFailure(target, -1);
            }
            conn = null;
            end(false);
        }
    }

    @Override
    public void onUpstreamError(Throwable cause) {
        log.debug("mirror: upstream {} error: {}", target, cause.toString());
    }

    /** The copy is over: the connection back to the pool when it is reusable, closed otherwise. */
    private void end(boolean reuse) {
        if (done) {
            return;
        }
        done = true;
        release();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        UpstreamConnection c = conn;
        conn = null;
        if (c != null) {
            if (reuse) {
                UpstreamConfig.PoolConfig pool = upstream.config().pool();
                c.pool.release(c, pool.maxPerTarget(), pool.idleTimeout());
            } else {
                c.detach();
                c.channel.close();
            }
        }
        if (target != null) {
            target.inFlight().decrementAndGet();
        }
        upstream.mirrorDone();
    }
}
