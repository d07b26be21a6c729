package io.archway.testing;

import io.archway.proxy.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP backend on 127.0.0.1:0 whose answers a test writes as a function of the request: status,
 * headers, body, whether the body streams in chunks, and a gate that holds the answer back until the
 * test opens it. Every request is recorded.
 *
 * <pre>{@code
 * ScriptedBackend b = ScriptedBackend.start(req -> Reply.ok("hi").header("Cache-Control", "max-age=60"));
 * }</pre>
 */
public final class ScriptedBackend implements AfterEachCallback, AutoCloseable {
    private static final EventLoopGroup LOOPS = Transports.group(2, "scripted-backend");

    private final Channel server;
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Reply> script;

    /** A request as the backend received it; header names in lower case. */
    public record Request(String method, String uri, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }
    }

    /** What to answer; immutable, each method returns a changed copy. */
    public record Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, int chunkSize,
                        CompletableFuture<?> gate) {

        public static Reply ok(String body) {
            return status(200, body);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, List.of(Map.entry("Content-Type", "text/plain")),
                    body.getBytes(StandardCharsets.UTF_8), 0, CompletableFuture.completedFuture(null));
        }

        public Reply header(String name, String value) {
            List<Map.Entry<String, String>> h = new ArrayList<>(headers);
            h.removeIf(e -> e.getKey().equalsIgnoreCase(name));
            h.add(Map.entry(name, value));
            return new Reply(status, List.copyOf(h), body, chunkSize, gate);
        }

        public Reply withoutHeader(String name) {
            List<Map.Entry<String, String>> h = new ArrayList<>(headers);
            h.removeIf(e -> e.getKey().equalsIgnoreCase(name));
            return new Reply(status, List.copyOf(h), body, chunkSize, gate);
        }

        public Reply body(byte[] bytes) {
            return new Reply(status, headers, bytes, chunkSize, gate);
        }

        /** Streams the body in pieces of this size, chunked, with no Content-Length. */
        public Reply chunked(int size) {
            return new Reply(status, headers, body, size, gate);
        }

        /** Holds the answer until {@code gate} completes. */
        public Reply after(CompletableFuture<?> gate) {
            return new Reply(status, headers, body, chunkSize, gate);
        }
    }

    private ScriptedBackend(Function<Request, Reply> script) {
        this.script = script;
        this.server = new ServerBootstrap()
                .group(LOOPS)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024 * 1024), new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public static ScriptedBackend start(Function<Request, Reply> script) {
        return new ScriptedBackend(script);
    }

    /** Replaces the script for the requests that come next. */
    public void script(Function<Request, Reply> next) {
        this.script = next;
    }

    public String address() {
        return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    public List<Request> seen() {
        return seen;
    }

    /** Requests seen whose URI is exactly {@code uri}. */
    public long count(String uri) {
        return seen.stream().filter(r -> r.uri().equals(uri)).count();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : req.headers()) {
                headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
            }
            byte[] body = new byte[req.content().readableBytes()];
            req.content().getBytes(req.content().readerIndex(), body);
            Request r = new Request(req.method().name(), req.uri(), headers, body);
            seen.add(r);
            Reply reply = script.apply(r);
            boolean head = req.method().equals(HttpMethod.HEAD);
            reply.gate().whenComplete((v, e) -> ctx.executor().execute(() -> answer(ctx, reply, head)));
        }

        private void answer(ChannelHandlerContext ctx, Reply reply, boolean head) {
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()));
            reply.headers().forEach(e -> r.headers().add(e.getKey(), e.getValue()));
            boolean bodyless = head || reply.status() == 204 || reply.status() == 304;
            if (reply.chunkSize() > 0 && !bodyless) {
                r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else if (!r.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && reply.status() != 204
                    && reply.status() != 304) {
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            }
            ctx.write(r);
            if (bodyless) {
                ctx.writeAndFlush(new DefaultLastHttpContent());
                return;
            }
            byte[] b = reply.body();
            if (reply.chunkSize() > 0) {
                for (int i = 0; i < b.length; i += reply.chunkSize()) {
                    int len = Math.min(reply.chunkSize(), b.length - i);
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(b, i, len)));
                }
                ctx.writeAndFlush(new DefaultLastHttpContent());
            } else {
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(b)));
            }
        }
    }
}
