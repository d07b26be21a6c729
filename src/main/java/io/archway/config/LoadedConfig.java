package io.archway.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A valid config and the YAML tree it was read from, as written: {@code ${NAME}} placeholders are
 * unexpanded there, so that writing the config back (admin API) never writes an expanded secret.
 * Each load makes a new tree; a caller that edits it edits only its own copy.
 */
public record LoadedConfig(GatewayConfig config, JsonNode written) {}
