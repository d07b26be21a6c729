package io.archway.filter;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;

/** RequestContexts for filter unit tests: a real request on an embedded channel, no sockets. */
public final class TestRequests {
    private TestRequests() {}

    public static RequestContext get(String route, String path) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set("Host", "example.com");
        int q = path.indexOf('?');
        RequestContext ctx = new RequestContext(new EmbeddedChannel(), req, q < 0 ? path : path.substring(0, q),
                q < 0 ? null : path.substring(q + 1), InetAddress.getLoopbackAddress(), "127.0.0.1",
                Long.MAX_VALUE, System.nanoTime(), System.currentTimeMillis());
        ctx.route(route);
        return ctx;
    }
}
