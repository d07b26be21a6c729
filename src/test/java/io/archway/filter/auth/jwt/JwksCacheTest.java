package io.archway.filter.auth.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.archway.config.JwtIssuerConfig;
import io.archway.testing.JwksServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real JWKS endpoint on port 0, rotated, slowed and taken down under a real cache. */
class JwksCacheTest {
    static final TestKeys.SigningKey K1 = TestKeys.rsa("k1");
    static final TestKeys.SigningKey K2 = TestKeys.ec("k2", JWSAlgorithm.ES256);
    static final Duration QUICK = Duration.ofSeconds(5);

    final JwksServer server = new JwksServer();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    final ExecutorService blocking = Executors.newCachedThreadPool();
    JwksCache cache;

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
        server.close();
        scheduler.shutdownNow();
        blocking.shutdownNow();
    }

    JwksCache start(JwksCache.Settings settings) {
        cache = new JwksCache(URI.create(server.url()), Issuers.httpClient(blocking), scheduler, blocking, settings,
                System::nanoTime).start();
        return cache;
    }

    static JwksCache.Settings settings(Duration refreshEvery, int kidBurst, Duration kidEvery) {
        return new JwksCache.Settings(refreshEvery, Duration.ofMillis(100), Duration.ofSeconds(2), kidBurst, kidEvery,
                64 * 1024, Duration.ofHours(1));
    }

    TokenVerifier verifier() {
        JwtIssuerConfig issuer = new JwtIssuerConfig("main", null, List.of(), server.url(), null, null,
                List.of("RS256", "ES256"), Duration.ofSeconds(30), "sub");
        return new TokenVerifier(issuer, cache, Clock.systemUTC());
    }

    static String token(TestKeys.SigningKey key) {
        return key.sign(new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
    }

    static Verdict result(CompletableFuture<Verdict> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void fetchesAtOnceWhenStarted() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        assertThat(cache.current().size()).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aTokenArrivingBeforeTheFirstFetchWaitsForIt() {
        server.serve(TestKeys.jwks(K1)).delay(Duration.ofMillis(400));
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        CompletableFuture<Verdict> f = verifier().verify(token(K1)).toCompletableFuture();
        assertThat(f).as("the request waits, off the caller's thread").isNotDone();
        assertThat(result(f)).isInstanceOf(Verified.class);
        assertThat(server.requests()).as("the waiting request shares the first fetch").isEqualTo(1);
    }

    @Test
    void anUnknownKidRefreshesTheKeysAndFindsARotatedKey() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        server.serve(TestKeys.jwks(K2));
        assertThat(result(verifier().verify(token(K2)).toCompletableFuture())).isInstanceOf(Verified.class);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture()))
                .as("a key rotated out is gone").isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void aFloodOfRandomKidsCannotHammerTheIssuer() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        TokenVerifier v = verifier();
        for (int i = 0; i < 200; i++) {
            TestKeys.SigningKey random = new TestKeys.SigningKey("kid-" + i, K1.pair(), JWSAlgorithm.RS256);
            assertThat(result(v.verify(token(random)).toCompletableFuture())).isEqualTo(Reason.UNKNOWN_KEY);
        }
        assertThat(server.requests()).as("the first fetch plus a burst of 3").isLessThanOrEqualTo(4);
        assertThat(result(v.verify(token(K1)).toCompletableFuture())).isInstanceOf(Verified.class);
    }

    @Test
    void keepsTheLastGoodKeysWhenTheIssuerFailsOrIsDown() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMillis(200), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        server.failWith(503);
        int before = server.requests();
        await().atMost(QUICK).until(() -> server.requests() >= before + 2);
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture())).isInstanceOf(Verified.class);

        server.serve("this is not JSON").failWith(0);
        int again = server.requests();
        await().atMost(QUICK).until(() -> server.requests() >= again + 2);
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture())).isInstanceOf(Verified.class);

        server.stop();
        long fetches = cache.fetches();
        await().atMost(QUICK).until(() -> cache.fetches() >= fetches + 2);
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture())).isInstanceOf(Verified.class);
        assertThat(cache.current().size()).isEqualTo(1);
    }

    @Test
    void knownKidsDoNotWaitForASlowRefresh() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        server.delay(Duration.ofSeconds(1)).serve(TestKeys.jwks(K1, K2));
        CompletableFuture<Verdict> rotated = verifier().verify(token(K2)).toCompletableFuture();
        CompletableFuture<Verdict> known = verifier().verify(token(K1)).toCompletableFuture();
        assertThat(known).as("verified at once, during the refresh").isDone();
        assertThat(known.join()).isInstanceOf(Verified.class);
        assertThat(rotated).isNotDone();
        assertThat(result(rotated)).isInstanceOf(Verified.class);
    }

    @Test
    void refreshesOnSchedule() {
        server.serve(TestKeys.jwks(K1));
        start(settings(Duration.ofMillis(200), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.current().loaded());
        server.serve(TestKeys.jwks(K1, K2));
        await().atMost(QUICK).until(() -> cache.current().size() == 2);
    }

    @Test
    void anIssuerNeverReachedAnswersUnavailableNotInvalid() {
        server.stop();
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture())).isEqualTo(Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void anIssuerThatIsDownIsNotAskedOncePerRequest() {
        server.failWith(503);
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        TokenVerifier v = verifier();
        for (int i = 0; i < 50; i++) {
            assertThat(result(v.verify(token(K1)).toCompletableFuture())).isEqualTo(Reason.KEYS_UNAVAILABLE);
        }
        assertThat(server.requests()).as("the first fetch plus a burst of 3").isLessThanOrEqualTo(4);
    }

    @Test
    void aJwksLargerThanTheLimitIsNotUsed() {
        StringBuilder big = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < 200; i++) {
            big.append(i == 0 ? "" : ",").append(K1.publicJwk().toJSONString());
        }
        server.serve(big.append("]}").toString());
        start(settings(Duration.ofMinutes(5), 3, Duration.ofMinutes(1)));
        await().atMost(QUICK).until(() -> cache.fetches() >= 1 && server.requests() >= 1);
        assertThat(result(verifier().verify(token(K1)).toCompletableFuture())).isEqualTo(Reason.KEYS_UNAVAILABLE);
    }
}
