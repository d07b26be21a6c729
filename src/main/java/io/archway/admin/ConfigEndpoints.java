package io.archway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.archway.config.HostPort;
import io.archway.config.LoadedConfig;
import io.archway.config.UpstreamConfig;
import io.archway.runtime.ChangeException;
import io.archway.runtime.ConfigStore;
import io.archway.runtime.Gateway;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The config endpoints of DESIGN §3: the whole config, and routes, upstreams and consumers one by one.
 * Every change edits the config as written and goes through {@link ConfigStore}: validated like a file,
 * applied atomically, persisted.
 */
final class ConfigEndpoints {
    /** The three kinds of named objects: routes are a list in the file, the others a map by name. */
    enum Kind {
        ROUTES("routes", true), UPSTREAMS("upstreams", false), CONSUMERS("consumers", false);

        final String key;
        final boolean list;

        Kind(String key, boolean list) {
            this.key = key;
            this.list = list;
        }
    }

    private final Gateway gateway;

    ConfigEndpoints(Gateway gateway) {
        this.gateway = gateway;
    }

    private ConfigStore store() {
        return gateway.config();
    }

    // ---- the whole config

    AdminResponse getConfig(AdminRequest req) {
        LoadedConfig c = store().current();
        JsonNode masked = Secrets.masked(c.written());
        AdminResponse r = req.wantsYaml()
                ? AdminResponse.text(200, "application/yaml", Json.yaml(masked))
                : AdminResponse.ok(masked);
        return r.withHeader("X-Config-Version", Long.toString(store().version()));
    }

    AdminResponse putConfig(AdminRequest req) throws ChangeException {
        JsonNode current = store().current().written();
        if (req.isYaml() && !req.bodyText().contains(Secrets.MASK)) {
            // Applied as sent, so the file keeps the sender's comments and layout.
            store().replace(req.bodyText());
        } else {
            JsonNode tree = Json.body(req);
            Secrets.unmask(tree, current);
            store().replace(tree);
        }
        return getConfig(req);
    }

    AdminResponse validateConfig(AdminRequest req) throws ChangeException {
        if (req.isYaml() && !req.bodyText().contains(Secrets.MASK)) {
            store().validate(req.bodyText());
        } else {
            JsonNode tree = Json.body(req);
            Secrets.unmask(tree, store().current().written());
            store().validate(tree);
        }
        ObjectNode ok = Json.object();
        ok.put("valid", true);
        return AdminResponse.ok(ok);
    }

    // ---- one kind

