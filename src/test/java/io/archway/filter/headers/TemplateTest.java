package io.archway.filter.headers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.archway.config.ConfigNode;
import io.archway.config.ConfigPath;
import io.archway.config.Interpolator;
import io.archway.config.Problems;
import io.archway.filter.RequestContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static Template compile(String text) {
        Problems problems = new Problems();
        Template t = Template.compile(text,
                new ConfigNode(new TextNode(text), ConfigPath.root().field("v"), problems, Interpolator.of(Map.of())));
        assertThat(problems.lines()).isEmpty();
        assertThat(t).isNotNull();
        return t;
    }

    private static RequestContext request(String route, String clientIp) {
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set("X-Org", "acme");
        RequestContext ctx = new RequestContext(null, req, "/", null, InetAddress.getLoopbackAddress(), clientIp,
                1024, 0, 0);
        ctx.route(route);
        ctx.requestId("r1");
        return ctx;
    }

    @Test
    void rendersEachPartInOrder() {
        RequestContext ctx = request("api", "203.0.113.7");
        assertThat(compile("ip=${client_ip}").render(ctx)).isEqualTo("ip=203.0.113.7");
        assertThat(compile("${client_ip}").render(ctx)).isEqualTo("203.0.113.7");
        assertThat(compile("${header.X-Org}/${consumer}/${request_id}").render(ctx)).isEqualTo("acme//r1");
        assertThat(compile("${consumer}${consumer}").render(ctx)).isEmpty();
        assertThat(compile("plain ${UNKNOWN}").render(ctx)).isEqualTo("plain ${UNKNOWN}");
    }

    @Test
    void aValueOfTheRouteAloneIsRenderedOncePerRoute() {
        Template t = compile("archway/${route}");
        String first = t.render(request("api", "203.0.113.7"));
        assertThat(first).isEqualTo("archway/api");
        assertThat(t.render(request("api", "198.51.100.1"))).isSameAs(first);
        assertThat(t.render(request("admin", "203.0.113.7"))).isEqualTo("archway/admin");
        assertThat(t.render(request("api", "203.0.113.7"))).isEqualTo("archway/api");
    }

    @Test
    void aValueOfTheClientIsRenderedPerRequest() {
        Template t = compile("ip=${client_ip} via ${route}");
        assertThat(t.render(request("api", "203.0.113.7"))).isEqualTo("ip=203.0.113.7 via api");
        assertThat(t.render(request("api", "198.51.100.1"))).isEqualTo("ip=198.51.100.1 via api");
    }
}
