package io.archway.runtime;

import java.util.List;

/**
 * A config change that was not applied, with the HTTP status the admin API answers: 400 (the change is
 * invalid), 404 (it names something that does not exist), 409 (it would leave the config invalid, e.g.
 * deleting an upstream a route uses), 500 (the config file could not be written).
 */
public final class ChangeException extends Exception {
    private final int status;
    private final String error;
    private final List<String> details;

    public ChangeException(int status, String error, List<String> details) {
        super(error + ": " + String.join("; ", details));
        this.status = status;
        this.error = error;
        this.details = List.copyOf(details);
    }

    public static ChangeException invalid(List<String> details) {
        return new ChangeException(400, "invalid_config", details);
    }

    public static ChangeException notFound(String what) {
        return new ChangeException(404, "not_found", List.of(what));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<String> details() {
        return details;
    }
}
