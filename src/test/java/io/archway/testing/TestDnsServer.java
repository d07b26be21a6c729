package io.archway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.archway.proxy.Transports;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (UDP, port chosen by the OS) that knows one name: it answers A queries for
 * it with the addresses a test sets, AAAA queries with nothing, and other names with NXDOMAIN.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final EventLoopGroup LOOPS = Transports.group(1, "test-dns");

    private final String name;
    private volatile List<String> addresses;
    private final AtomicInteger queries = new AtomicInteger();
    private final Channel channel;

    public TestDnsServer(String name, List<String> addresses) {
        this.name = name.toLowerCase(Locale.ROOT);
        this.addresses = List.copyOf(addresses);
        this.channel = new Bootstrap()
                .group(LOOPS)
                .channel(Transports.datagramChannel())
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answerer());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** From now on the name resolves to these IPv4 addresses. */
    public void answer(List<String> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    public int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) throws UnknownHostException {
            queries.incrementAndGet();
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse r = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            r.setRecursionAvailable(true);
            r.addRecord(DnsSection.QUESTION, q);
            String asked = q.name().toLowerCase(Locale.ROOT);
            if (asked.endsWith(".")) {
                asked = asked.substring(0, asked.length() - 1);
            }
            if (!asked.equals(name)) {
                r.setCode(DnsResponseCode.NXDOMAIN);
            } else if (q.type() == DnsRecordType.A) {
                for (String a : addresses) {
                    byte[] ip = InetAddress.getByName(a).getAddress();
                    r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name(), DnsRecordType.A, 0,
                            Unpooled.wrappedBuffer(ip)));
                }
            }
            ctx.writeAndFlush(r);
        }
    }
}
