package io.archway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.config.Interpolator;
import io.archway.runtime.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's config examples are what users paste first: each must load as it is written. */
class ReadmeTest {

    static List<String> yamlBlocks() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void everyYamlExampleInTheReadmeIsValid() throws Exception {
        List<String> blocks = yamlBlocks();
        assertThat(blocks).isNotEmpty();
        for (String yaml : blocks) {
            if (yaml.contains("# not a complete config")) {
                continue;
            }
            Configs.parse(yaml, "README example", Interpolator.of(Map.of()));
        }
    }

    @Test
    void readmeOpensWithTheDemoAndTheTestCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String firstBlock = readme.substring(readme.indexOf("```sh"), readme.indexOf("```", readme.indexOf("```sh") + 5));
        assertThat(firstBlock).contains("bin/archway demo").contains("mvn -B verify");
        assertThat(Files.readString(Path.of(".ci/run"))).contains("mvn -B verify");
    }
}
