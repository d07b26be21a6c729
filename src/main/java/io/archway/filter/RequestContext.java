package io.archway.filter;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Per-request state shared by the filters of one exchange. Confined to the request's event loop:
 * nothing here is thread-safe, and nothing needs to be.
 */
public final class RequestContext {
    private final Channel channel;
    private final HttpRequest request;
    private final String path;
    private final @Nullable String rawQuery;
    private final InetAddress clientAddress;
    private final String clientIp;
    private final long startNanos;
    private final long startMillis;

    private @Nullable String requestId;
    private @Nullable String route;
    private Map<String, String> pathParams = Map.of();
    private @Nullable String consumer;
    private List<String> consumerGroups = List.of();
    private long maxBodySize;

    private int status;
    private long bytesIn;
    private long bytesOut;
    private @Nullable String upstream;
    private @Nullable String target;
    private long upstreamNanos = -1;
    private @Nullable Map<Key<?>, Object> attributes;

    public RequestContext(Channel channel, HttpRequest request, String path, @Nullable String rawQuery,
                          InetAddress clientAddress, String clientIp, long maxBodySize,
                          long startNanos, long startMillis) {
        this.channel = channel;
        this.request = request;
        this.path = path;
        this.rawQuery = rawQuery;
        this.clientAddress = clientAddress;
        this.clientIp = clientIp;
        this.maxBodySize = maxBodySize;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
    }

    public Channel channel() {
        return channel;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** The request as it will be sent upstream: filters may change its headers. */
    public HttpRequest request() {
        return request;
    }

    public String method() {
        return request.method().name();
    }

    /** The normalised path the route matched (DESIGN §7 "Paths"). */
    public String path() {
        return path;
    }

    public @Nullable String rawQuery() {
        return rawQuery;
    }

    /** The client address of DESIGN §7: the peer, or the right-most untrusted X-Forwarded-For hop. */
    public InetAddress clientAddress() {
        return clientAddress;
    }

    public String clientIp() {
        return clientIp;
    }

    public long startNanos() {
        return startNanos;
    }

    public long startMillis() {
        return startMillis;
    }

    /** The request id of logs and error bodies; generated on first use unless a filter set one. */
    public String requestId() {
        String id = requestId;
        if (id == null) {
            id = RequestIds.next();
            requestId = id;
        }
        return id;
    }

    public void requestId(String id) {
        this.requestId = id;
    }

    public @Nullable String route() {
        return route;
    }

    public void route(@Nullable String route) {
        this.route = route;
    }

    /** Variables bound by a template path such as {@code /users/{id}}. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    public void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    /** The authenticated consumer, or null. */
    public @Nullable String consumer() {
        return consumer;
    }

    public List<String> consumerGroups() {
        return consumerGroups;
    }

    public void consumer(String name, List<String> groups) {
        this.consumer = name;
        this.consumerGroups = groups;
    }

    /** The most request body bytes this request may send; filters may lower it. */
    public long maxBodySize() {
        return maxBodySize;
    }

    public void maxBodySize(long max) {
        this.maxBodySize = max;
    }

    /** The status sent to the client, once known. */
    public int status() {
        return status;
    }

    public void status(int status) {
        this.status = status;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public void addBytesIn(long n) {
        bytesIn += n;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public void addBytesOut(long n) {
        bytesOut += n;
    }

    public @Nullable String upstream() {
        return upstream;
    }

    public void upstream(@Nullable String upstream) {
        this.upstream = upstream;
    }

    /** The target that answered (host:port), or null. */
    public @Nullable String target() {
        return target;
    }

    public void target(@Nullable String target) {
        this.target = target;
    }

    /** Nanoseconds from sending the request upstream to the response head, or -1. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void upstreamNanos(long nanos) {
        this.upstreamNanos = nanos;
    }

    /** Per-request state a filter family keeps for its response hooks. */
    @SuppressWarnings("unchecked")
    public <T> @Nullable T get(Key<T> key) {
        return attributes == null ? null : (T) attributes.get(key);
    }

    public <T> void put(Key<T> key, T value) {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        attributes.put(key, value);
    }

    /** A typed attribute key; compare by identity, so declare each as a constant. */
    public static final class Key<T> {
        private final String name;

        public Key(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
