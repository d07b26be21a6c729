package io.archway.filter;

/**
 * When a filter runs on the request path, in this order; response hooks run in reverse. Taken from
 * DESIGN §2's filter table, so that e.g. a rate limit keyed by consumer always sees the authenticated one.
 */
public enum Phase {
    /** request_id, tracing, access_log: see every request first and every response last. */
    OBSERVE,
    ACCESS,
    AUTHN,
    AUTHZ,
    LIMIT,
    CACHE,
    TRANSFORM
}
