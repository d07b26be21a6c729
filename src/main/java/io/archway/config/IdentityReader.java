package io.archway.config;

import io.archway.config.ConsumerConfig.BasicAuthConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads {@code consumers} and {@code jwt}: who may call, and which token issuers are believed. */
final class IdentityReader {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9A-Fa-f]{64}");
    private static final List<String> HMAC = List.of("HS256", "HS384", "HS512");
    private static final List<String> ASYMMETRIC = List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA");
    private static final List<String> KEY_SOURCES = List.of("jwks_url", "public_key", "secret");

    private IdentityReader() {}

    static Map<String, ConsumerConfig> consumers(ConfigNode consumers) {
        Map<String, ConsumerConfig> out = new LinkedHashMap<>();
        // Key -> where it was first seen, so a second owner can be named without printing the key.
        Map<String, ConfigPath> keyOwners = new HashMap<>();
        consumers.entries().forEach((name, n) -> out.put(name, consumer(name, n, keyOwners)));
        return out;
    }

    private static ConsumerConfig consumer(String name, ConfigNode n, Map<String, ConfigPath> keyOwners) {
        n.expectObject("api_keys", "basic_auth", "groups");
        List<String> keys = new ArrayList<>();
        for (ConfigNode item : n.get("api_keys").items()) {
            int before = n.problems().size();
            String key = item.text("an API key");
            if (key == null) {
                if (item.isMissing()) {
                    item.invalid("a non-empty API key");
                }
                continue;
            }
            if (key.isEmpty()) {
                // An unset ${VAR} already said why it is empty; one problem is enough.
                if (n.problems().size() == before) {
                    item.invalid("a non-empty API key");
                }
                continue;
            }
            ConfigPath first = keyOwners.putIfAbsent(key, item.path());
            if (first != null) {
                item.problem("the same API key as " + first + " (expected: each API key on one consumer only)");
                continue;
            }
            keys.add(key);
        }
        return new ConsumerConfig(name, keys, basicAuth(n.get("basic_auth")), strings(n.get("groups"), "a group name"));
    }

    private static @Nullable BasicAuthConfig basicAuth(ConfigNode n) {
        if (!n.expectObject("password_sha256")) {
            return null;
        }
        ConfigNode hash = n.get("password_sha256");
        String expected = "64 hex digits, the SHA-256 of the password";
        String s = hash.isMissing() ? null : hash.text(expected);
        if (hash.isMissing()) {
            hash.invalid(expected);
        } else if (s != null && !SHA256_HEX.matcher(s).matches()) {
            // Not the value: a plain-text password written here by mistake must not reach a log.
            hash.problem(s.length() + " characters (expected: " + expected + ")");
            s = null;
        }
        return s == null ? null : new BasicAuthConfig(Syntax.lower(s));
    }

    static Map<String, JwtIssuerConfig> issuers(ConfigNode jwt) {
        Map<String, JwtIssuerConfig> out = new LinkedHashMap<>();
        jwt.entries().forEach((name, n) -> out.put(name, issuer(name, n)));
        return out;
    }

    private static JwtIssuerConfig issuer(String name, ConfigNode n) {
        n.expectObject("issuer", "audience", "jwks_url", "public_key", "secret", "algorithms",
                "clock_skew", "consumer_claim");
        List<String> present = KEY_SOURCES.stream().filter(k -> !n.get(k).isMissing()).toList();
        if (present.isEmpty() && n.isObject()) {
            n.problem("no key (expected: exactly one of jwks_url, public_key, secret)");
        }
        for (String extra : present.subList(Math.min(1, present.size()), present.size())) {
            n.get(extra).problem("set together with " + present.get(0)
                    + " (expected: exactly one of jwks_url, public_key, secret)");
        }
        String jwksUrl = jwksUrl(n.get("jwks_url"));
        String publicKey = n.get("public_key").nonEmptyText("a PEM file path");
        String secret = n.get("secret").nonEmptyText("a non-empty secret");
        boolean withSecret = !n.get("secret").isMissing();
        return new JwtIssuerConfig(
                name,
                n.get("issuer").text("an issuer like https://auth.example.com"),
                strings(n.get("audience"), "an audience"),
                jwksUrl,
                publicKey,
                secret,
                algorithms(n.get("algorithms"), withSecret),
                n.get("clock_skew").asDuration(Duration.ofSeconds(30)),
                nonEmpty(n.get("consumer_claim"), "a claim name like sub", "sub"));
    }

    private static @Nullable String jwksUrl(ConfigNode n) {
        String expected = "an https:// URL (http:// only for localhost or a loopback address)";
        String s = n.text(expected);
        if (s == null) {
            return null;
        }
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme() == null ? "" : Syntax.lower(uri.getScheme());
            String host = uri.getHost();
            // Keys fetched over plain HTTP could be swapped by anyone on the path, and with them every token.
            if (host != null && (scheme.equals("https") || (scheme.equals("http") && Syntax.isLoopbackHost(host)))) {
                return s;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        n.invalid(expected);
        return null;
    }

    private static List<String> algorithms(ConfigNode n, boolean withSecret) {
        if (n.isMissing()) {
            return withSecret ? List.of("HS256") : List.of("RS256", "ES256");
        }
        String allowed = String.join(", ", withSecret ? HMAC : ASYMMETRIC);
        List<String> out = new ArrayList<>();
        for (ConfigNode item : n.itemsOrSingle()) {
            String alg = item.text("an algorithm name");
            if (alg == null) {
                continue;
            }
            if (alg.equalsIgnoreCase("none")) {
                // An unsigned token must never pass, whatever else the issuer allows.
                item.invalid("one of " + allowed + "; never none");
            } else if (withSecret ? HMAC.contains(alg) : ASYMMETRIC.contains(alg)) {
                out.add(alg);
            } else if (HMAC.contains(alg)) {
                item.invalid("one of " + allowed + "; HS256, HS384 and HS512 only with secret");
            } else if (ASYMMETRIC.contains(alg)) {
                item.invalid("one of " + allowed + "; a secret signs only with HMAC");
            } else {
                item.invalid("one of " + allowed);
            }
        }
        if (n.isArray() && n.raw().isEmpty()) {
            n.invalid("at least one of " + allowed);
        }
        return out;
    }

    /** A string list whose items may not be empty; a single string counts as one item. */
    private static List<String> strings(ConfigNode n, String what) {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : n.itemsOrSingle()) {
            String s = item.nonEmptyText(what);
            if (s != null) {
                out.add(s);
            } else if (item.isMissing()) {
                item.invalid(what);
            }
        }
        return out;
    }

    private static String nonEmpty(ConfigNode n, String expected, String def) {
        String s = n.nonEmptyText(expected);
        return s == null ? def : s;
    }
}
