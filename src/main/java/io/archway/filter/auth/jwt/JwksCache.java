package io.archway.filter.auth.jwt;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's JWKS, fetched over HTTP and kept: fetched at once when created, refreshed on a schedule
 * and when a token names an unknown {@code kid}. Requests never wait for a scheduled refresh; they wait
 * only for the first fetch or for a refresh their own unknown kid asked for.
 *
 * <p>Fetching is asynchronous (the JDK HttpClient; the body is parsed on the blocking executor), so no
 * event loop ever waits on the issuer. When the issuer is down or answers garbage, the last good keys
 * stay in use. Unknown-kid refreshes are rate-limited ({@link Settings#kidRefreshBurst} at once, then
 * one per {@link Settings#kidRefreshEvery}), and concurrent ones share one fetch, so a flood of random
 * kids costs the issuer almost nothing.
 *
 * <p>Kept in the gateway's shared resources by URL, so that a config reload keeps the keys.
 */
public final class JwksCache implements KeySource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

    /** Timings and limits; {@link #DEFAULTS} in production, short ones in tests. */
    public record Settings(Duration refreshEvery, Duration retryAfterFailure, Duration fetchTimeout,
                           int kidRefreshBurst, Duration kidRefreshEvery, int maxBytes, Duration idleAfter) {
        public static final Settings DEFAULTS = new Settings(Duration.ofMinutes(5), Duration.ofSeconds(10),
                Duration.ofSeconds(5), 3, Duration.ofSeconds(10), 1024 * 1024, Duration.ofHours(1));
    }

    private final URI url;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final Executor parser;
    private final Settings settings;
    private final LongSupplier nanoTime;

    private volatile KeySet keys = KeySet.NONE;
    private final AtomicReference<@Nullable CompletableFuture<KeySet>> inFlight = new AtomicReference<>();
    /** GCRA "theoretical arrival time" of the next allowed unknown-kid refresh, in nanoTime. */
    private final AtomicLong kidTat;
    private volatile long lastUsedNanos;
    private final AtomicLong fetches = new AtomicLong();
    private volatile int failuresInARow;
    private volatile @Nullable ScheduledFuture<?> next;
    private volatile boolean closed;

    public JwksCache(URI url, HttpClient client, ScheduledExecutorService scheduler, Executor parser,
                     Settings settings, LongSupplier nanoTime) {
        this.url = url;
        this.client = client;
        this.scheduler = scheduler;
        this.parser = parser;
        this.settings = settings;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        this.kidTat = new AtomicLong(now);
        this.lastUsedNanos = now;
    }

    /** Starts the first fetch; refreshes follow on the schedule. */
    public JwksCache start() {
        fetch("start");
        return this;
    }

    public URI url() {
        return url;
    }

    /** The keys now: the last good set, or {@link KeySet#NONE} before the first fetch succeeded. */
    @Override
    public KeySet current() {
        long now = nanoTime.getAsLong();
        // Written rarely: a per-request volatile write would bounce this cache line between event loops.
        if (now - lastUsedNanos > 1_000_000_000L) {
            lastUsedNanos = now;
        }
        return keys;
    }

    /**
     * The keys once a fetch for an unknown kid (or the first fetch) is done; at once with the current
     * keys when the rate limit says no. Always completes normally.
     */
    @Override
    public CompletionStage<KeySet> refreshForUnknownKid() {
        CompletableFuture<KeySet> running = inFlight.get();
        if (running != null) {
            return running;
        }
        // Rate-limited even before the first success: an issuer that is down must not get a fetch per request.
        if (allowKidRefresh()) {
            return fetch(keys.loaded() ? "unknown kid" : "no keys yet");
        }
        return CompletableFuture.completedFuture(keys);
    }

    /** How many fetches were started, for tests and logs. */
    public long fetches() {
        return fetches.get();
    }

    /** GCRA: each refresh moves the arrival time one interval on; allowed while it stays within the burst. */
    private boolean allowKidRefresh() {
        long interval = settings.kidRefreshEvery().toNanos();
        long window = interval * settings.kidRefreshBurst();
        while (true) {
            long now = nanoTime.getAsLong();
            long tat = kidTat.get();
            long newTat = (tat - now > 0 ? tat : now) + interval;
            if (newTat - now > window) {
                return false;
            }
            if (kidTat.compareAndSet(tat, newTat)) {
                return true;
            }
        }
    }

    private CompletableFuture<KeySet> fetch(String why) {
        CompletableFuture<KeySet> mine = new CompletableFuture<>();
        CompletableFuture<KeySet> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        if (closed) {
            inFlight.set(null);
            mine.complete(keys);
            return mine;
        }
        fetches.incrementAndGet();
        log.debug("fetching JWKS {} ({})", url, why);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.fetchTimeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        client.sendAsync(request, info -> new LimitedBody(settings.maxBytes()))
                // The request timeout covers the response head only; this covers a body that trickles.
                .orTimeout(settings.fetchTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
                .handleAsync((response, error) -> {
                    done(response, error);
                    return null;
                }, parser)
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        log.warn("JWKS {}: {}", url, error.toString());
                    }
                    inFlight.set(null);
                    mine.complete(keys);
                });
        return mine;
    }

    private void done(@Nullable HttpResponse<byte[]> response, @Nullable Throwable error) {
        String problem = null;
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            problem = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else if (response.statusCode() != 200) {
            problem = "HTTP " + response.statusCode();
        } else {
            try {
                KeySet fresh = KeySet.parseJwks(new String(response.body(), StandardCharsets.UTF_8), url.toString());
                if (!fresh.sameKeys(keys)) {
                    log.info("JWKS {}: {} keys", url, fresh.size());
                    keys = fresh;
                }
            } catch (java.text.ParseException | RuntimeException e) {
                problem = "not a JWKS document (" + e.getMessage() + ")";
            }
        }
        Duration delay;
        if (problem == null) {
            failuresInARow = 0;
            delay = settings.refreshEvery();
        } else {
            int n = ++failuresInARow;
            // Kept keys stay in use; the retry backs off, but never past the normal refresh period.
            log.warn("JWKS {} could not be fetched ({}, {} in a row); keeping the {} keys last fetched",
                    url, problem, n, keys.size());
            long backoff = settings.retryAfterFailure().toMillis() << Math.min(n - 1, 6);
            delay = Duration.ofMillis(Math.min(backoff, settings.refreshEvery().toMillis()));
        }
        schedule(delay);
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        ScheduledFuture<?> old = next;
        if (old != null) {
            old.cancel(false);
        }
        next = scheduler.schedule(this::scheduledRefresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledRefresh() {
        // Keys no route has asked for in a long time (a reload dropped their issuer) are left alone.
        if (nanoTime.getAsLong() - lastUsedNanos > settings.idleAfter().toNanos()) {
            schedule(settings.refreshEvery());
            return;
        }
        fetch("scheduled");
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "JwksCache[" + url + "]";
    }

    /** Collects a response body, failing once it passes {@code max} bytes. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private Flow.@Nullable Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new java.io.IOException("JWKS larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
