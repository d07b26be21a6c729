package io.archway.filter.auth.jwt;

/** What checking a token found: a {@link Verified} token, or a {@link Reason} it was not accepted. */
sealed interface Verdict permits Verified, Reason {}
