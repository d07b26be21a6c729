package io.archway.testing;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.runtime.Configs;
import io.archway.runtime.Gateway;
import io.archway.upstream.UpstreamEnv;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A gateway started in-process from inline YAML, listening on 127.0.0.1 ports chosen by the OS. */
public final class RunningGateway implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Gateway gateway;

    private RunningGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Starts a gateway; unless the YAML sets them, it listens on 127.0.0.1:0 with its admin on 127.0.0.1:0. */
    public static RunningGateway start(String yaml) {
        return start(yaml, Map.of());
    }

    public static RunningGateway start(String yaml, Map<String, String> env) {
        return start(yaml, env, UnaryOperator.identity());
    }

    /** With upstreams that see a changed environment, e.g. a test DNS server for discovery. */
    public static RunningGateway start(String yaml, Map<String, String> env, UnaryOperator<UpstreamEnv> upstreamEnv) {
        String full = yaml;
        if (!yaml.contains("listen:")) {
            full = "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\n" + yaml;
        }
        try {
            return new RunningGateway(Gateway.start(Configs.parse(full, "test.yaml", Interpolator.of(env)), upstreamEnv));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public int port() {
        return gateway.proxyAddress().getPort();
    }

    public int adminPort() {
        return gateway.adminAddress().getPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public static HttpClient client() {
        return CLIENT;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bodies of n GETs of path, in order. */
    public List<String> bodiesOf(String path, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(get(path).body());
        }
        return out;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
