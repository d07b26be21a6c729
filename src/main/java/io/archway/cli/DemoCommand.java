package io.archway.cli;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.config.LoadedConfig;
import io.archway.proxy.Transports;
import io.archway.runtime.Configs;
import io.archway.runtime.Gateway;
import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Run the gateway on a built-in demo config with two demo backends.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "gateway port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--admin-port", defaultValue = "8081", description = "admin port (default: ${DEFAULT-VALUE})")
    int adminPort;

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
            backendLoops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the demo and prints what to curl to {@code out}; null (after printing why) if it cannot start. */
    static Demo start(int port, int adminPort, PrintStream out) throws ConfigException {
        EventLoopGroup backendLoops = Transports.group(1, "archway-demo-backend");
        DemoBackend a = DemoBackend.start(backendLoops, "demo-a");
        DemoBackend b = DemoBackend.start(backendLoops, "demo-b");
        LoadedConfig loaded;
        try {
            loaded = Configs.parse(config(port, adminPort, a.port(), b.port()), "demo config", Interpolator.of(Map.of()));
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
                () -> demo.backendLoops().shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS));
        return Main.OK;
    }
}
