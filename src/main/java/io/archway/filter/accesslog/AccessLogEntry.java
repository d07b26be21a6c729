package io.archway.filter.accesslog;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One request's access-log fields (DESIGN §5); turned into JSON on the writer thread, not the event loop. */
record AccessLogEntry(long timeMillis, String requestId, String client, String method, @Nullable String host,
                      String path, int status, @Nullable String route, @Nullable String upstream,
                      @Nullable String target, @Nullable String consumer, long bytesIn, long bytesOut,
                      double durationMs, double upstreamMs) {

    void appendJson(StringBuilder sb) {
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(timeMillis)).append('"');
        field(sb, "request_id", requestId);
        field(sb, "client", client);
        field(sb, "method", method);
        field(sb, "host", host);
        field(sb, "path", path);
        sb.append(",\"status\":").append(status);
        field(sb, "route", route);
        field(sb, "upstream", upstream);
        field(sb, "target", target);
        field(sb, "consumer", consumer);
        sb.append(",\"bytes_in\":").append(bytesIn);
        sb.append(",\"bytes_out\":").append(bytesOut);
        sb.append(",\"duration_ms\":").append(round(durationMs));
        sb.append(",\"upstream_ms\":");
        if (upstreamMs < 0) {
            sb.append("null");
        } else {
            sb.append(round(upstreamMs));
        }
        sb.append('}');
    }

    private static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    private static void field(StringBuilder sb, String name, @Nullable String value) {
        sb.append(",\"").append(name).append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
