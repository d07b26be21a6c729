package io.archway.filter.compress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * One response body being compressed, piece by piece: Netty's encoder in a private embedded channel
 * (as Netty's own HttpContentCompressor does). Each piece is flushed through (gzip SYNC_FLUSH), so
 * nothing the upstream sent is held back from the client.
 */
final class StreamEncoder {
    private final EmbeddedChannel channel;
    private final ByteBufAllocator alloc;
    private boolean finished;

    StreamEncoder(Coding coding, ByteBufAllocator alloc) {
        this.channel = new EmbeddedChannel(coding.newEncoder());
        this.alloc = alloc;
    }

    /** Compresses {@code in} (released here) and returns what the encoder produced so far. */
    ByteBuf encode(ByteBuf in) {
        if (!in.isReadable()) {
            in.release();
            return Unpooled.EMPTY_BUFFER;
        }
        channel.writeOutbound(in);
        return drain();
    }

    /** Ends the stream: the encoder's last bytes (gzip trailer, brotli final block). */
    ByteBuf finish() {
        finished = true;
        channel.finish();
        return drain();
    }

    /** Drops the stream unfinished (the exchange failed), releasing what the encoder holds. */
    void discard() {
        if (!finished) {
            finished = true;
            channel.finishAndReleaseAll();
        }
    }

    private ByteBuf drain() {
        ByteBuf first = channel.readOutbound();
        if (first == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf next = channel.readOutbound();
        if (next == null) {
            return first;
        }
        CompositeByteBuf out = alloc.compositeBuffer();
        out.addComponent(true, first);
        do {
            out.addComponent(true, next);
        } while ((next = channel.readOutbound()) != null);
        return out;
    }
}
