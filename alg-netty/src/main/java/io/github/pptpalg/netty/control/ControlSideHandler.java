package io.github.pptpalg.netty.control;

import io.github.pptpalg.codec.pptp.PptpControlEncoder;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.core.session.Side;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of one side's pipeline: hands decoded messages, errors, writability and the end of the
 * connection to the {@link ControlRelay} that joins both sides, and encodes the {@link PptpMessage}s written
 * to the channel (through the codec's shared {@link PptpControlEncoder}, so one pipeline stage does both:
 * every stage costs each connection a context). Runs on the relay's event loop.
 */
final class ControlSideHandler extends ChannelDuplexHandler {

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
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        PptpControlEncoder.INSTANCE.write(ctx, msg, promise);
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
