package io.archway.config;

/**
 * One entry of a {@code filters} map: a filter turned on with its parsed config, or turned off
 * ({@code name: false}) so that a global filter of that name does not run on a route.
 */
public sealed interface FilterSpec {

    String name();

    record Enabled(String name, Object config) implements FilterSpec {}

    record Disabled(String name) implements FilterSpec {}
}
