package io.archway.filter.auth.jwt;

/**
 * Why a token was not accepted. The descriptions are fixed text: they go into {@code error_description}
 * and debug logs, so nothing from the token (a kid, an algorithm name) is ever echoed.
 */
enum Reason implements Verdict {
    TOO_LARGE("token larger than 16 KB"),
    MALFORMED("malformed token"),
    ALGORITHM_NOT_ALLOWED("signing algorithm not allowed"),
    CRITICAL_HEADER("critical header parameters are not supported"),
    UNKNOWN_KEY("unknown signing key"),
    BAD_SIGNATURE("invalid signature"),
    NO_EXPIRY("token has no exp claim"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid"),
    ISSUED_IN_FUTURE("token issued in the future"),
    WRONG_ISSUER("wrong issuer"),
    WRONG_AUDIENCE("wrong audience"),
    NO_CONSUMER("token does not name a consumer"),
    /** Not the token's fault: the issuer's keys were never fetched. Answered with 503, not 401. */
    KEYS_UNAVAILABLE("signing keys unavailable");

    final String description;

    Reason(String description) {
        this.description = description;
    }
}
