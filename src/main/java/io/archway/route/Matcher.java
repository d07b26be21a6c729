package io.archway.route;

import io.archway.config.RouteConfig.MatchConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parts of a route's match that are checked after path and host picked it as a candidate: methods,
 * headers and query parameters.
 */
final class Matcher {
    private final Set<String> methods;
    private final String[] headerNames;
    private final String[] headerValues;
    private final String[] queryKeys;
    private final String[] queryValues;
    private final int predicateCount;

    Matcher(MatchConfig match) {
        // RFC 9110 methods are case-sensitive and registered in upper case; "get" in YAML means GET.
        methods = match.methods().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        headerNames = new String[match.headers().size()];
        headerValues = new String[headerNames.length];
        int i = 0;
        for (Map.Entry<String, String> e : match.headers().entrySet()) {
            headerNames[i] = e.getKey().toLowerCase(Locale.ROOT);
            headerValues[i++] = e.getValue();
        }
        queryKeys = match.query().keySet().toArray(new String[0]);
        queryValues = match.query().values().toArray(new String[0]);
        predicateCount = (methods.isEmpty() ? 0 : 1) + headerNames.length + queryKeys.length;
    }

    boolean matches(MatchRequest request) {
        if (!methods.isEmpty() && !methods.contains(request.method)) {
            return false;
        }
        for (int i = 0; i < headerNames.length; i++) {
            if (!request.hasHeader(headerNames[i], headerValues[i])) {
                return false;
            }
        }
        for (int i = 0; i < queryKeys.length; i++) {
            if (!request.hasQueryParameter(queryKeys[i], queryValues[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code methods} counts as one, each header and each query key as one (DESIGN §7 "Routing"). */
    int predicateCount() {
        return predicateCount;
    }

    /** Whether some method would satisfy both; an empty set stands for every method. */
    boolean methodsOverlap(Matcher other) {
        if (methods.isEmpty() || other.methods.isEmpty()) {
            return true;
        }
        for (String m : methods) {
            if (other.methods.contains(m)) {
                return true;
            }
        }
        return false;
    }
}
