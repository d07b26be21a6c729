package io.archway.cli;

import io.archway.config.LoadedConfig;
import io.archway.runtime.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Starts a gateway and stops it gracefully on SIGTERM or SIGINT, exiting 0 (DESIGN §1). */
final class Launcher {
    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    private Launcher() {}

    /** Starts the gateway or prints why it cannot (exit code 2 for the caller). */
    static Gateway start(LoadedConfig loaded) {
        return start(loaded, Gateway.Options.inMemory(io.archway.config.Interpolator.system()));
    }

    static Gateway start(LoadedConfig loaded, Gateway.Options options) {
        try {
            return Gateway.start(loaded, options);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    /** Reloads the config file on SIGHUP (off the signal thread; problems are logged, the running config stays). */
    static void reloadOnHangup(Gateway gateway) {
        Signal.handle(new Signal("HUP"), sig -> {
            Thread t = new Thread(() -> {
                log.info("SIGHUP received: reloading {}", gateway.config().file());
                gateway.reload();
            }, "archway-reload");
            t.start();
        });
    }

    /** Drains and exits 0 on SIGTERM/SIGINT; also runs {@code after} (e.g. stopping demo backends). */
    static void stopOnSignals(Gateway gateway, LoadedConfig loaded, Runnable after) {
        SignalHandler stop = sig -> {
            // The grace in force now: a reload may have changed it since start.
            java.time.Duration grace = gateway.config().current().config().shutdownGrace();
            log.info("SIG{} received: draining (up to {})", sig.getName(), grace);
            // Off the signal thread, so the JVM's signal dispatcher is never blocked while we drain.
            Thread t = new Thread(() -> {
                gateway.shutdown(grace);
                after.run();
                System.exit(Main.OK);
            }, "archway-shutdown");
            t.start();
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
    }
}
