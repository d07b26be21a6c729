package io.archway.filter.auth;

import io.archway.config.ConsumerConfig;
import io.archway.config.GatewayConfig;
import io.archway.filter.FilterEnv;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The consumers of one config, indexed for the request path: by name, by API key and by basic-auth
 * user. API keys are held only as SHA-256 digests and found by a hash-map lookup on the digest, so a
 * lookup neither scans the consumers nor compares a secret byte by byte.
 */
public final class Consumers {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Consumers::newSha256);

    private final Map<String, ConsumerConfig> byName;
    private final Map<Digest, ConsumerConfig> byKey;
    private final Map<String, byte[]> passwordHashes;

    Consumers(Map<String, ConsumerConfig> consumers) {
        this.byName = Map.copyOf(consumers);
        this.byKey = new HashMap<>(consumers.size() * 2);
        this.passwordHashes = new HashMap<>();
        for (ConsumerConfig c : consumers.values()) {
            for (String key : c.apiKeys()) {
                byKey.put(new Digest(sha256(key)), c);
            }
            if (c.basicAuth() != null) {
                passwordHashes.put(c.name(), HexFormat.of().parseHex(c.basicAuth().passwordSha256()));
            }
        }
    }

    /** The index of env's config, built once per config. */
    public static Consumers of(FilterEnv env) {
        return PerConfig.get(env, "auth.consumers", (GatewayConfig c) -> new Consumers(c.consumers()));
    }

    public static Consumers of(GatewayConfig config) {
        return new Consumers(config.consumers());
    }

    public @Nullable ConsumerConfig byName(String name) {
        return byName.get(name);
    }

    /** The groups of a configured consumer; none for a name the config does not know. */
    public List<String> groups(String name) {
        ConsumerConfig c = byName.get(name);
        return c == null ? List.of() : c.groups();
    }

    public @Nullable ConsumerConfig byApiKey(String key) {
        return byKey.get(new Digest(sha256(key)));
    }

    /**
     * The consumer whose basic-auth password this is. The digest is compared in constant time, and an
     * unknown user costs one comparison too, so the answer time tells nothing about which part was wrong.
     */
    public @Nullable ConsumerConfig byPassword(String user, String password) {
        byte[] given = sha256(password);
        byte[] expected = passwordHashes.get(user);
        boolean ok = MessageDigest.isEqual(given, expected == null ? new byte[given.length] : expected);
        return ok && expected != null ? byName.get(user) : null;
    }

    static byte[] sha256(String s) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** A SHA-256 digest as a map key. */
    private static final class Digest {
        private final byte[] bytes;
        private final int hash;

        Digest(byte[] bytes) {
            this.bytes = bytes;
            // The digest is uniformly distributed already: its first four bytes are a fine hash.
            this.hash = (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
