package io.github.pptpalg.netty.control;

import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.core.session.Side;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of one side's pipeline: hands decoded messages, errors, idleness, writability and the
 * end of the connection to the {@link ControlRelay} that joins both sides. Runs on the relay's event loop.
 */
final class ControlSideHandler extends ChannelInboundHandlerAdapter {

    private final Side side;
    private ControlRelay relay;

    ControlSideHandler(Side side, ControlRelay relay) {
        this.side = side;
        this.relay = relay;
    }

    /** For the accepted side, whose relay is created once the channel is active. */
    void relay(ControlRelay relay) {
        this.relay = relay;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PptpMessage message && relay != null) {
            relay.onMessage(side, message);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.onReadComplete(side);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.onWritabilityChanged(side, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && relay != null) {
            relay.onIdle(side);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (relay != null) {
            relay.onError(side, cause);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.onInactive(side);
        }
        ctx.fireChannelInactive();
    }
}
