package io.archway.runtime;

import io.archway.config.ConfigException;
import io.archway.config.ConfigLoader;
import io.archway.config.Interpolator;
import io.archway.config.LoadResult;
import io.archway.config.LoadedConfig;
import io.archway.config.Problems;
import io.archway.filter.FilterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loading a config the way {@code run} and {@code validate} both do: parse, bind, then the checks that
 * need the router, all problems reported together.
 */
public final class Configs {
    private Configs() {}

    public static LoadedConfig load(Path file, Interpolator env) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(file + ": cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"));
        }
        return parse(text, file.toString(), env);
    }

    public static LoadedConfig parse(String yaml, String source, Interpolator env) throws ConfigException {
        LoadResult result = new ConfigLoader(FilterRegistry.INSTANCE, env).parse(yaml, source);
        Problems problems = result.problems();
        if (problems.isEmpty()) {
            Snapshot.validate(result.config(), problems);
        }
        problems.throwIfAny(source);
        return new LoadedConfig(result.config(), result.written());
    }
}
