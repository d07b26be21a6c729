package io.archway.filter.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One logger for every authentication denial, so {@code io.archway.filter.auth=debug} shows them all. */
final class AuthLog {
    static final Logger LOG = LoggerFactory.getLogger("io.archway.filter.auth");

    private AuthLog() {}
}
