package io.archway.filter.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.archway.testing.RunningGateway;
import io.archway.testing.ScriptedBackend;
import io.archway.testing.ScriptedBackend.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompressIntegrationTest {
    /** 200 KB of text that compresses, but not to nothing. */
    private static final byte[] PAGE = page();

    @RegisterExtension
    final ScriptedBackend backend = ScriptedBackend.start(req -> switch (req.uri()) {
        case "/page" -> Reply.ok("").header("Content-Type", "text/html; charset=utf-8").header("ETag", "\"v1\"").body(PAGE);
        case "/stream" -> Reply.ok("").header("Content-Type", "application/json").body(PAGE).chunked(7000);
        case "/small" -> Reply.ok("tiny").header("Content-Type", "text/html");
        case "/image" -> Reply.ok("").header("Content-Type", "image/png").body(PAGE);
        case "/encoded" -> Reply.ok("").header("Content-Type", "text/html").header("Content-Encoding", "deflate").body(PAGE);
        case "/no-transform" -> Reply.ok("").header("Content-Type", "text/html").header("Cache-Control", "no-transform").body(PAGE);
        default -> Reply.status(404, "none");
    });

    private static byte[] page() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 200_000; i++) {
            sb.append("<p>line ").append(i).append(" of the page, value ").append((i * 7919) % 1000).append("</p>\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String config(String compress) {
        return """
                filters: {access_log: false}
                upstreams:
                  svc: {targets: [{address: %s}]}
                routes:
                  - name: all
                    match: {path: /**}
                    upstream: svc
                    filters:
                      compress: %s
                """.formatted(backend.address(), compress);
    }

    private HttpResponse<byte[]> get(RunningGateway g, String path, String acceptEncoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.uri(path));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        try {
            return RunningGateway.client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    @Test
    void gzipsAListedTypeAndTheClientDecodesTheOriginalBytes() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{types: [text/html], min_size: 1KB}"))) {
            HttpResponse<byte[]> r = get(g, "/page", "gzip");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(r.headers().firstValue("Content-Length")).isEmpty();
            assertThat(r.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(r.headers().firstValue("ETag")).hasValue("W/\"v1\"");
            assertThat(r.body().length).isLessThan(PAGE.length / 4);
            assertThat(gunzip(r.body())).isEqualTo(PAGE);
        }
    }

    @Test
    void compressesAStreamedBodyPieceByPiece() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{types: [\"application/*\"]}"))) {
            HttpResponse<byte[]> r = get(g, "/stream", "deflate, gzip;q=0.8");
            assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gunzip(r.body())).isEqualTo(PAGE);
        }
    }

    @Test
    void choosesByQualityValues() throws Exception {
        try (RunningGateway g = RunningGateway.start(config("{}"))) {
            assertThat(get(g, "/page", "gzip;q=0, identity").headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(get(g, "/page", "br;q=0, *;q=0.5").headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(get(g, "/page", "gzip;q=0.2, br;q=0.1").headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(get(g, "/page", "compress").headers().firstValue("Content-Encoding")).isEmpty();
            HttpResponse<byte[]> plain = get(g, "/page", null);
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(plain.headers().firstValue("Vary")).as("still varies by Accept-Encoding").hasValue("Accept-Encoding");
            assertThat(plain.body()).isEqualTo(PAGE);
        }
    }

    @Test
    void brotliWhenPreferredAndAvailable() throws Exception {
        Brotli4jLoader.ensureAvailability();
        try (RunningGateway g = RunningGateway.start(config("{}"))) {
            HttpResponse<byte[]> r = get(g, "/stream", "gzip, deflate, br");
            assertThat(r.headers().firstValue("Content-Encoding")).hasValue("br");
            DecoderJNI.Status status = Decoder.decompress(r.body()).getResultStatus();
            assertThat(status).isEqualTo(DecoderJNI.Status.DONE);
            assertThat(Decoder.decompress(r.body()).getDecompressedData()).isEqualTo(PAGE);
        }
    }

    @Test
    void leavesAloneWhatItMustNotOrNeedNotCompress() {
        try (RunningGateway g = RunningGateway.start(config("{types: [text/html], min_size: 1KB}"))) {
            HttpResponse<byte[]> small = get(g, "/small", "gzip");
            assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo("tiny");
            HttpResponse<byte[]> image = get(g, "/image", "gzip");
            assertThat(image.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(image.headers().firstValue("Vary")).isEmpty();
            assertThat(image.body()).isEqualTo(PAGE);
            HttpResponse<byte[]> encoded = get(g, "/encoded", "gzip");
            assertThat(encoded.headers().firstValue("Content-Encoding")).hasValue("deflate");
            assertThat(encoded.body()).isEqualTo(PAGE);
            HttpResponse<byte[]> kept = get(g, "/no-transform", "gzip");
            assertThat(kept.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(kept.body()).isEqualTo(PAGE);
            HttpResponse<byte[]> head = RunningGateway.client().sendAsync(HttpRequest.newBuilder(g.uri("/page"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray()).join();
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Encoding")).isEmpty();
        }
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> RunningGateway.start(config("{types: [html], min_size: big, level: 9}")))
                .hasMessageContaining("routes[0].filters.compress.types[0]: \"html\" (expected: a media type like text/html or text/*)")
                .hasMessageContaining("routes[0].filters.compress.min_size: \"big\" (expected: a size like 512B, 64KB or 10MB)")
                .hasMessageContaining("routes[0].filters.compress.level: unknown key (expected one of: types, min_size)");
    }
}
