package io.github.pptpalg.examples;

import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for monitoring, on its own one-thread event loop group:
 * <ul>
 *   <li>{@code GET /metrics}: the counters in Prometheus' text format 0.0.4 ({@link PrometheusText});</li>
 *   <li>{@code GET /sessions}: the live control connections and calls with their Call ID translations, as JSON
 *       ({@link SessionsJson});</li>
 *   <li>any other path: 404; another method on those two paths: 405 with {@code Allow: GET}.</li>
 * </ul>
 * The data comes from suppliers (for the launcher: {@code PptpAlg::metrics} and {@code PptpAlg::sessions}),
 * called on the server's thread for each request. Requests with a body over 8 KiB are refused (413); a
 * connection idle for 60 s is closed.
 */
public final class MetricsHttpServer implements Closeable {

    private static final Logger logger = LoggerFactory.getLogger(MetricsHttpServer.class);

    static final int MAX_REQUEST_BYTES = 8192;
    static final int READ_TIMEOUT_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel serverChannel;

    private MetricsHttpServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds {@code address} (port 0: any free port) and serves until {@link #close()}.
     *
     * @throws IOException if the address cannot be bound (in use, not local, no permission); the message names it
     */
    public static MetricsHttpServer start(InetSocketAddress address, Supplier<MetricsSnapshot> metrics,
            Supplier<List<ConnectionSnapshot>> sessions) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(sessions, "sessions");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pptp-alg-metrics", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new RequestHandler(metrics, sessions));
                    }
                });
        try {
            Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
            MetricsHttpServer server = new MetricsHttpServer(group, channel);
            logger.info("Metrics on http://{}/metrics and /sessions", SessionsJson.address(server.localAddress()));
            return server;
        } catch (Exception e) { // bind failures surface as checked exceptions thrown sneakily
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot serve metrics on " + SessionsJson.address(address) + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (with the actual port). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening, closes open connections and the event loop. Idempotent; waits at most about 3 s. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    static FullHttpResponse respond(FullHttpRequest request, Supplier<MetricsSnapshot> metrics,
            Supplier<List<ConnectionSnapshot>> sessions) {
        if (!request.decoderResult().isSuccess()) {
            return text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean metricsPath = path.equals("/metrics");
        boolean sessionsPath = path.equals("/sessions");
        if (!metricsPath && !sessionsPath) {
            return text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics or /sessions\n");
        }
        if (!request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET");
            return response;
        }
        try {
            return metricsPath
                    ? response(HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE, PrometheusText.format(metrics.get()))
                    : response(HttpResponseStatus.OK, SessionsJson.CONTENT_TYPE, SessionsJson.format(sessions.get()));
        } catch (RuntimeException e) {
            logger.warn("GET {} failed", path, e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Supplier<MetricsSnapshot> metrics;
        private final Supplier<List<ConnectionSnapshot>> sessions;

        RequestHandler(Supplier<MetricsSnapshot> metrics, Supplier<List<ConnectionSnapshot>> sessions) {
            this.metrics = metrics;
            this.sessions = sessions;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response = respond(request, metrics, sessions);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            logger.debug("Metrics connection {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
