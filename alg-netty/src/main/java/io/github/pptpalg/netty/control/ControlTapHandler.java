package io.github.pptpalg.netty.control;

import io.github.pptpalg.netty.PacketTap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the control bytes of one connection to a {@link PacketTap}, as received and as sent. Sits next to
 * the socket, so it sees TCP payload, not framed messages: a capture reassembles them as a peer would.
 * Holds no state of its own: one instance serves every pipeline of a control plane.
 */
@Sharable
final class ControlTapHandler extends ChannelDuplexHandler {

    private static final Logger logger = LoggerFactory.getLogger(ControlTapHandler.class);

    private final PacketTap tap;

    ControlTapHandler(PacketTap tap) {
        this.tap = tap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            show(remote(ctx), local(ctx), buf);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            show(local(ctx), remote(ctx), buf);
        }
        ctx.write(msg, promise);
    }

    /** A tap that fails must not cost the connection its bytes: it is logged and ignored. */
    private void show(InetSocketAddress source, InetSocketAddress destination, ByteBuf buf) {
        try {
            tap.controlMessage(source, destination, buf);
        } catch (RuntimeException e) {
            logger.debug("packet tap {} failed", tap, e);
        }
    }

    private static InetSocketAddress local(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().localAddress();
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
