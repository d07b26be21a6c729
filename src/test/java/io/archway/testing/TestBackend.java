package io.archway.testing;

import io.archway.proxy.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP backend on 127.0.0.1:0 for integration tests. It answers by path:
 * <ul>
 *   <li>{@code /slow?ms=N}: waits N ms, then answers like any other path;</li>
 *   <li>{@code /bytes?n=N}: streams N deterministic bytes ({@link #expectedBytes}) in 64 KiB chunks;</li>
 *   <li>{@code /sha256}: answers the hex SHA-256 of the request body;</li>
 *   <li>{@code /status?code=N}: answers that status;</li>
 *   <li>anything else: its name as the body, plus {@code X-Backend} and the request line seen.</li>
 * </ul>
 * Every request is recorded with its headers; connections accepted are counted.
 */
public final class TestBackend implements AfterEachCallback, AutoCloseable {
    private static final EventLoopGroup LOOPS = Transports.group(2, "test-backend");

    private final String name;
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** One request as the backend received it. */
    public record Seen(String method, String uri, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null ? null : v.get(0);
        }

        public List<String> headerAll(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null ? List.of() : v;
        }
    }

    private TestBackend(String name) {
        this.name = name;
        this.server = new ServerBootstrap()
                .group(LOOPS)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024 * 1024), new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public static TestBackend replying(String name) {
        return new TestBackend(name);
    }

    public String name() {
        return name;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public int connections() {
        return connections.get();
    }

    public List<Seen> seen() {
        return seen;
    }

    public Seen lastSeen() {
        return seen.get(seen.size() - 1);
    }

    /** The byte at offset i of every {@code /bytes} body. */
    public static byte expectedByte(long i) {
        return (byte) ((i * 31 + (i >>> 8)) & 0xFF);
    }

    public static byte[] expectedBytes(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = expectedByte(i);
        }
        return out;
    }

    public void stop() {
        server.close().syncUninterruptibly();
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
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> e : req.headers()) {
                headers.computeIfAbsent(e.getKey().toLowerCase(), k -> new java.util.ArrayList<>()).add(e.getValue());
            }
            seen.add(new Seen(req.method().name(), req.uri(), headers));
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String path = q.path();
            if (path.equals("/slow")) {
                long ms = Long.parseLong(q.parameters().get("ms").get(0));
                req.retain();
                ctx.executor().schedule(() -> {
                    try {
                        answer(ctx, req, "/");
                    } finally {
                        req.release();
                    }
                }, ms, TimeUnit.MILLISECONDS);
                return;
            }
            answer(ctx, req, path);
        }

        private void answer(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (path.equals("/bytes")) {
                long n = Long.parseLong(q.parameters().get("n").get(0));
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, n);
                ctx.write(head);
                long sent = 0;
                while (sent < n) {
                    int len = (int) Math.min(64 * 1024, n - sent);
                    byte[] chunk = new byte[len];
                    for (int i = 0; i < len; i++) {
                        chunk[i] = expectedByte(sent + i);
                    }
                    // One write per chunk: under paranoid leak detection every buffer access records a trace.
                    ByteBuf buf = ctx.alloc().buffer(len).writeBytes(chunk);
                    sent += len;
                    ctx.write(sent == n ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf));
                }
                ctx.flush();
                return;
            }
            String body;
            HttpResponseStatus status = HttpResponseStatus.OK;
            if (path.equals("/sha256")) {
                try {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    md.update(req.content().nioBuffer());
                    body = HexFormat.of().formatHex(md.digest());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            } else if (path.equals("/status")) {
                status = HttpResponseStatus.valueOf(Integer.parseInt(q.parameters().get("code").get(0)));
                body = name;
            } else {
                body = name;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            r.headers().set("X-Backend", name);
            r.headers().set("X-Seen-Uri", req.uri());
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
