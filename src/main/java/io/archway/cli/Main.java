package io.archway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code archway run | demo | validate | version | token}; exit codes as DESIGN §1 says. */
@Command(name = "archway", mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "API gateway and load balancer.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, VersionCommand.class,
            TokenCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int BAD_CONFIG = 1;
    public static final int CANNOT_START = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // A usage error is "bad usage" (1), anything thrown while running is "could not start" (2).
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_CONFIG : CANNOT_START);
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != OK || args.length == 0 || !isLongRunning(args[0])) {
            System.exit(code);
        }
    }

    private static boolean isLongRunning(String command) {
        return command.equals("run") || command.equals("demo");
    }
}
