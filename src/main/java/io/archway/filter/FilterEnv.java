package io.archway.filter;

import io.archway.config.GatewayConfig;
import java.util.concurrent.Executor;

/**
 * What a filter factory may use besides its own config: the whole config (consumers, issuers), the
 * resources that outlive one config (files, caches, key sets) and an executor for blocking work.
 */
public record FilterEnv(GatewayConfig config, SharedResources shared, Executor blocking) {}
