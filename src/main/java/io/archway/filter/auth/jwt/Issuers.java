package io.archway.filter.auth.jwt;

import io.archway.config.GatewayConfig;
import io.archway.config.JwtIssuerConfig;
import io.archway.filter.FilterEnv;
import io.archway.filter.SharedResources;
import io.archway.filter.auth.PerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

/**
 * The token verifiers of one config, one per issuer that a filter uses, built on first use. JWKS caches
 * live in the gateway's shared resources by URL, so a reload keeps the keys and their schedule.
 */
final class Issuers {
    private final Map<String, TokenVerifier> verifiers = new HashMap<>();
    private final FilterEnv env;

    private Issuers(FilterEnv env) {
        this.env = env;
    }

    static Issuers of(FilterEnv env) {
        return PerConfig.get(env, "jwt.issuers", (GatewayConfig c) -> new Issuers(env));
    }

    /** Called while a snapshot is compiled (one thread), never on the request path. */
    synchronized TokenVerifier verifier(String name) {
        return verifiers.computeIfAbsent(name, n -> {
            JwtIssuerConfig issuer = env.config().jwt().get(n);
            if (issuer == null) {
                throw new IllegalStateException("jwt issuer " + n + " is not defined (config not validated)");
            }
            return new TokenVerifier(issuer, keySource(issuer), Clock.systemUTC());
        });
    }

    private KeySource keySource(JwtIssuerConfig issuer) {
        if (issuer.jwksUrl() == null) {
            return KeySource.fixed(IssuerKeys.staticKeys(issuer));
        }
        SharedResources shared = env.shared();
        HttpClient client = shared.get("jwt.http", () -> httpClient(env.blocking()));
        Scheduler scheduler = shared.get("jwt.scheduler", Scheduler::new);
        return shared.get("jwt.jwks:" + issuer.jwksUrl(), () -> new JwksCache(URI.create(issuer.jwksUrl()),
                client, scheduler.executor, env.blocking(), JwksCache.Settings.DEFAULTS, System::nanoTime).start());
    }

    static HttpClient httpClient(@Nullable Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (executor != null) {
            b.executor(executor);
        }
        return b.build();
    }

    /** One daemon thread that only starts fetches (they are asynchronous), shared by every JWKS cache. */
    static final class Scheduler implements AutoCloseable {
        final ScheduledExecutorService executor;

        Scheduler() {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "archway-jwks");
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true);
            this.executor = e;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
