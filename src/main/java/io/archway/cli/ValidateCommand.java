package io.archway.cli;

import io.archway.config.ConfigException;
import io.archway.config.Interpolator;
import io.archway.runtime.Configs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate", description = "Check a config; print every problem with its YAML path.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "config file")
    Path config;

    @Override
    public Integer call() {
        try {
            Configs.load(config, Interpolator.system());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return Main.BAD_CONFIG;
        }
        System.out.println("ok");
        return Main.OK;
    }
}
