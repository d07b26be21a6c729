package io.archway.config;

/** Cluster mode: the Redis that nodes share state through. */
public record ClusterConfig(String redis, boolean failOpen) {}
