package io.archway.filter.requestid;

import io.archway.filter.RequestContext;
import io.archway.filter.requestid.RequestIdFilter.RequestIdConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
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
 * The {@code request_id} filter on one request and its response: a request without an id (one is generated),
 * and one whose valid id is passed through. The generating op also takes the id back out of the request and
 * the context, so that every op sees a request without one. Run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestIdBenchmark {
    private final RequestIdFilter filter = new RequestIdFilter(RequestIdConfig.DEFAULTS);
    private RequestContext withoutId;
    private RequestContext withId;
    private HttpResponse response;

    @Setup
    public void setUp() throws Exception {
        withoutId = context(null);
        withId = context("5f2b7c1e-9a4d-4e8b-b1c3-0d6e7f8a9b0c");
        response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("Content-Type", "application/json");
        response.headers().set("Content-Length", "1234");
        response.headers().set("Date", "Fri, 27 Nov 2026 10:00:00 GMT");
    }

    private static RequestContext context(String requestId) throws Exception {
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/users/42");
        HttpHeaders h = request.headers();
        h.set("Host", "api.example.com");
        h.set("User-Agent", "curl/8.5.0");
        h.set("Accept", "application/json");
        if (requestId != null) {
            h.set("X-Request-Id", requestId);
        }
        return new RequestContext(null, request, "/api/users/42", null, InetAddress.getByName("203.0.113.7"),
                "203.0.113.7", 1 << 20, 0, 0);
    }

    @Benchmark
    public String generated() {
        filter.onRequest(withoutId);
        filter.onResponse(withoutId, response);
        String id = withoutId.requestId();
        withoutId.request().headers().remove("X-Request-Id");
        withoutId.requestId(null);
        return id;
    }

    @Benchmark
    public String passedThrough() {
        filter.onRequest(withId);
        filter.onResponse(withId, response);
        return withId.requestId();
    }
}
