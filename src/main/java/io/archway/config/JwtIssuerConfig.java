package io.archway.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A token issuer the gateway trusts; exactly one of jwksUrl, publicKey (a PEM file) and secret is set. */
public record JwtIssuerConfig(String name, @Nullable String issuer, List<String> audience,
                              @Nullable String jwksUrl, @Nullable String publicKey, @Nullable String secret,
                              List<String> algorithms, Duration clockSkew, String consumerClaim) {
    public JwtIssuerConfig {
        audience = List.copyOf(audience);
        algorithms = List.copyOf(algorithms);
    }
}
