package io.archway.testing;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.runtime.Configs;
import io.archway.runtime.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A gateway run from a config file, as {@code archway run -c FILE} does: the file is watched and admin
 * changes are written back to it. Listens on 127.0.0.1 ports chosen by the OS unless the YAML says otherwise.
 */
public final class FileGateway implements AutoCloseable {
    private final Gateway gateway;
    private final Path file;
    private final AdminClient admin;

    private FileGateway(Gateway gateway, Path file, String token) {
        this.gateway = gateway;
        this.file = file;
        this.admin = new AdminClient(gateway.adminAddress().getPort(), token);
    }

    public static FileGateway start(Path dir, String yaml) {
        return start(dir, yaml, Map.of(), "");
    }

    /** Writes {@code dir/archway.yaml} and starts on it; {@code token} is what the admin client sends. */
    public static FileGateway start(Path dir, String yaml, Map<String, String> env, String token) {
        String full = yaml.contains("listen:") ? yaml : "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\n" + yaml;
        Path file = dir.resolve("archway.yaml");
        try {
            Files.writeString(file, full);
            Interpolator interpolator = Interpolator.of(env);
            Gateway g = Gateway.start(Configs.load(file, interpolator), new Gateway.Options(file, interpolator));
            return new FileGateway(g, file, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path file() {
        return file;
    }

    public AdminClient admin() {
        return admin;
    }

    public String fileText() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] fileBytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return gateway.proxyAddress().getPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return RunningGateway.client().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
