package io.archway.route;

import static java.util.Objects.requireNonNull;

import io.archway.config.RouteConfig;
import org.jspecify.annotations.Nullable;

/** One compiled route: its config, its place in the file, and the parsed forms of its match and rewrite. Immutable. */
public final class Route {
    private final RouteConfig config;
    private final int index;
    private final PathPattern pattern;
    private final @Nullable HostPattern host;
    private final Matcher matcher;
    private final Rewrite rewrite;

    Route(RouteConfig config, int index, PathPattern pattern, @Nullable HostPattern host, Matcher matcher,
          Rewrite rewrite) {
        this.config = requireNonNull(config, "config");
        this.index = index;
        this.pattern = requireNonNull(pattern, "pattern");
        this.host = host;
        this.matcher = requireNonNull(matcher, "matcher");
        this.rewrite = requireNonNull(rewrite, "rewrite");
    }

    public String name() {
        return config.name();
    }

    public RouteConfig config() {
        return config;
    }

    /** The position of this route in the config's {@code routes} list. */
    public int index() {
        return index;
    }

    public PathPattern pattern() {
        return pattern;
    }

    @Nullable HostPattern host() {
        return host;
    }

    Matcher matcher() {
        return matcher;
    }

    Rewrite rewrite() {
        return rewrite;
    }

    @Override
    public String toString() {
        return "routes[" + index + "] \"" + name() + "\"";
    }
}
