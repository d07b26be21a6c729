package io.archway.filter.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import io.archway.config.ConfigPath;
import io.archway.config.JwtIssuerConfig;
import io.archway.config.Problems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** The keys of an issuer configured with {@code secret} or {@code public_key}, and their checks. */
final class IssuerKeys {
    private static final String PEM_EXPECTED = "a PEM file with a PUBLIC KEY or a CERTIFICATE (RSA of 2048 bits or more, "
            + "EC P-256 or P-384, or Ed25519)";

    private IssuerKeys() {}

    /** The bytes an HMAC secret must have for each algorithm (RFC 7518 §3.2: at least the hash size). */
    static int minSecretBytes(JWSAlgorithm alg) {
        if (JWSAlgorithm.HS512.equals(alg)) {
            return 64;
        }
        if (JWSAlgorithm.HS384.equals(alg)) {
            return 48;
        }
        return 32;
    }

    /** Reports an issuer's key problems at {@code jwt.<name>.*}: too short a secret, an unusable PEM file. */
    static void check(JwtIssuerConfig issuer, Problems problems) {
        ConfigPath at = ConfigPath.root().field("jwt").field(issuer.name());
        if (issuer.secret() != null) {
            int bytes = issuer.secret().getBytes(StandardCharsets.UTF_8).length;
            for (String a : issuer.algorithms()) {
                int min = minSecretBytes(JWSAlgorithm.parse(a));
                if (bytes < min) {
                    // The length, never the secret.
                    problems.add(at.field("secret"), bytes + " bytes (expected: at least " + min + " bytes for " + a + ")");
                    break;
                }
            }
        }
        if (issuer.publicKey() != null) {
            KeySet.Key key;
            try {
                key = KeySet.forPublicKey(null, readPem(Path.of(issuer.publicKey())), null);
            } catch (NoSuchFileException e) {
                problems.add(at.field("public_key"), "\"" + issuer.publicKey() + "\" (expected: " + PEM_EXPECTED
                        + "; no such file)");
                return;
            } catch (IOException | GeneralSecurityException | JOSEException | IllegalArgumentException e) {
                problems.add(at.field("public_key"), "\"" + issuer.publicKey() + "\" (expected: " + PEM_EXPECTED
                        + "; " + e.getMessage() + ")");
                return;
            }
            if (key == null) {
                problems.add(at.field("public_key"), "\"" + issuer.publicKey() + "\" (expected: " + PEM_EXPECTED + ")");
                return;
            }
            List<String> usable = new ArrayList<>();
            for (String a : issuer.algorithms()) {
                if (key.algorithms().contains(JWSAlgorithm.parse(a))) {
                    usable.add(a);
                }
            }
            if (usable.size() != issuer.algorithms().size()) {
                List<String> can = key.algorithms().stream().map(JWSAlgorithm::getName).sorted().toList();
                problems.add(at.field("algorithms"), issuer.algorithms() + " (expected: algorithms this public_key "
                        + "verifies: " + String.join(", ", can) + ")");
            }
        }
    }

    /** The key set of a secret or public_key issuer; only called for a config that {@link #check} passed. */
    static KeySet staticKeys(JwtIssuerConfig issuer) {
        try {
            if (issuer.secret() != null) {
                Set<JWSAlgorithm> algs = Set.copyOf(issuer.algorithms().stream().map(JWSAlgorithm::parse).toList());
                return KeySet.of(new KeySet.Key(null, algs,
                        new MACVerifier(issuer.secret().getBytes(StandardCharsets.UTF_8))));
            }
            KeySet.Key key = KeySet.forPublicKey(null, readPem(Path.of(issuer.publicKey())), null);
            if (key == null) {
                throw new IllegalStateException("jwt." + issuer.name() + ".public_key: no usable key");
            }
            return KeySet.of(key);
        } catch (IOException | GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("jwt." + issuer.name() + ": " + e.getMessage(), e);
        }
    }

    /** A public key from a PEM file: {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) or {@code CERTIFICATE}. */
    static PublicKey readPem(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            byte[] der = body(pem, "CERTIFICATE");
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        }
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new GeneralSecurityException("no PUBLIC KEY or CERTIFICATE block");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(body(pem, "PUBLIC KEY"));
        for (String type : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(type).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                // try the next type
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or Ed25519 public key");
    }

    private static byte[] body(String pem, String type) throws GeneralSecurityException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new GeneralSecurityException("no complete " + type + " block");
        }
        String b64 = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the " + type + " block is not base64");
        }
    }
}
