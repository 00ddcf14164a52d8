package io.github.pptpalg.netty.control;

import io.github.pptpalg.netty.PacketTap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;

/**
 * Shows the control bytes of one connection to a {@link PacketTap}, as received and as sent. Sits next to
 * the socket, so it sees TCP payload, not framed messages: a capture reassembles them as a peer would.
 */
final class ControlTapHandler extends ChannelDuplexHandler {

    private final PacketTap tap;

    ControlTapHandler(PacketTap tap) {
        this.tap = tap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            tap.controlMessage(remote(ctx), local(ctx), buf);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            tap.controlMessage(local(ctx), remote(ctx), buf);
        }
        ctx.write(msg, promise);
    }

    private static InetSocketAddress local(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().localAddress();
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
