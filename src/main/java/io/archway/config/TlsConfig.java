package io.archway.config;

import java.util.List;

/** The HTTPS listener: addresses and the certificates SNI chooses from. */
public record TlsConfig(List<HostPort> listen, List<CertificateConfig> certificates) {
    public TlsConfig {
        listen = List.copyOf(listen);
        certificates = List.copyOf(certificates);
    }

    /** One PEM certificate chain and its private key, as file paths. */
    public record CertificateConfig(String cert, String key) {}
}
