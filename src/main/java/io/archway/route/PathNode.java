package io.archway.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A node of a segment trie: template patterns branch on literal segments and on a variable; prefix patterns on
 * literal segments only. A node carries the routes whose pattern ends there.
 */
final class PathNode {
    final SegmentMap<PathNode> children;
    final @Nullable PathNode variable;
    final @Nullable HostSlot routes;

    private PathNode(SegmentMap<PathNode> children, @Nullable PathNode variable, @Nullable HostSlot routes) {
        this.children = children;
        this.variable = variable;
        this.routes = routes;
    }

    /** Mutable while the table is compiled; {@link #build()} freezes it. */
    static final class Builder {
        private final Map<String, Builder> children = new HashMap<>();
        private @Nullable Builder variable;
        private final List<Route> routes = new ArrayList<>();

        Builder child(String segment) {
            return children.computeIfAbsent(segment, s -> new Builder());
        }

        Builder variable() {
            Builder v = variable;
            if (v == null) {
                v = variable = new Builder();
            }
            return v;
        }

        void add(Route route) {
            routes.add(route);
        }

        boolean isEmpty() {
            return children.isEmpty() && variable == null && routes.isEmpty();
        }

        PathNode build() {
            Map<String, PathNode> built = new HashMap<>();
            children.forEach((segment, child) -> built.put(segment, child.build()));
            return new PathNode(new SegmentMap<>(built), variable == null ? null : variable.build(),
                    routes.isEmpty() ? null : HostSlot.of(routes));
        }
    }
}
