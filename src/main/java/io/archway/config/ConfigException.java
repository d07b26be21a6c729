package io.archway.config;

import java.util.List;

/** A config that cannot be used; {@link #problems()} holds one line per problem, each naming its YAML path. */
public final class ConfigException extends Exception {
    private final String source;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(render(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<String> problems() {
        return problems;
    }

    private static String render(String source, List<String> problems) {
        StringBuilder sb = new StringBuilder(source).append(" is invalid (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
