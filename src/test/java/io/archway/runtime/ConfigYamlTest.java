package io.archway.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.archway.config.Problems;
import io.archway.config.YamlTrees;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigYamlTest {

    @Test
    void stringsThatLookLikeOtherTypesOrSyntaxReadBackAsTheSameStrings() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        List<String> tricky = List.of("true", "false", "on", "no", "null", "~", "0123", "2", "2.10", "1e3", "0x1F",
                "*.example.com", "&anchor", "!tag", "/users/{id}", "{a}", "[x]", "a: b", "- item", "#hash", "x #y",
                "${NAME}", "${NAME:-}", "", " lead", "trail ", "multi\nline", "quote\"s", "it's", "@at", "`tick",
                "%pct", "|", ">", "?", ":", ".inf", "1_000", "=", "<<");
        for (int i = 0; i < tricky.size(); i++) {
            root.put("k" + i, tricky.get(i));
        }
        root.put("int", 7);
        root.put("decimal", new BigDecimal("2.10"));
        root.put("bool", true);
        root.putNull("nothing");
        root.putArray("list").add("x").add(1).addObject().put("path", "/a/**");

        String yaml = ConfigYaml.render(root);
        Problems problems = new Problems();
        JsonNode back = YamlTrees.read(yaml, "test", problems);

        assertThat(problems.lines()).isEmpty();
        assertThat(ConfigYaml.sameValue(back, root)).as(yaml).isTrue();
        for (int i = 0; i < tricky.size(); i++) {
            assertThat(back.get("k" + i).isTextual()).as(tricky.get(i)).isTrue();
            assertThat(back.get("k" + i).asText()).isEqualTo(tricky.get(i));
        }
    }

    @Test
    void plainStringsStayUnquoted() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putObject("upstreams").putObject("users").putArray("targets").addObject().put("address", "127.0.0.1:9001");
        assertThat(ConfigYaml.render(root)).contains("address: 127.0.0.1:9001").doesNotContain("\"");
    }
}
