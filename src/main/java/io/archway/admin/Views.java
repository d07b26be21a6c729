package io.archway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import io.archway.upstream.Upstream;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON objects the admin API shows: a config object as written, with its name first and its live state. */
final class Views {
    /** The read-only member of an upstream's view; ignored when the object is PUT back. */
    static final String STATUS = "status";

    private Views() {}

    /** {@code {"name": name, ...written}}: upstreams and consumers are keyed by name in the file. */
    static ObjectNode named(String name, JsonNode written) {
        ObjectNode n = Json.object();
        n.put("name", name);
        if (written.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = written.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("name")) {
                    n.set(e.getKey(), e.getValue());
                }
            }
        }
        return n;
    }

    /** An upstream as written, plus {@code status.targets}: each target's health, weight and connections in use. */
    static ObjectNode upstream(String name, JsonNode written, @Nullable Upstream live) {
        ObjectNode n = named(name, written);
        ObjectNode status = n.putObject(STATUS);
        status.set("targets", targets(live, false));
        return n;
    }

    /**
     * The targets of a live upstream: address, weight, healthy (may take traffic: not taken out by a
     * health check; a drained target, weight 0, is healthy but gets nothing), and active_connections
     * (upstream connections carrying a request now; idle pooled ones are not counted).
     */
    static ArrayNode targets(@Nullable Upstream live, boolean healthyOnly) {
        ArrayNode out = Json.array();
        if (live == null) {
            return out;
        }
        TargetSnapshot s = live.snapshot();
        for (Target t : s.all()) {
            boolean healthy = t.weight() == 0 || s.healthy().contains(t);
            if (healthyOnly && !(healthy && t.weight() > 0)) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("address", t.toString());
            o.put("weight", t.weight());
            o.put("healthy", healthy);
            o.put("active_connections", t.inFlight().get());
        }
        return out;
    }
}
