package io.archway.config;

import java.util.Set;

/**
 * The filter families the loader accepts under {@code filters}: each parses its own config record.
 * Implemented by the filter registry, so that config does not need to know every family.
 */
public interface FilterCatalog {

    /** Every filter name a config may use, implemented or not. */
    Set<String> names();

    /** False for names that are part of the contract but not built yet ("not supported yet"). */
    boolean isSupported(String name);

    /** Parses one filter's config; problems go to the node's problem list with their paths. */
    Object parse(String name, ConfigNode node);
}
