package io.archway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder plus the head checks it leaves to the application (DESIGN §7 "Framing"):
 * obs-fold, bare CR, NUL, DEL and other control characters in the request line or a header line are
 * rejected before the head is parsed, so a request an upstream could read differently never gets through.
 * Bodies are not scanned: each head is checked from its first byte to the blank line that ends it.
 */
final class FrontendDecoder extends HttpRequestDecoder {
    private boolean inHead = true;
    private boolean sawRequestLine;
    private boolean bad;
    private final Runnable onHeadStart;

    FrontendDecoder(HttpDecoderConfig config, Runnable onHeadStart) {
        super(config);
        this.onHeadStart = onHeadStart;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (bad) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (inHead) {
            if (!sawRequestLine && buffer.isReadable()) {
                onHeadStart.run();
            }
            String problem = scanHead(buffer);
            if (problem != null) {
                bad = true;
                buffer.skipBytes(buffer.readableBytes());
                HttpMessage invalid = createInvalidMessage();
                invalid.setDecoderResult(DecoderResult.failure(new BadHeadException(problem)));
                out.add(invalid);
                return;
            }
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpMessage m && m.decoderResult().isFailure()) {
                bad = true;
            }
            if (o instanceof LastHttpContent) {
                inHead = true;
                sawRequestLine = false;
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (bad) {
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decodeLast(ctx, in, out);
    }

    /**
     * Checks the complete lines of the head that are in the buffer. Netty consumes every complete head
     * line it is given, so each call starts at the beginning of a line.
     */
    private String scanHead(ByteBuf buf) {
        int pos = buf.readerIndex();
        int end = buf.writerIndex();
        while (pos < end) {
            int lf = buf.indexOf(pos, end, (byte) '\n');
            if (lf < 0) {
                return null;
            }
            int lineEnd = lf > pos && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (lineEnd == pos) {
                if (sawRequestLine) {
                    inHead = false;
                    return null;
                }
                // Empty lines before a request line are skipped by the decoder (RFC 9112 §2.2).
                pos = lf + 1;
                continue;
            }
            if (sawRequestLine) {
                byte first = buf.getByte(pos);
                if (first == ' ' || first == '\t') {
                    return "obsolete line folding in a header";
                }
            }
            for (int i = pos; i < lineEnd; i++) {
                byte b = buf.getByte(i);
                if ((b < 0x20 && b != '\t') || b == 0x7F) {
                    return b == '\r' ? "bare CR in the request head" : "control character in the request head";
                }
            }
            sawRequestLine = true;
            pos = lf + 1;
        }
        return null;
    }

    /** A request head this gateway refuses to parse further. */
    static final class BadHeadException extends IllegalArgumentException {
        BadHeadException(String message) {
            super(message);
        }
    }
}
