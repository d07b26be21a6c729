package io.archway.cli;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.config.LoadedConfig;
import io.archway.proxy.Transports;
import io.archway.runtime.Configs;
import io.archway.runtime.Gateway;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Run the gateway on a built-in demo config with two demo backends.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "gateway port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--admin-port", defaultValue = "8081", description = "admin port (default: ${DEFAULT-VALUE})")
    int adminPort;

    @Option(names = "--check", description = "start the demo on free ports, send the sample requests through it, "
            + "print what came back and stop: exit 0 when every answer is as expected")
    boolean check;

    static String config(int port, int adminPort, int backendA, int backendB) {
        return """
                # The built-in demo: two backends behind one upstream, and a route the gateway answers itself.
                listen: 127.0.0.1:%d
                admin: {listen: 127.0.0.1:%d}
                upstreams:
                  demo:
                    balancer: round_robin
                    targets:
                      - {address: 127.0.0.1:%d}
                      - {address: 127.0.0.1:%d}
                routes:
                  - name: hello
                    match: {path: /hello}
                    respond: {status: 200, body: "hello from archway\\n"}
                  - name: api
                    match: {path: /api/**}
                    upstream: demo
                    rewrite: {strip_prefix: /api}
                """.formatted(port, adminPort, backendA, backendB);
    }

    /** A running demo: the gateway and its two backends. */
    record Demo(Gateway gateway, EventLoopGroup backendLoops, LoadedConfig config) implements AutoCloseable {
        @Override
        public void close() {
            gateway.close();
            backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the demo and prints what to curl to {@code out}; null (after printing why) if it cannot start. */
    static Demo start(int port, int adminPort, PrintStream out) throws ConfigException {
        return start(port, adminPort, out, true);
    }

    private static Demo start(int port, int adminPort, PrintStream out, boolean accessLog) throws ConfigException {
        EventLoopGroup backendLoops = Transports.group(1, "archway-demo-backend");
        DemoBackend a = DemoBackend.start(backendLoops, "demo-a");
        DemoBackend b = DemoBackend.start(backendLoops, "demo-b");
        LoadedConfig loaded;
        try {
            String yaml = config(port, adminPort, a.port(), b.port()) + (accessLog ? "" : "filters: {access_log: false}\n");
            loaded = Configs.parse(yaml, "demo config", Interpolator.of(Map.of()));
        } catch (ConfigException e) {
            backendLoops.shutdownGracefully();
            throw e;
        }
        Gateway gateway = Launcher.start(loaded);
        if (gateway == null) {
            backendLoops.shutdownGracefully();
            return null;
        }
        String base = "http://127.0.0.1:" + gateway.proxyAddress().getPort();
        out.println("""

                Archway demo: two backends (demo-a on :%d, demo-b on :%d) behind %s
                Try:
                  curl -i %s/hello
                      answered by the gateway itself (a respond: route)
                  curl -i %s/api/users/42
                      proxied to /users/42; run it twice: demo-a, then demo-b (round robin)
                  curl -i %s/nowhere
                      no route: 404 with a JSON error and its request id
                Admin: curl http://127.0.0.1:%d/health      Stop: Ctrl-C
                """.formatted(a.port(), b.port(), base, base, base, base, gateway.adminAddress().getPort()));
        out.flush();
        return new Demo(gateway, backendLoops, loaded);
    }

    @Override
    public Integer call() {
        if (check) {
            return check(System.out);
        }
        Demo demo;
        try {
            demo = start(port, adminPort, System.out);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return Main.BAD_CONFIG;
        }
        if (demo == null) {
            return Main.CANNOT_START;
        }
        Launcher.stopOnSignals(demo.gateway(), demo.config(),
                () -> demo.backendLoops().shutdownGracefully(0, 1, TimeUnit.SECONDS));
        return Main.OK;
    }

    /** One request of the check: a sample the demo prints (or the admin health), and the status it must get. */
    private record Sample(boolean admin, String path, String status) {}

    private static final List<Sample> SAMPLES = List.of(
            new Sample(false, "/hello", "200"), new Sample(false, "/api/users/42", "200"),
            new Sample(false, "/api/users/42", "200"), new Sample(false, "/nowhere", "404"),
            new Sample(true, "/health", "200"));

    /**
     * {@code demo --check}: the whole demo on free ports, its sample requests sent through it over plain
     * sockets, then a clean stop. A smoke test for an installation, and the training run {@code bin/archway}
     * records its class-data archive from.
     */
    static int check(PrintStream out) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int failures = 0;
        try (Demo demo = start(0, 0, quiet, false)) {
            if (demo == null) {
                return Main.CANNOT_START;
            }
            for (Sample sample : SAMPLES) {
                int port = (sample.admin() ? demo.gateway().adminAddress() : demo.gateway().proxyAddress()).getPort();
                String status;
                try {
                    status = statusOf(port, sample.path());
                } catch (IOException e) {
                    status = e.toString();
                }
                boolean ok = status.equals(sample.status());
                failures += ok ? 0 : 1;
                out.printf("%-4s GET %-14s -> %s%s%n", ok ? "ok" : "FAIL", sample.path(), status,
                        sample.admin() ? " (admin)" : "");
            }
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return Main.BAD_CONFIG;
        }
        out.println(failures == 0 ? "demo check passed" : "demo check FAILED: " + failures + " unexpected answer(s)");
        return failures == 0 ? Main.OK : Main.CANNOT_START;
    }

    /** The status code of {@code GET path} on 127.0.0.1:port, read from the status line. */
    private static String statusOf(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int sp = response.indexOf(' ');
            return sp < 0 || response.length() < sp + 4 ? "no answer" : response.substring(sp + 1, sp + 4);
        }
    }
}
