package io.archway.filter.compress;

import io.archway.filter.Filter;
import io.archway.filter.FilterResult;
import io.archway.filter.RequestContext;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code compress}: gzip (or br where available) by the client's {@code Accept-Encoding}, for the
 * listed content types over {@code min_size}, streaming: each body piece is compressed as it passes.
 * The response loses its Content-Length in {@link #onResponse}, so the proxy frames it chunked.
 * Never for a response that is encoded already, marked {@code no-transform}, partial or bodiless; and
 * not for answers given before the transform phase (a cache hit is stored compressed already).
 */
public final class CompressFilter implements Filter {
    /** The coding this request accepts; present once the request reached this filter. */
    private static final RequestContext.Key<Coding> ACCEPTED = new RequestContext.Key<>("compress");
    private static final RequestContext.Key<StreamEncoder> ENCODER = new RequestContext.Key<>("compress.encoder");

    private final CompressConfig config;

    public CompressFilter(CompressConfig config) {
        this.config = config;
    }

    @Override
    public CompletionStage<FilterResult> onRequest(RequestContext ctx) {
        ctx.put(ACCEPTED, Coding.choose(ctx.request().headers().get(HttpHeaderNames.ACCEPT_ENCODING)));
        return FilterResult.PROCEED_NOW;
    }

    @Override
    public void onResponse(RequestContext ctx, HttpResponse response) {
        Coding coding = ctx.get(ACCEPTED);
        if (coding == null || response instanceof FullHttpResponse || ctx.request().method().equals(HttpMethod.HEAD)) {
            return;
        }
        int status = response.status().code();
        if (status < 200 || status == 204 || status == 206 || status == 304) {
            return;
        }
        HttpHeaders h = response.headers();
        if (!config.compresses(h.get(HttpHeaderNames.CONTENT_TYPE))) {
            return;
        }
        // The representation depends on Accept-Encoding from here on, whatever this client accepted.
        addVary(h);
        String encoding = h.get(HttpHeaderNames.CONTENT_ENCODING);
        if (coding == Coding.IDENTITY || (encoding != null && !encoding.equalsIgnoreCase("identity"))
                || noTransform(h) || HttpUtil.getContentLength(response, Long.MAX_VALUE) < config.minSize()) {
            return;
        }
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.set(HttpHeaderNames.CONTENT_ENCODING, coding.token);
        h.remove(HttpHeaderNames.ACCEPT_RANGES);
        String etag = h.get(HttpHeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            // Same resource, different bytes: no longer a strong validator.
            h.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
        ctx.put(ENCODER, new StreamEncoder(coding, ctx.channel().alloc()));
    }

    @Override
    public HttpContent onResponseContent(RequestContext ctx, HttpContent content) {
        StreamEncoder encoder = ctx.get(ENCODER);
        if (encoder == null) {
            return content;
        }
        ByteBuf out = encoder.encode(content.content().retain());
        if (!(content instanceof LastHttpContent last)) {
            content.release();
            return new DefaultHttpContent(out);
        }
        ByteBuf tail = encoder.finish();
        ctx.put(ENCODER, null);
        ByteBuf all = out.isReadable()
                ? ctx.channel().alloc().compositeBuffer(2).addComponent(true, out).addComponent(true, tail)
                : tail;
        DefaultLastHttpContent result = new DefaultLastHttpContent(all);
        result.trailingHeaders().set(last.trailingHeaders());
        content.release();
        return result;
    }

    @Override
    public void onComplete(RequestContext ctx) {
        StreamEncoder encoder = ctx.get(ENCODER);
        if (encoder != null) {
            ctx.put(ENCODER, null);
            encoder.discard();
        }
    }

    private static boolean noTransform(HttpHeaders h) {
        List<String> cc = h.getAll(HttpHeaderNames.CACHE_CONTROL);
        for (String v : cc) {
            if (v.toLowerCase(java.util.Locale.ROOT).contains(HttpHeaderValues.NO_TRANSFORM)) {
                return true;
            }
        }
        return false;
    }

    private static void addVary(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.VARY)) {
            for (String part : v.split(",")) {
                String p = part.trim();
                if (p.equals("*") || p.equalsIgnoreCase("Accept-Encoding")) {
                    return;
                }
            }
        }
        h.add(HttpHeaderNames.VARY, "Accept-Encoding");
    }
}
