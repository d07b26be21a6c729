package io.archway.route;

/**
 * A request path that the gateway refuses to route (answered with 400); {@link #getMessage()} is a short
 * reason such as {@code "encoded slash"}, safe to show to the downstream because it never echoes the path.
 */
public final class BadPathException extends Exception {
    /** Creates the exception; the reason should be a few words, without the offending path. */
    public BadPathException(String reason) {
        // No stack trace: hostile traffic can make this common, and the reason says everything needed.
        super(reason, null, false, false);
    }
}
