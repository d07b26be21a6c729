package io.archway.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A caller the gateway knows: its API keys, basic-auth credentials and groups. */
public record ConsumerConfig(String name, List<String> apiKeys, @Nullable BasicAuthConfig basicAuth,
                             List<String> groups) {
    public ConsumerConfig {
        apiKeys = List.copyOf(apiKeys);
        groups = List.copyOf(groups);
    }

    /** Basic-auth credentials; the password only as its lower-case hex SHA-256. */
    public record BasicAuthConfig(String passwordSha256) {}
}
