package io.archway.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code archway run | demo | validate | version | token}; exit codes as DESIGN §1 says. */
@Command(name = "archway", mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "API gateway and load balancer.")
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int BAD_CONFIG = 1;
    public static final int CANNOT_START = 2;

    /** The subcommands, in the order usage lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("demo", DemoCommand::new);
        COMMANDS.put("validate", ValidateCommand::new);
        COMMANDS.put("version", VersionCommand::new);
        COMMANDS.put("token", TokenCommand::new);
    }

    /**
     * Netty settings for a production process, each unless set on the command line: no leak-detection
     * sampling (it records a stack trace for one buffer in 128, a cost on every path that allocates) and no
     * JFR events from the buffer pools (registering them initialises JFR's metadata on the first request).
     * The test suite runs the gateway in-process with leak detection at paranoid.
     */
    private static final Map<String, String> NETTY_DEFAULTS = Map.of(
            "io.netty.leakDetection.level", "disabled",
            "io.netty.jfr.enabled", "false");

    @Override
    public void run() {
        commandLine().usage(System.err);
    }

    /** The command line with every subcommand, for usage and tests. */
    public static CommandLine commandLine() {
        return commandLine("");
    }

    /**
     * The command line for {@code args}: when the first argument names a subcommand, only that one is built
     * (picocli reads each command's annotations by reflection, a cost paid at every start).
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Main());
        Supplier<Object> only = COMMANDS.get(first);
        if (only != null) {
            cl.addSubcommand(first, only.get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        // A usage error is "bad usage" (1), anything thrown while running is "could not start" (2).
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_CONFIG : CANNOT_START);
        return cl;
    }

    public static void main(String[] args) {
        NETTY_DEFAULTS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        int code = commandLine(args.length == 0 ? "" : args[0]).execute(args);
        if (code != OK || !isLongRunning(args)) {
            System.exit(code);
        }
    }

    /** Whether the command leaves a gateway running (its signal handlers end the process). */
    private static boolean isLongRunning(String[] args) {
        if (args.length == 0) {
            return false;
        }
        return args[0].equals("run") || (args[0].equals("demo") && !List.of(args).contains("--check"));
    }
}
