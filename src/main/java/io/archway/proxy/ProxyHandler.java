package io.archway.proxy;

import io.archway.config.Cidr;
import io.archway.config.LimitsConfig;
import io.archway.config.RouteConfig;
import io.archway.config.UpstreamConfig;
import io.archway.filter.FilterChain;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.archway.route.BadPathException;
import io.archway.route.PathNormalizer;
import io.archway.route.RouteMatch;
import io.archway.runtime.CompiledRoute;
import io.archway.runtime.Snapshot;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import io.archway.upstream.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy for one downstream connection: takes each request through routing and its filter chain,
 * streams it to a target over a pooled connection and streams the answer back, one exchange at a time
 * (pipelined requests wait their turn). Reads on both sides are explicit, so neither side is read
 * faster than the other can be written: that is the back-pressure.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter implements FilterChain.Outcome {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);
    private static final AsciiString X_CONSUMER = AsciiString.cached("x-consumer");
    /** Bodies up to this size are kept until the response starts, so the request can be retried. */
    private static final int REPLAY_LIMIT = 64 * 1024;
    /** A refused request's remaining body up to this size is read and dropped to keep the connection. */
    private static final long DISCARD_LIMIT = 64 * 1024;
    /** Pipelined messages read ahead of the exchange in progress before reading pauses. */
    private static final int MAX_BACKLOG = 16;
    /** Request body read before the upstream connection is ready, before reading pauses. */
    private static final long MAX_PENDING = 64 * 1024;
    /** Methods a written request may be retried with (DESIGN §7 "Retries"). */
    private static final java.util.Set<HttpMethod> IDEMPOTENT = java.util.Set.of(HttpMethod.GET, HttpMethod.HEAD,
            HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

    private static final int IDLE = 0;
    private static final int HEAD = 1;
    private static final int BUSY = 2;

    private final FrontendSettings settings;
    private ChannelHandlerContext ctx;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>(2);
    private @Nullable Exchange ex;
    private boolean closing;
    /** Between channelRead and channelReadComplete: writes upstream are flushed once, at the end. */
    private boolean reading;

    private int connState = HEAD;
    /** When the current state (head, idle) times out. */
    private long deadline;
    private @Nullable ScheduledFuture<?> timer;
    /** When {@link #timer} fires. */
    private long timerAt;
    /** The shortest timeout this connection has used: the timer never sleeps longer than this. */
    private long tick = Long.MAX_VALUE;
    private final Runnable onTimer = this::onTimer;
    private LimitsConfig limits;
    private @Nullable InetAddress peerAddress;
    private String peerIp;
    /** The Forwarded element of the last request, and the Host it was made for. */
    private @Nullable String forwardedElement;
    private @Nullable String forwardedHost;

    ProxyHandler(FrontendSettings settings) {
        this.settings = settings;
    }

    // ---------------------------------------------------------------- connection

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        limits = settings.snapshots.get().config().limits();
        connState = HEAD;
        shortenTick(limits);
        deadline = System.nanoTime() + limits.headerTimeout().toNanos();
        armTimer(deadline);
        ctx.read();
    }

    /** The connection's peer, and its text form, worked out once per connection rather than per request. */
    private InetAddress peer() {
        if (peerAddress == null) {
            peerAddress = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            peerIp = ForwardedHeaders.ip(peerAddress);
        }
        return peerAddress;
    }

    /** The first byte of a new request head arrived (called by the decoder). */
    void onHeadStart() {
        if (connState == IDLE) {
            connState = HEAD;
            deadline = System.nanoTime() + limits.headerTimeout().toNanos();
            armTimer(deadline);
        }
    }

    /** Keeps {@link #tick} at or below the head and idle timeouts of {@code l}. */
    private void shortenTick(LimitsConfig l) {
        tick = Math.min(tick, Math.min(l.headerTimeout().toNanos(), l.idleTimeout().toNanos()));
    }

    /**
     * Makes sure the connection's timer fires no later than {@code at}. The timer never sleeps longer than
     * {@link #tick}, the shortest timeout seen on this connection, so a deadline set from now is never
     * earlier than a pending timer: a busy keep-alive connection costs no timer operation per request, only
     * a wake-up every tick that re-arms.
     */
    private void armTimer(long at) {
        if (ctx == null) {
            return;
        }
        if (timer != null) {
            if (timerAt - at <= 0) {
                return;
            }
            timer.cancel(false);
        }
        long now = System.nanoTime();
        long fire = at - now < tick ? at : now + tick;
        timerAt = fire;
        timer = ctx.executor().schedule(onTimer, Math.max(0, fire - now), TimeUnit.NANOSECONDS);
    }

    /**
     * The connection's one timer: the head and idle timeouts, and while an exchange waits for its
     * upstream, that exchange's response timeout.
     */
    private void onTimer() {
        timer = null;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        if (connState == BUSY) {
            Exchange e = ex;
            if (e != null && e.awaitingResponse) {
                if (System.nanoTime() - e.responseDeadline >= 0) {
                    e.onResponseTimeout();
                } else {
                    armTimer(e.responseDeadline);
                }
            }
            // Otherwise the exchange's end (or its next wait for an upstream) arms the timer again.
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            armTimer(deadline);
            return;
        }
        if (connState == HEAD) {
            log.debug("{} request head not complete within {}", ctx.channel(), limits.headerTimeout());
            writeAndClose(Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                    io.archway.filter.RequestIds.next()));
        } else {
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!backlog.isEmpty() || (ex != null && ex.requestComplete)) {
            // A pipelined request (or its body) arrived while the previous exchange is still going.
            backlog.add(msg);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            startRequest(req);
            if (msg instanceof HttpContent c) {
                // Only decoder failures arrive as full requests; their (empty) content ends here.
                c.release();
            }
        } else if (msg instanceof HttpContent c) {
            if (ex != null) {
                ex.onRequestContent(c);
            } else {
                c.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (ex != null) {
            ex.flushUpstream();
        }
        maybeRead();
    }

    /**
     * Reading stays on (auto-read) unless the request side must wait: a toggle costs an epoll_ctl, so
     * it happens only under back-pressure, never once per request as explicit reads would.
     */
    private void maybeRead() {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        boolean want = backlog.size() < MAX_BACKLOG && (ex == null || ex.wantsRequestBytes());
        if (ctx.channel().config().isAutoRead() != want) {
            ctx.channel().config().setAutoRead(want);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && ex != null) {
            ex.resumeResponse();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (ex != null) {
            ex.abort("client closed the connection");
        }
        Object m;
        while ((m = backlog.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} downstream error: {}", ctx.channel(), cause.toString());
        if (ex != null && !ex.responseStarted && !closing) {
            ex.answerError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", true);
        }
        closing = true;
        ctx.close();
    }

    private void writeAndClose(FullHttpResponse response) {
        closing = true;
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    // ---------------------------------------------------------------- requests

    private void startRequest(HttpRequest req) {
        connState = BUSY;
        Snapshot snap = settings.snapshots.get();
        limits = snap.config().limits();
        long startNanos = System.nanoTime();
        DecoderResult dr = req.decoderResult();
        if (dr.isFailure()) {
            rejectMalformed(snap, req, dr.cause(), startNanos);
            return;
        }
        HttpHeaders h = req.headers();
        HttpResponseStatus framing = checkFraming(req);
        if (framing != null) {
            rejectMalformed(snap, req, framing, startNanos);
            return;
        }
        String uri = req.uri();
        String rawPath;
        String rawQuery = null;
        int q = uri.indexOf('?');
        rawPath = q < 0 ? uri : uri.substring(0, q);
        if (q >= 0) {
            rawQuery = uri.substring(q + 1);
        }
        if (!rawPath.startsWith("/")) {
            rawPath = absoluteFormPath(rawPath, h);
            if (rawPath == null) {
                rejectMalformed(snap, req, HttpResponseStatus.BAD_REQUEST, startNanos);
                return;
            }
        }
        String path;
        try {
            path = PathNormalizer.normalize(rawPath);
        } catch (BadPathException e) {
            log.debug("{} bad path {}: {}", ctx.channel(), rawPath, e.getMessage());
            rejectMalformed(snap, req, HttpResponseStatus.BAD_REQUEST, startNanos);
            return;
        }

        InetAddress peer = peer();
        List<Cidr> trusted = snap.config().trustedProxies();
        boolean peerTrusted = !trusted.isEmpty() && ForwardedHeaders.isTrusted(peer, trusted);
        InetAddress client = ForwardedHeaders.clientAddress(peer, peerTrusted, h, trusted);
        // Read before the hop-by-hop headers that carry them are stripped.
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        String upgrade = upgradeOf(req);
        HopByHop.strip(h);
        if (upgrade != null) {
            // The one hop-by-hop exchange that must cross: a WebSocket handshake (tunnelled after its 101).
            h.set(HttpHeaderNames.UPGRADE, upgrade);
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        h.remove(X_CONSUMER);
        String host = h.get(HttpHeaderNames.HOST);
        if (forwardedElement == null || !java.util.Objects.equals(host, forwardedHost)) {
            // Kept per connection: its requests nearly always name the same host.
            forwardedHost = host;
            forwardedElement = ForwardedHeaders.forwardedElement(peer, peerIp, settings.scheme, host);
        }
        ForwardedHeaders.apply(h, peerIp, peerTrusted, settings.scheme, host, forwardedElement);

        RequestContext rc = new RequestContext(ctx.channel(), req, path, rawQuery, client,
                client == peer ? peerIp : ForwardedHeaders.ip(client),
                limits.maxBodySize(), startNanos, System.currentTimeMillis());
        settings.inFlight.incrementAndGet();
        RouteMatch match = snap.routes().match(req.method().name(), host, path, h, rawQuery);
        if (match == null) {
            ex = new Exchange(snap, rc, null, null, snap.noRouteChain(), req, keepAlive, chunked);
            snap.noRouteChain().run(rc, new FilterChain.Outcome() {
                @Override
                public void proceed(RequestContext c) {
                    if (ex != null && ex.rc == c) {
                        ex.answerError(HttpResponseStatus.NOT_FOUND, "no_route", false);
                    }
                }

                @Override
                public void answer(RequestContext c, FilterResult result) {
                    ProxyHandler.this.answer(c, result);
                }
            });
            return;
        }
        CompiledRoute route = snap.route(match.route().index());
        rc.route(route.name());
        rc.pathParams(match.variables());
        ex = new Exchange(snap, rc, route, match, route.chain(), req, keepAlive, chunked);
        ex.upgrade = upgrade;
        route.chain().run(rc, this);
    }

    /** The protocol a GET asks to switch to ({@code Upgrade: websocket} with {@code Connection: upgrade}), or null. */
    private static @Nullable String upgradeOf(HttpRequest req) {
        HttpHeaders h = req.headers();
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !req.method().equals(HttpMethod.GET)
                || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return null;
        }
        return upgrade;
    }

    /** DESIGN §7 "Framing" checks Netty leaves to us; null when the request may go on. */
    private static @Nullable HttpResponseStatus checkFraming(HttpRequest req) {
        HttpHeaders h = req.headers();
        List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty()) {
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                return HttpResponseStatus.NOT_IMPLEMENTED;
            }
        }
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && req.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (req.method().equals(HttpMethod.CONNECT)) {
            return HttpResponseStatus.METHOD_NOT_ALLOWED;
        }
        return null;
    }

    /** Turns an absolute-form target ({@code http://host/path}) into its path; null if it is neither form. */
    private static @Nullable String absoluteFormPath(String target, HttpHeaders h) {
        int scheme = target.indexOf("://");
        if (scheme <= 0) {
            return null;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    private void rejectMalformed(Snapshot snap, HttpRequest req, Object why, long startNanos) {
        HttpResponseStatus status;
        String code;
        if (why instanceof HttpResponseStatus s) {
            status = s;
        } else if (why instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        } else if (why instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        } else if (why instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        } else if (why instanceof Throwable t && t.getMessage() != null
                && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("transfer coding")) {
            status = HttpResponseStatus.NOT_IMPLEMENTED;
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
        }
        code = switch (status.code()) {
            case 414 -> "uri_too_long";
            case 431 -> "header_too_large";
            case 501 -> "not_implemented";
            case 405 -> "method_not_allowed";
            default -> "bad_request";
        };
        if (why instanceof Throwable t) {
            log.debug("{} malformed request: {}", ctx.channel(), t.toString());
        }
        InetAddress peer = peer();
        String uri = req.uri();
        int q = uri.indexOf('?');
        RequestContext rc = new RequestContext(ctx.channel(), req, q < 0 ? uri : uri.substring(0, q), null, peer,
                peerIp, 0, startNanos, System.currentTimeMillis());
        settings.inFlight.incrementAndGet();
        // The no-route chain's completion hooks log and count the rejected request; its filters do not run.
        ex = new Exchange(snap, rc, null, null, snap.noRouteChain(), req, false, false);
        ex.closeAfter = true;
        ex.answerError(status, code, true);
    }

    @Override
    public void proceed(RequestContext rc) {
        Exchange e = ex;
        if (e == null || e.rc != rc || closing) {
            return;
        }
        e.afterFilters();
    }

    @Override
    public void answer(RequestContext rc, FilterResult result) {
        Exchange e = ex;
        if (e == null || e.rc != rc || closing) {
            return;
        }
        if (result instanceof FilterResult.Error err) {
            FullHttpResponse r = Responses.error(ctx.alloc(), err.status(), err.code(), rc.requestId());
            r.headers().add(err.headers());
            e.answerLocal(r, false);
        } else if (result instanceof FilterResult.Full full) {
            e.answerLocal(full.response(), false);
        } else if (result instanceof FilterResult.Respond resp) {
            FullHttpResponse r = Responses.full(ctx.alloc(), resp.status(),
                    resp.headers().contains(HttpHeaderNames.CONTENT_TYPE) ? null : HttpHeaderValues.TEXT_PLAIN,
                    resp.body());
            r.headers().add(resp.headers());
            e.answerLocal(r, false);
        } else {
            e.afterFilters();
        }
    }

    /** Called when an exchange is over: on to the next request, or close. */
    private void exchangeDone(Exchange done, boolean close) {
        if (ex != done) {
            return;
        }
        ex = null;
        settings.inFlight.decrementAndGet();
        done.chain.onComplete(done.rc);
        if (close || settings.draining) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        connState = IDLE;
        // A reload may have shortened the limits this connection started with.
        shortenTick(limits);
        deadline = System.nanoTime() + limits.idleTimeout().toNanos();
        armTimer(deadline);
        while (!backlog.isEmpty() && !closing && (ex == null || !ex.requestComplete)) {
            dispatch(backlog.poll());
        }
        maybeRead();
    }

    // ---------------------------------------------------------------- one exchange

    /** One request and its response; every method runs on the connection's event loop. */
    private final class Exchange implements UpstreamConnection.Listener {
        final Snapshot snap;
        final RequestContext rc;
        final @Nullable CompiledRoute route;
        final @Nullable RouteMatch match;
        final FilterChain chain;
        final HttpRequest req;
        final boolean headRequest;
        final boolean clientKeepAlive;
        final boolean http10;

        boolean requestComplete;
        boolean filtersDone;
        long bodyBytes;
        long pendingBytes;
        final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);
        @Nullable List<HttpContent> replay;
        long replayBytes;
        boolean replayable = true;
        boolean bodyWritten;
        boolean chunkedBody;

        @Nullable Upstream upstream;
        @Nullable Target target;
        @Nullable UpstreamConnection conn;
        int attemptsLeft;
        final List<Target> tried = new ArrayList<>(2);
        /** A copy of this request for the route's shadow upstream, while its body is being collected. */
        @Nullable Mirror mirror;
        boolean freshRetryUsed;
        long sentNanos;
        /** Written upstream and no response head yet: {@link #responseDeadline} applies. */
        boolean awaitingResponse;
        long responseDeadline;

        @Nullable String upgrade;
        boolean switching;
        boolean localAnswer;
        boolean discarding;
        boolean responseStarted;
        boolean responseComplete;
        boolean upstreamKeepAlive;
        boolean closeAfter;
        boolean finished;

        Exchange(Snapshot snap, RequestContext rc, @Nullable CompiledRoute route, @Nullable RouteMatch match,
                 FilterChain chain, HttpRequest req, boolean clientKeepAlive, boolean chunkedBody) {
            this.snap = snap;
            this.rc = rc;
            this.route = route;
            this.match = match;
            this.chain = chain;
            this.req = req;
            this.headRequest = req.method().equals(HttpMethod.HEAD);
            this.clientKeepAlive = clientKeepAlive;
            this.chunkedBody = chunkedBody;
            this.closeAfter = !clientKeepAlive;
            this.http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
        }

        // ---- request side

        void onRequestContent(HttpContent c) {
            if (c.decoderResult().isFailure()) {
                // A broken chunk: the upstream has at most an unfinished body, never a complete request.
                log.debug("{} malformed request body: {}", ctx.channel(), c.decoderResult().cause().toString());
                c.release();
                requestComplete = true;
                if (!responseStarted) {
                    answerError(HttpResponseStatus.BAD_REQUEST, "bad_request", true);
                } else {
                    abortBoth("malformed request body");
                }
                return;
            }
            int n = c.content().readableBytes();
            bodyBytes += n;
            rc.addBytesIn(n);
            boolean last = c instanceof LastHttpContent;
            if (last) {
                requestComplete = true;
            }
            if (discarding || localAnswer) {
                c.release();
                if (last && responseComplete) {
                    finish(closeAfter);
                }
                return;
            }
            if (bodyBytes > rc.maxBodySize()) {
                c.release();
                if (!responseStarted) {
                    answerError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", true);
                } else {
                    abortBoth("request body over its limit after the response started");
                }
                return;
            }
            if (mirror != null) {
                feedMirror(c);
            }
            if (conn == null || sentNanos == 0) {
                pending.add(c);
                pendingBytes += n;
                return;
            }
            writeUpstream(c);
        }

        /** Hands the mirror its copy of a body part; the whole request, once complete, goes out. */
        private void feedMirror(HttpContent c) {
            Mirror m = mirror;
            if (!m.add(c)) {
                // Over the mirror's body limit: no copy for this request (README "Load balancing").
                mirror = null;
                m.release();
            } else if (c instanceof LastHttpContent) {
                mirror = null;
                m.send(ctx.channel().eventLoop(), rc);
            }
        }

        private void dropMirror() {
            if (mirror != null) {
                mirror.release();
                mirror = null;
            }
        }

        boolean wantsRequestBytes() {
            if (requestComplete || discarding || localAnswer) {
                // Pipelined requests may be read ahead (bounded by the backlog); a refused body is dropped.
                return true;
            }
            if (conn == null || sentNanos == 0) {
                return pendingBytes < MAX_PENDING;
            }
            return conn.channel.isWritable();
        }

        private void writeUpstream(HttpContent c) {
            int n = c.content().readableBytes();
            if (replayable) {
                if (replayBytes + n <= REPLAY_LIMIT) {
                    if (replay == null) {
                        replay = new ArrayList<>(2);
                    }
                    replay.add(c.retainedDuplicate());
                    replayBytes += n;
                } else {
                    dropReplay();
                    replayable = false;
                }
            }
            if (n > 0) {
                bodyWritten = true;
            }
            conn.channel.write(c, conn.channel.voidPromise());
        }

        void flushUpstream() {
            if (conn != null && sentNanos != 0 && !responseComplete) {
                conn.channel.flush();
            }
        }

        private void dropReplay() {
            if (replay != null) {
                for (HttpContent c : replay) {
                    c.release();
                }
                replay = null;
            }
        }

        void afterFilters() {
            filtersDone = true;
            HttpHeaders h = req.headers();
            long contentLength = HttpUtil.getContentLength(req, -1L);
            if (contentLength > rc.maxBodySize()) {
                answerError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", true);
                return;
            }
            String expect = h.get(HttpHeaderNames.EXPECT);
            if (expect != null) {
                if (!expect.equalsIgnoreCase("100-continue")) {
                    answerError(HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed", true);
                    return;
                }
                h.remove(HttpHeaderNames.EXPECT);
                if (!requestComplete) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                            Unpooled.EMPTY_BUFFER));
                }
            }
            RouteConfig.RespondConfig respond = route == null ? null : route.respond();
            if (respond != null) {
                FullHttpResponse r = Responses.full(ctx.alloc(), HttpResponseStatus.valueOf(respond.status()),
                        respond.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"))
                                ? null : HttpHeaderValues.TEXT_PLAIN, respond.body());
                respond.headers().forEach((k, v) -> r.headers().set(k, v));
                answerLocal(r, false);
                return;
            }
            upstream = route.pickUpstream();
            if (upstream == null) {
                answerError(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_healthy_target", false);
                return;
            }
            rc.upstream(upstream.name());
            UpstreamConfig uc = upstream.config();
            attemptsLeft = uc.retries().attempts();
            req.setUri(match.upstreamPath(rc.rawQuery()));
            req.setProtocolVersion(HttpVersion.HTTP_1_1);
            if (chunkedBody) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            startMirror();
            Target t = upstream.balancer().pick(upstream.snapshot(), rc);
            if (t == null) {
                answerError(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_healthy_target", false);
                return;
            }
            // Asked only with a target in hand: in half-open state this takes the one probe slot.
            if (!upstream.admits()) {
                answerError(HttpResponseStatus.SERVICE_UNAVAILABLE, "circuit_open", false);
                return;
            }
            // Every first attempt earns the upstream a fifth of a retry (RetryBudget).
            upstream.retryBudget().deposit();
            connect(t);
        }

        /**
         * Copies this request for the route's shadow upstream when it is one of the mirrored share. The
         * copy has the head as sent upstream and collects the body parts (those that came during the
         * filters are in {@code pending}); it goes out once the request is complete, on its own connection.
         */
        private void startMirror() {
            Upstream shadow = route.pickMirror();
            if (shadow == null) {
                return;
            }
            Mirror m = Mirror.of(shadow, req);
            if (m == null) {
                return;
            }
            mirror = m;
            for (HttpContent p : pending) {
                if (mirror == null) {
                    break;
                }
                feedMirror(p);
            }
        }

        private void setHostHeader(Target t) {
            UpstreamConfig.HostHeader host = upstream.config().host();
            switch (host.mode()) {
                case ORIGINAL -> { }
                case TARGET -> req.headers().set(HttpHeaderNames.HOST, t.address().toString());
                case LITERAL -> req.headers().set(HttpHeaderNames.HOST, host.literal());
            }
        }

        private void connect(Target t) {
            target = t;
            tried.add(t);
            rc.target(t.toString());
            setHostHeader(t);
            t.inFlight().incrementAndGet();
            UpstreamConfig uc = upstream.config();
            ConnectionPool pool = ConnectionPool.of(ctx.channel().eventLoop());
            UpstreamConnection c = pool.acquire(t.address(), uc.pool().idleTimeout());
            if (c != null) {
                conn = c;
                sendHead();
                return;
            }
            c = pool.newConnection(t.address());
            conn = c;
            UpstreamConnection connecting = c;
            pool.connect(t.address(), t.socketAddress(), uc.timeouts().connect(), c)
                    .addListener((ChannelFuture f) -> onConnected(connecting, f));
        }

        private void onConnected(UpstreamConnection c, ChannelFuture f) {
            if (finished || conn != c) {
                c.channel.close();
                return;
            }
            if (!f.isSuccess()) {
                log.debug("connect to {} failed: {}", target, f.cause() == null ? "?" : f.cause().toString());
                conn = null;
                target.inFlight().decrementAndGet();
                upstream.onFailure(target, -1);
                retryOrFail(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", true);
                return;
            }
            sendHead();
        }

        /**
         * A connect failure (or connect timeout): the target never received the request, so any method
         * goes again, on another target, when {@code retries.on} has {@code connect_failure} (DESIGN §7).
         */
        private void retryOrFail(HttpResponseStatus status, String code, boolean neverReceived) {
            if (neverReceived && upstream.config().retries().onConnectFailure()) {
                Target next = nextAttempt();
                if (next != null) {
                    connect(next);
                    return;
                }
            }
            answerError(status, code, false);
        }

        /**
         * The target for one more attempt, or null: attempts left, breaker closed, an untried target,
         * and the retry budget not spent (checked last, so a retry with nowhere to go costs nothing).
         */
        private @Nullable Target nextAttempt() {
            if (attemptsLeft <= 0 || !upstream.admitsRetry()) {
                return null;
            }
            Target next = pickUntried();
            if (next == null || !upstream.retryBudget().tryWithdraw()) {
                return null;
            }
            attemptsLeft--;
            return next;
        }

        private @Nullable Target pickUntried() {
            TargetSnapshot s = upstream.snapshot();
            int n = s.size();
            // The balancer's choice first; a hash balancer gives the same target every time, so then scan.
            for (int i = 0; i < 2; i++) {
                Target t = upstream.balancer().pick(s, rc);
                if (t != null && !tried.contains(t)) {
                    return t;
                }
            }
            for (int i = 0; i < n; i++) {
                Target t = s.target(i);
                if (!tried.contains(t)) {
                    return t;
                }
            }
            return null;
        }

        /**
         * Whether an upstream answer with this status may be retried (DESIGN §7 "Retries"): listed in
         * {@code retries.on}, an idempotent method, and the whole request still in hand to send again (no
         * body, or all of it within the 64 KiB replay buffer). Nothing has reached the client yet: this
         * runs before the response head is passed on.
         */
        private boolean retriesStatus(int code) {
            if (!upstream.config().retries().onStatus().contains(code) || !IDEMPOTENT.contains(req.method())) {
                return false;
            }
            return requestComplete && pending.isEmpty() && replayable && (replay != null || bodyBytes == 0);
        }

        private void sendHead() {
            UpstreamConnection c = conn;
            c.attach(this);
            sentNanos = System.nanoTime();
            c.channel.write(req, c.channel.voidPromise());
            if (replay != null) {
                // A retry: the body parts kept so far go first, in order.
                for (HttpContent part : replay) {
                    c.channel.write(part.retainedDuplicate(), c.channel.voidPromise());
                }
            }
            HttpContent p;
            while ((p = pending.poll()) != null) {
                writeUpstream(p);
            }
            pendingBytes = 0;
            if (!reading) {
                // Inside a downstream read batch the flush comes with channelReadComplete, with the body.
                c.channel.flush();
            }
            long timeout = upstream.config().timeouts().response().toNanos();
            tick = Math.min(tick, timeout);
            awaitingResponse = true;
            responseDeadline = sentNanos + timeout;
            armTimer(responseDeadline);
            if (!c.channel.config().isAutoRead()) {
                c.channel.config().setAutoRead(true);
            }
            if (!reading) {
                maybeRead();
            }
        }

        void onResponseTimeout() {
            awaitingResponse = false;
            if (finished || responseStarted) {
                return;
            }
            log.debug("{} no response from {} within {}", ctx.channel(), target,
                    upstream.config().timeouts().response());
            upstream.onFailure(target, System.nanoTime() - sentNanos);
            dropConnection();
            if (retryWritten(504)) {
                return;
            }
            answerError(HttpResponseStatus.GATEWAY_TIMEOUT, "gateway_timeout", false);
        }

        private void dropConnection() {
            UpstreamConnection c = conn;
            if (c != null) {
                conn = null;
                c.detach();
                c.channel.close();
                target.inFlight().decrementAndGet();
            }
        }

        // ---- response side

        @Override
        public void onUpstreamRead(Object msg) {
            if (finished) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    ReferenceCountUtil.release(msg);
                    log.debug("bad response from {}: {}", target, r.decoderResult().cause().toString());
                    upstream.onFailure(target, -1);
                    dropConnection();
                    if (!responseStarted) {
                        answerError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", false);
                    } else {
                        abortBoth("bad response");
                    }
                    return;
                }
                if (r.status().code() < 200 && r.status().code() != 101) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (retryAfter(r)) {
                    return;
                }
                onResponseHead(r);
            }
            if (switching && msg instanceof LastHttpContent) {
                ReferenceCountUtil.release(msg);
                openTunnel();
                return;
            }
            if (msg instanceof HttpContent c && !(msg instanceof HttpResponse)) {
                boolean last = c instanceof LastHttpContent;
                HttpContent out = chain.onResponseContent(rc, c);
                rc.addBytesOut(out.content().readableBytes());
                ctx.write(out, ctx.voidPromise());
                if (last) {
                    responseComplete = true;
                    upstreamDone();
                }
            }
        }

        /**
         * Reports the answer to the upstream's health, breaker and latency tracking, and retries it on
         * another target when its status allows; true when it did (the answer is dropped with its
         * connection, since its body will never be read).
         */
        private boolean retryAfter(HttpResponse r) {
            int code = r.status().code();
            long latency = System.nanoTime() - sentNanos;
            if (code >= 500) {
                upstream.onFailure(target, latency);
            } else {
                upstream.onSuccess(target, latency);
            }
            if (code < 500 || !retriesStatus(code)) {
                return false;
            }
            Target next = nextAttempt();
            if (next == null) {
                return false;
            }
            log.debug("{} retrying {} on {} after {} from {}", ctx.channel(), rc.requestId(), next, code, target);
            ReferenceCountUtil.release(r);
            awaitingResponse = false;
            dropConnection();
            sentNanos = 0;
            connect(next);
            return true;
        }

        /**
         * A written request that failed without an answer: the connection was lost before any response
         * byte (the gateway's 502) or the response timed out (its 504). Retried like an upstream answer
         * of that status (DESIGN §7: "a response timeout is 504"), so {@code on: [502, 504]} covers a
         * target that dies mid-request; the caller has already dropped the connection.
         */
        private boolean retryWritten(int status) {
            if (!retriesStatus(status)) {
                return false;
            }
            Target next = nextAttempt();
            if (next == null) {
                return false;
            }
            log.debug("{} retrying {} on {} after {} from {}", ctx.channel(), rc.requestId(), next, status, target);
            sentNanos = 0;
            connect(next);
            return true;
        }

        private void onResponseHead(HttpResponse r) {
            awaitingResponse = false;
            rc.upstreamNanos(System.nanoTime() - sentNanos);
            dropReplay();
            replayable = false;
            upstreamKeepAlive = HttpUtil.isKeepAlive(r);
            HttpHeaders h = r.headers();
            String upgraded = r.status().code() == 101 && upgrade != null ? h.get(HttpHeaderNames.UPGRADE) : null;
            HopByHop.strip(h);
            if (upgraded != null) {
                h.set(HttpHeaderNames.UPGRADE, upgraded);
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                switching = true;
            }
            String via = h.get(ForwardedHeaders.VIA);
            h.set(ForwardedHeaders.VIA, via == null || via.isEmpty()
                    ? ForwardedHeaders.VIA_VALUE : via + ", " + ForwardedHeaders.VIA_VALUE);
            int code = r.status().code();
            rc.status(code);
            // Filters first: one may change the body's length (compression), which decides the framing.
            chain.onResponse(rc, r);
            boolean bodyless = headRequest || code == 204 || code == 304 || code < 200;
            if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                if (http10) {
                    // An HTTP/1.0 client cannot read chunks: the end of the body is the end of the connection.
                    closeAfter = true;
                } else {
                    h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
            }
            setConnectionHeader(r);
            responseStarted = true;
            ctx.write(r, ctx.voidPromise());
        }

        /** Keep-alive signalling, for upstream and local responses alike. */
        private void setConnectionHeader(HttpResponse r) {
            r.setProtocolVersion(HttpVersion.HTTP_1_1);
            if (closeAfter || settings.draining) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (http10) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }

        @Override
        public void onUpstreamReadComplete() {
            ctx.flush();
            if (!responseComplete && conn != null && !ctx.channel().isWritable()) {
                // The client is slower than the upstream: stop reading the upstream until it catches up.
                conn.channel.config().setAutoRead(false);
            }
        }

        void resumeResponse() {
            if (conn != null && !conn.channel.config().isAutoRead()) {
                conn.channel.config().setAutoRead(true);
            }
        }

        @Override
        public void onUpstreamWritable() {
            maybeRead();
        }

        @Override
        public void onUpstreamError(Throwable cause) {
            log.debug("upstream {} error: {}", target, cause.toString());
        }

        @Override
        public void onUpstreamClosed() {
            if (finished || responseComplete) {
                return;
            }
            UpstreamConnection c = conn;
            conn = null;
            if (target != null && c != null) {
                target.inFlight().decrementAndGet();
            }
            awaitingResponse = false;
            if (responseStarted) {
                abortBoth("upstream closed mid-response");
                return;
            }
            // The keep-alive race: a reused connection closed as we wrote to it. The target never saw the
            // request, so it goes again on a fresh connection whatever its method.
            boolean neverSeen = c != null && c.reused && (!bodyWritten || replayable);
            if (neverSeen && !freshRetryUsed) {
                // Not a failure of the target, so neither passive health nor the breaker hears of it.
                freshRetryUsed = true;
                tried.remove(target);
                connectFresh(target);
                return;
            }
            if (target != null) {
                upstream.onFailure(target, -1);
            }
            if (retryWritten(502)) {
                return;
            }
            answerError(HttpResponseStatus.BAD_GATEWAY, "bad_gateway", false);
        }

        private void connectFresh(Target t) {
            target = t;
            tried.add(t);
            t.inFlight().incrementAndGet();
            UpstreamConfig uc = upstream.config();
            ConnectionPool pool = ConnectionPool.of(ctx.channel().eventLoop());
            UpstreamConnection c = pool.newConnection(t.address());
            conn = c;
            pool.connect(t.address(), t.socketAddress(), uc.timeouts().connect(), c)
                    .addListener((ChannelFuture f) -> onConnected(c, f));
        }

        /** The upstream agreed to switch protocols: from here on both connections carry raw bytes. */
        private void openTunnel() {
            UpstreamConnection c = conn;
            conn = null;
            target.inFlight().decrementAndGet();
            c.detach();
            ctx.flush();
            finished = true;
            connState = BUSY;
            if (ex == this) {
                ex = null;
                settings.inFlight.decrementAndGet();
                chain.onComplete(rc);
            }
            Tunnel.open(ctx.channel(), c.channel);
        }

        /** The upstream's LastHttpContent has been written downstream. */
        private void upstreamDone() {
            UpstreamConnection c = conn;
            conn = null;
            if (c != null) {
                target.inFlight().decrementAndGet();
                if (upstreamKeepAlive && requestComplete) {
                    c.pool.release(c, upstream.config().pool().maxPerTarget(), upstream.config().pool().idleTimeout());
                } else {
                    c.detach();
                    c.channel.close();
                }
            }
            ctx.flush();
            if (!requestComplete) {
                // The upstream answered before the whole body arrived; the rest cannot be framed reliably.
                closeAfter = true;
            }
            finish(closeAfter);
        }

        // ---- local answers

        void answerError(HttpResponseStatus status, String code, boolean close) {
            answerLocal(Responses.error(ctx.alloc(), status, code, rc.requestId()), close);
        }

        /** Answers from the gateway itself; the request body, if any, is dropped or the connection closed. */
        void answerLocal(FullHttpResponse r, boolean close) {
            if (finished) {
                r.release();
                return;
            }
            if (responseStarted) {
                r.release();
                abortBoth("error after the response started");
                return;
            }
            dropConnection();
            awaitingResponse = false;
            localAnswer = true;
            releasePending();
            dropReplay();
            dropMirror();
            if (close) {
                closeAfter = true;
            } else if (!requestComplete) {
                long cl = chunkedBody ? Long.MAX_VALUE : Math.max(0, HttpUtil.getContentLength(req, 0L));
                if (cl == 0) {
                    // No body: only the request's empty end is still to come, and it is dropped on arrival
                    // (no exchange is open then), so the answer is complete now and the connection stays open.
                    requestComplete = true;
                } else if (cl - bodyBytes <= DISCARD_LIMIT) {
                    discarding = true;
                } else {
                    closeAfter = true;
                }
            }
            if (headRequest) {
                r.content().clear();
            }
            rc.status(r.status().code());
            chain.onResponse(rc, r);
            setConnectionHeader(r);
            responseStarted = true;
            responseComplete = true;
            rc.addBytesOut(r.content().readableBytes());
            ctx.writeAndFlush(r, ctx.voidPromise());
            if (requestComplete || closeAfter) {
                finish(closeAfter);
            }
        }

        private void releasePending() {
            HttpContent p;
            while ((p = pending.poll()) != null) {
                p.release();
            }
        }

        // ---- endings

        private void finish(boolean close) {
            if (finished) {
                return;
            }
            finished = true;
            releasePending();
            dropReplay();
            dropMirror();
            exchangeDone(this, close);
        }

        void abortBoth(String why) {
            log.debug("{} aborting {}: {}", ctx.channel(), rc.requestId(), why);
            dropConnection();
            closeAfter = true;
            if (rc.status() == 0) {
                rc.status(502);
            }
            finish(true);
            closing = true;
            ctx.close();
        }

        /** The client went away. */
        void abort(String why) {
            if (finished) {
                return;
            }
            log.debug("{} aborting {}: {}", ctx.channel(), rc.requestId(), why);
            dropConnection();
            awaitingResponse = false;
            if (!responseComplete) {
                rc.status(499);
            }
            finished = true;
            releasePending();
            dropReplay();
            dropMirror();
            if (ex == this) {
                ex = null;
                settings.inFlight.decrementAndGet();
                chain.onComplete(rc);
            }
        }
    }
}
