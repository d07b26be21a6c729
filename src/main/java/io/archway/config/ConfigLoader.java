package io.archway.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns archway.yaml text into a {@link GatewayConfig}, checking it against DESIGN §2 and §7 and
 * collecting every problem, each one line naming its YAML path:
 * {@code routes[3].upstream: "paymnts" is not defined (expected one of: payments, search)}.
 *
 * <p>Stateless apart from its collaborators, so one loader may serve the file watcher and the admin
 * API at once.
 * <pre>{@code
 * ConfigLoader loader = new ConfigLoader(filterRegistry, Interpolator.system());
 * LoadedConfig loaded = loader.load(Path.of("archway.yaml"));   // throws ConfigException listing every problem
 * }</pre>
 */
public final class ConfigLoader {
    private static final String[] KEYS = {"listen", "trusted_proxies", "tls", "admin", "limits", "shutdown_grace",
        "upstreams", "consumers", "jwt", "filters", "routes", "cluster"};
    private static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 8080);
    private static final String LISTEN_EXPECTED = "host:port like 0.0.0.0:8080";
    private static final String TLS_LISTEN_EXPECTED = "host:port like 0.0.0.0:8443";
    private static final String ADMIN_LISTEN_EXPECTED = "one host:port like 127.0.0.1:8081";

    private final FilterCatalog filters;
    private final Interpolator env;

    public ConfigLoader(FilterCatalog filters, Interpolator env) {
        this.filters = requireNonNull(filters, "filters");
        this.env = requireNonNull(env, "env");
    }

    /** Parses and validates; returns a best-effort config plus every problem found (never throws on bad input). */
    public LoadResult parse(String yamlText, String sourceName) {
        requireNonNull(yamlText, "yamlText");
        requireNonNull(sourceName, "sourceName");
        Problems problems = new Problems();
        JsonNode written = YamlReader.read(yamlText, sourceName, problems);
        GatewayConfig config = gateway(new ConfigNode(written, ConfigPath.root(), problems, env));
        return new LoadResult(config, written, problems);
    }

    /** parse() then throw ConfigException if there is any problem. */
    public LoadedConfig load(String yamlText, String sourceName) throws ConfigException {
        LoadResult result = parse(yamlText, sourceName);
        result.problems().throwIfAny(sourceName);
        return new LoadedConfig(result.config(), result.written());
    }

    /** Reads the file as UTF-8 and loads it; a file that cannot be read is a ConfigException naming it. */
    public LoadedConfig load(Path file) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(source, List.of(source + ": cannot be read (" + describe(file, e) + ")"));
        }
        return load(text, source);
    }

    private static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof MalformedInputException) {
            return "not UTF-8 text";
        }
        if (Files.isDirectory(file)) {
            return "a directory, not a file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private GatewayConfig gateway(ConfigNode root) {
        root.expectObject(KEYS);
        List<Bound> addresses = new ArrayList<>();
        AdminConfig admin = admin(root.get("admin"), addresses);
        List<HostPort> listen = listen(root.get("listen"), LISTEN_EXPECTED, List.of(DEFAULT_LISTEN), addresses);
        TlsConfig tls = tls(root.get("tls"), addresses);
        checkDistinctPorts(addresses);

        Map<String, UpstreamConfig> upstreams = UpstreamsReader.read(root.get("upstreams"));
        FiltersReader filterReader = new FiltersReader(filters, env);
        return new GatewayConfig(
                listen,
                trustedProxies(root.get("trusted_proxies")),
                tls,
                admin,
                limits(root.get("limits")),
                root.get("shutdown_grace").asDuration(Duration.ofSeconds(30)),
                upstreams,
                IdentityReader.consumers(root.get("consumers")),
                IdentityReader.issuers(root.get("jwt")),
                filterReader.read(root.get("filters")),
                new RoutesReader(upstreams.keySet(), filterReader).read(root.get("routes")),
                cluster(root.get("cluster")));
    }

    /** One address or a list of them; every one, defaults too, is added to {@code seen} for the port check. */
    private static List<HostPort> listen(ConfigNode n, String expected, List<HostPort> def, List<Bound> seen) {
        if (n.isMissing()) {
            def.forEach(hp -> seen.add(new Bound(n, hp)));
            return def;
        }
        if (n.isArray() && n.raw().isEmpty()) {
            n.invalid("at least one " + expected);
            return def;
        }
        List<HostPort> out = new ArrayList<>();
        for (ConfigNode item : n.itemsOrSingle()) {
            if (item.isMissing()) {
                item.invalid(expected);
                continue;
            }
            HostPort hp = item.parsed(null, HostPort::parse, expected);
            if (hp != null) {
                out.add(hp);
                seen.add(new Bound(item, hp));
            }
        }
        return out;
    }

    /**
     * Two listeners on one port would fail at bind with exit code 2; saying so here names the keys.
     * Port 0 (any free port) never clashes, and 0.0.0.0 or :: clashes with every host.
     */
    private static void checkDistinctPorts(List<Bound> addresses) {
        for (int i = 1; i < addresses.size(); i++) {
            HostPort b = addresses.get(i).address();
            for (int j = 0; j < i; j++) {
                HostPort a = addresses.get(j).address();
                boolean sameHost = a.host().equalsIgnoreCase(b.host()) || isWildcard(a.host()) || isWildcard(b.host());
                if (a.port() != 0 && a.port() == b.port() && sameHost) {
                    // Blame the later address, unless it is a default: then the one written is the mistake.
                    ConfigNode blamed = addresses.get(i).node();
                    ConfigNode other = addresses.get(j).node();
                    if (blamed.isMissing()) {
                        ConfigNode t = blamed;
                        blamed = other;
                        other = t;
                    }
                    blamed.invalid("a port no other listener uses; " + other.path() + " has it");
                    break;
                }
            }
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    private static List<Cidr> trustedProxies(ConfigNode n) {
        List<Cidr> out = new ArrayList<>();
        for (ConfigNode item : n.itemsOrSingle()) {
            Cidr c = item.parsed(null, Cidr::parse, "an IP address or CIDR block like 10.0.0.0/8");
            if (c != null) {
                out.add(c);
            } else if (item.isMissing()) {
                item.invalid("an IP address or CIDR block like 10.0.0.0/8");
            }
        }
        return out;
    }

    private static @Nullable TlsConfig tls(ConfigNode n, List<Bound> addresses) {
        if (!n.expectObject("listen", "certificates")) {
            return null;
        }
        ConfigNode listenNode = n.get("listen");
        if (listenNode.isMissing()) {
            listenNode.invalid(TLS_LISTEN_EXPECTED);
        }
        List<HostPort> listen = listen(listenNode, TLS_LISTEN_EXPECTED, List.of(), addresses);
        List<TlsConfig.CertificateConfig> certs = new ArrayList<>();
        ConfigNode certsNode = n.get("certificates");
        for (ConfigNode c : certsNode.items()) {
            if (c.isMissing()) {
                c.invalid("{cert: FILE, key: FILE}");
                continue;
            }
            if (!c.expectObject("cert", "key")) {
                continue;
            }
            String cert = c.get("cert").nonEmptyText("a PEM certificate file");
            String key = c.get("key").nonEmptyText("a PEM private key file");
            if (c.get("cert").isMissing()) {
                c.get("cert").invalid("a PEM certificate file");
            }
            if (c.get("key").isMissing()) {
                c.get("key").invalid("a PEM private key file");
            }
            if (cert != null && key != null) {
                certs.add(new TlsConfig.CertificateConfig(cert, key));
            }
        }
        if (certsNode.isMissing() || (certsNode.isArray() && certsNode.raw().isEmpty())) {
            certsNode.invalid("at least one {cert: FILE, key: FILE}");
        }
        return new TlsConfig(listen, certs);
    }

    private static AdminConfig admin(ConfigNode n, List<Bound> addresses) {
        n.expectObject("listen", "token");
        ConfigNode listenNode = n.get("listen");
        HostPort listen = AdminConfig.DEFAULT_LISTEN;
        if (listenNode.isArray()) {
            listenNode.invalid(ADMIN_LISTEN_EXPECTED);
        } else {
            listen = listen(listenNode, ADMIN_LISTEN_EXPECTED, List.of(listen), addresses).stream()
                    .findFirst().orElse(listen);
        }
        return new AdminConfig(listen, n.get("token").asString(""));
    }

    private static LimitsConfig limits(ConfigNode n) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        if (!n.expectObject("max_connections", "max_header_size", "max_body_size", "header_timeout", "idle_timeout")) {
            return d;
        }
        return new LimitsConfig(
                n.get("max_connections").asInt(d.maxConnections(), 1, Integer.MAX_VALUE),
                // Netty's decoder takes the header limit as an int.
                size(n.get("max_header_size"), d.maxHeaderSize(), Integer.MAX_VALUE,
                        "a size above 0 and below 2GB, like 16KB"),
                size(n.get("max_body_size"), d.maxBodySize(), Long.MAX_VALUE, "a size above 0 like 10MB"),
                n.get("header_timeout").asPositiveDuration(d.headerTimeout()),
                n.get("idle_timeout").asPositiveDuration(d.idleTimeout()));
    }

    private static long size(ConfigNode n, long def, long max, String expected) {
        int before = n.problems().size();
        long v = n.asSize(def);
        if (n.problems().size() == before && (v < 1 || v > max)) {
            n.invalid(expected);
            return def;
        }
        return v;
    }

    private static @Nullable ClusterConfig cluster(ConfigNode n) {
        if (!n.expectObject("redis", "fail_open")) {
            return null;
        }
        ConfigNode redis = n.get("redis");
        String expected = "a redis:// or rediss:// URL like redis://127.0.0.1:6379";
        String url = redis.requiredString(expected);
        if (url != null && !RedisUrl.isValid(url)) {
            // The written form, but without a password someone wrote into it.
            redis.problems().add(redis.path(), Problems.quote(RedisUrl.withoutPassword(redis.raw().asText()))
                    + " (expected: " + expected + ")");
            url = null;
        }
        boolean failOpen = n.get("fail_open").asBoolean(true);
        return url == null ? null : new ClusterConfig(url, failOpen);
    }

    /** A listener address and where it was written. */
    private record Bound(ConfigNode node, HostPort address) {}
}