    AdminResponse list(Kind kind) {
        JsonNode written = store().current().written();
        ArrayNode out = Json.array();
        JsonNode all = written.path(kind.key);
        if (kind.list) {
            all.forEach(out::add);
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(view(kind, e.getKey(), e.getValue(), written));
            }
        }
        return AdminResponse.ok(out);
    }

    AdminResponse get(Kind kind, String name) throws ChangeException {
        JsonNode written = store().current().written();
        JsonNode node = find(written, kind, name);
        if (node == null) {
            throw ChangeException.notFound(kind.key + "." + name + " does not exist");
        }
        return AdminResponse.ok(view(kind, name, node, written));
    }

    private JsonNode view(Kind kind, String name, JsonNode node, JsonNode written) {
        return switch (kind) {
            case ROUTES -> node;
            case UPSTREAMS -> Views.upstream(name, node, gateway.snapshot().upstreams().get(name));
            case CONSUMERS -> maskedConsumer(name, node);
        };
    }

    private static JsonNode maskedConsumer(String name, JsonNode node) {
        ObjectNode tree = Json.object();
        tree.putObject("consumers").set(name, node);
        return Views.named(name, Secrets.masked(tree).path("consumers").path(name));
    }

    AdminResponse put(Kind kind, String name, AdminRequest req) throws ChangeException {
        ObjectNode body = Json.objectBody(req);
        JsonNode bodyName = body.get("name");
        if (bodyName != null && !(bodyName.isTextual() && bodyName.asText().equals(name))) {
            throw ChangeException.invalid(List.of("name: " + bodyName + " (expected: \"" + name
                    + "\", the name in the URL)"));
        }
        if (kind == Kind.UPSTREAMS) {
            body.remove(Views.STATUS);
        }
        boolean[] created = new boolean[1];
        store().change(written -> {
            ObjectNode root = rootOf(written);
            JsonNode current = store().current().written();
            if (kind.list) {
                ObjectNode route = Json.object();
                route.put("name", name);
                body.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("name")) {
                        route.set(e.getKey(), e.getValue());
                    }
                });
                ArrayNode routes = arrayAt(root, kind.key);
                int i = indexOf(routes, name);
                created[0] = i < 0;
                if (i < 0) {
                    routes.add(route);
                } else {
                    routes.set(i, route);
                }
            } else {
                body.remove("name");
                ObjectNode map = objectAt(root, kind.key);
                created[0] = !map.has(name);
                map.set(name, body);
            }
            Secrets.unmask(root, current);
            return root;
        }, false);
        AdminResponse view = get(kind, name);
        return created[0] ? view.withStatus(201) : view;
    }

    AdminResponse delete(Kind kind, String name) throws ChangeException {
        store().change(written -> {
            ObjectNode root = rootOf(written);
            if (kind.list) {
                ArrayNode routes = arrayAt(root, kind.key);
                int i = indexOf(routes, name);
                if (i < 0) {
                    throw ChangeException.notFound(kind.key + "." + name + " does not exist");
                }
                routes.remove(i);
            } else {
                JsonNode map = root.path(kind.key);
                if (!map.isObject() || !map.has(name)) {
                    throw ChangeException.notFound(kind.key + "." + name + " does not exist");
                }
                ((ObjectNode) map).remove(name);
            }
            return root;
        }, true);
        return AdminResponse.noContent();
    }

    /** {@code PUT /upstreams/{name}/targets/{address}}: a target's weight (0 drains it), added if new. */
    AdminResponse putTarget(String upstream, String address, AdminRequest req) throws ChangeException {
        HostPort hp;
        try {
            hp = HostPort.parse(address, 1);
        } catch (IllegalArgumentException e) {
            throw ChangeException.invalid(List.of("address: \"" + address + "\" (expected: host:port like 10.0.0.1:8080)"));
        }
        ObjectNode body = Json.objectBody(req);
        JsonNode bodyAddress = body.get("address");
        if (bodyAddress != null && !bodyAddress.asText().equals(address)) {
            throw ChangeException.invalid(List.of("address: " + bodyAddress + " (expected: \"" + address
                    + "\", the address in the URL)"));
        }
        boolean[] created = new boolean[1];
        store().change(written -> {
            ObjectNode root = rootOf(written);
            JsonNode up = root.path(Kind.UPSTREAMS.key).path(upstream);
            UpstreamConfig running = store().current().config().upstreams().get(upstream);
            if (!up.isObject() || running == null) {
                throw ChangeException.notFound(Kind.UPSTREAMS.key + "." + upstream + " does not exist");
            }
            ArrayNode targets = arrayAt((ObjectNode) up, "targets");
            int index = -1;
            List<UpstreamConfig.TargetConfig> live = running.targets();
            for (int i = 0; i < live.size() && i < targets.size(); i++) {
                if (sameAddress(live.get(i).address(), hp)) {
                    index = i;
                }
            }
            created[0] = index < 0;
            ObjectNode target;
            if (index < 0) {
                target = targets.addObject();
                target.put("address", address);
            } else {
                target = (ObjectNode) targets.get(index);
            }
            body.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("address")) {
                    target.set(e.getKey(), e.getValue());
                }
            });
            return root;
        }, false);
        AdminResponse view = get(Kind.UPSTREAMS, upstream);
        return created[0] ? view.withStatus(201) : view;
    }

    private static boolean sameAddress(HostPort a, HostPort b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    // ---- tree helpers

    private static ObjectNode rootOf(JsonNode written) {
        return written.isObject() ? (ObjectNode) written : Json.object();
    }

    private static ArrayNode arrayAt(ObjectNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n instanceof ArrayNode a) {
            return a;
        }
        return parent.putArray(key);
    }

    private static ObjectNode objectAt(ObjectNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(key);
    }

    private static int indexOf(ArrayNode routes, String name) {
        for (int i = 0; i < routes.size(); i++) {
            if (TextNode.valueOf(name).equals(routes.get(i).get("name"))) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode find(JsonNode written, Kind kind, String name) {
        JsonNode all = written.path(kind.key);
        if (kind.list) {
            if (all.isArray()) {
                int i = indexOf((ArrayNode) all, name);
                return i < 0 ? null : all.get(i);
            }
            return null;
        }
        JsonNode n = all.get(name);
        return n == null || n.isMissingNode() ? null : n;
    }
}
