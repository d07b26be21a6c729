package io.archway.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline of a downstream connection: limits, codec, proxy. Entry names live here. */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(FrontendInitializer.class);
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String PROXY = "proxy";
    /** RFC 9112 leaves the limit to servers; 8 KiB is what nginx and HAProxy use too. */
    static final int MAX_REQUEST_LINE = 8192;

    private final FrontendSettings settings;

    FrontendInitializer(FrontendSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        var limits = settings.snapshots.get().config().limits();
        if (settings.connections.incrementAndGet() > limits.maxConnections()) {
            settings.connections.decrementAndGet();
            log.warn("refusing connection from {}: {} connections open (limits.max_connections)",
                    ch.remoteAddress(), limits.maxConnections());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> settings.connections.decrementAndGet());
        ProxyHandler proxy = new ProxyHandler(settings);
        HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize()))
                .setMaxChunkSize(64 * 1024)
                // DESIGN §7: a bare LF line end is tolerated (never forwarded: requests are re-serialised).
                .setStrictLineParsing(false);
        ch.pipeline()
                .addLast(DECODER, new FrontendDecoder(decoderConfig, proxy::onHeadStart))
                .addLast(ENCODER, new HttpResponseEncoder())
                .addLast(PROXY, proxy);
    }
}
