package io.archway.route;

import io.archway.config.RouteConfig;
import io.archway.config.RouteConfig.MatchConfig;
import io.archway.config.RouteConfig.RewriteConfig;
import io.archway.config.RouteConfig.WeightedUpstream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Builds RouteConfig records for tests, with only the parts routing reads set. */
final class TestRoutes {
    private final String name;
    private @Nullable String host;
    private String path = "/";
    private Set<String> methods = Set.of();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private @Nullable RewriteConfig rewrite;

    private TestRoutes(String name) {
        this.name = name;
    }

    static TestRoutes route(String name) {
        return new TestRoutes(name);
    }

    TestRoutes host(String host) {
        this.host = host;
        return this;
    }

    TestRoutes path(String path) {
        this.path = path;
        return this;
    }

    TestRoutes methods(String... methods) {
        this.methods = Set.of(methods);
        return this;
    }

    TestRoutes header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    TestRoutes query(String key, String value) {
        query.put(key, value);
        return this;
    }

    TestRoutes stripPrefix(String prefix) {
        rewrite = new RewriteConfig(prefix, null);
        return this;
    }

    TestRoutes rewritePath(String path) {
        rewrite = new RewriteConfig(null, path);
        return this;
    }

    RouteConfig build() {
        return new RouteConfig(name, new MatchConfig(host, path, methods, headers, query),
                List.of(new WeightedUpstream(name, 1)), null, rewrite, Map.of(), null);
    }

    static List<RouteConfig> routes(TestRoutes... routes) {
        List<RouteConfig> out = new ArrayList<>();
        for (TestRoutes r : routes) {
            out.add(r.build());
        }
        return out;
    }
}
