package io.archway.cli;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.config.LoadedConfig;
import io.archway.runtime.Configs;
import io.archway.runtime.Gateway;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Start the gateway.")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, defaultValue = "archway.yaml", description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() {
        LoadedConfig loaded;
        Interpolator env = Interpolator.system();
        try {
            loaded = Configs.load(config, env);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return Main.BAD_CONFIG;
        }
        Gateway gateway = Launcher.start(loaded, new Gateway.Options(config, env));
        if (gateway == null) {
            return Main.CANNOT_START;
        }
        Launcher.reloadOnHangup(gateway);
        Launcher.stopOnSignals(gateway, loaded, () -> { });
        return Main.OK;
    }
}
