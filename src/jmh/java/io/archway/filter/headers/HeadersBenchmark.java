package io.archway.filter.headers;

import io.archway.config.FilterSpec;
import io.archway.config.Interpolator;
import io.archway.config.RouteConfig;
import io.archway.filter.RequestContext;
import io.archway.runtime.Configs;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The README's {@code request_headers} and {@code response_headers} example, plus a request header that mixes
 * text with a per-request value, applied to one request and its response as the filters run per request. The
 * request op also removes the header its {@code add} appended, so that every op sees the request as the client
 * sent it; the response, like most, carries neither of the headers the rules remove. Run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeadersBenchmark {
    private static final AsciiString X_ROUTE = AsciiString.cached("X-Route");

    private RequestHeadersFilter requestFilter;
    private ResponseHeadersFilter responseFilter;
    private RequestContext ctx;
    private HttpHeaders requestHeaders;
    private HttpResponse response;

    @Setup
    public void setUp() throws Exception {
        String yaml = """
                upstreams:
                  api: {targets: [{address: 127.0.0.1:9001}]}
                routes:
                  - name: api
                    match: {path: /api/**}
                    upstream: api
                    filters:
                      request_headers:
                        set: {X-Correlation-Id: "${request_id}", X-Client-Ip: "${client_ip}",
                              X-Client: "ip=${client_ip}", X-Env: "${DEPLOY_ENV:-dev}"}
                        add: {X-Route: "${route}"}
                        remove: [X-Debug]
                      response_headers:
                        set: {Strict-Transport-Security: max-age=31536000, X-Served-By: "archway/${route}"}
                        remove: [Server, X-Powered-By]
                """;
        RouteConfig route = Configs.parse(yaml, "bench.yaml", Interpolator.of(Map.of())).config().routes().get(0);
        requestFilter = new RequestHeadersFilter(rules(route, "request_headers"));
        responseFilter = new ResponseHeadersFilter(rules(route, "response_headers"));

        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/users/42");
        requestHeaders = request.headers();
        requestHeaders.set("Host", "api.example.com");
        requestHeaders.set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0");
        requestHeaders.set("Accept", "application/json");
        requestHeaders.set("Accept-Encoding", "gzip, deflate, br");
        requestHeaders.set("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        requestHeaders.set("X-Forwarded-For", "203.0.113.7");
        requestHeaders.set("X-Forwarded-Proto", "https");
        requestHeaders.set("X-Request-Id", "8f14e45fceea167a5a36dedd4bea2543");
        ctx = new RequestContext(null, request, "/api/users/42", null, InetAddress.getByName("203.0.113.7"),
                "203.0.113.7", 1 << 20, 0, 0);
        ctx.route("api");
        ctx.requestId("8f14e45fceea167a5a36dedd4bea2543");
        responseFilter.onRequest(ctx);

        response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("Content-Type", "application/json");
        response.headers().set("Content-Length", "1234");
        response.headers().set("Date", "Fri, 27 Nov 2026 10:00:00 GMT");
        response.headers().set("Cache-Control", "no-store");
    }

    private static HeaderRules rules(RouteConfig route, String filter) {
        return (HeaderRules) ((FilterSpec.Enabled) route.filters().get(filter)).config();
    }

    @Benchmark
    public HttpHeaders request() {
        requestFilter.onRequest(ctx);
        requestHeaders.remove(X_ROUTE);
        return requestHeaders;
    }

    @Benchmark
    public HttpResponse response() {
        responseFilter.onResponse(ctx, response);
        return response;
    }
}
