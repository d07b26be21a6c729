package io.archway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the gateway writes itself; every error has the JSON body of DESIGN §7 "Errors". */
final class Responses {
    private Responses() {}

    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String code, String requestId) {
        String body = "{\"error\":\"" + code + "\",\"request_id\":\"" + requestId + "\"}";
        return full(alloc, status, HttpHeaderValues.APPLICATION_JSON, body);
    }

    static FullHttpResponse full(ByteBufAllocator alloc, HttpResponseStatus status, CharSequence contentType,
                                 String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        HttpHeaders h = r.headers();
        if (contentType != null && bytes.length > 0) {
            h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }
}
