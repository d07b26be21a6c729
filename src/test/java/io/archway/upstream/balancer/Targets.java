package io.archway.upstream.balancer;

import io.archway.config.HostPort;
import io.archway.filter.RequestContext;
import io.archway.upstream.Target;
import io.archway.upstream.TargetSnapshot;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Targets, snapshots and requests for balancer tests: no sockets. */
final class Targets {
    private Targets() {}

    static Target target(int port, int weight) {
        return new Target(new HostPort("127.0.0.1", port), weight);
    }

    static List<Target> equal(int n) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(target(10_000 + i, 1));
        }
        return out;
    }

    static TargetSnapshot snapshot(List<Target> targets) {
        return TargetSnapshot.allHealthy(targets);
    }

    /** A request from {@code ip} for {@code path?query} with the given headers. */
    static RequestContext request(String ip, String path, String query, Map<String, String> headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                query == null ? path : path + "?" + query);
        headers.forEach((k, v) -> req.headers().set(k, v));
        try {
            return new RequestContext(null, req, path, query, InetAddress.getByName(ip), ip, 1 << 20, 0, 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RequestContext fromIp(String ip) {
        return request(ip, "/", null, Map.of());
    }
}
