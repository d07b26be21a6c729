package io.archway.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last few minutes of one route, one point per second: what the dashboard charts. */
public final class RouteSeries {
    static final int CAPACITY = 300;

    /** One second of a route: requests/s, 5xx/s, and p50/p99 latency in ms (NaN without requests). */
    public record Point(long epochSecond, double rate, double errorRate, double p50Millis, double p99Millis) {}

    private final ArrayDeque<Point> points = new ArrayDeque<>(CAPACITY);
    private RouteStats.Sample last;
    private long lastNanos;

    RouteSeries(RouteStats.Sample first, long nanos) {
        this.last = first;
        this.lastNanos = nanos;
    }

    synchronized void add(RouteStats.Sample now, long nanos, long epochSecond) {
        double seconds = Math.max(1e-3, (nanos - lastNanos) / 1e9);
        long requests = now.requests() - last.requests();
        long errors = now.errors() - last.errors();
        Point p = new Point(epochSecond, requests / seconds, errors / seconds,
                now.quantileMillis(last, 0.50), now.quantileMillis(last, 0.99));
        if (points.size() == CAPACITY) {
            points.removeFirst();
        }
        points.addLast(p);
        last = now;
        lastNanos = nanos;
    }

    public synchronized List<Point> points() {
        return new ArrayList<>(points);
    }
}
