package io.github.pptpalg.netty.control;

import io.github.pptpalg.codec.pptp.PptpControlDecoder;
import io.netty.channel.ChannelHandlerContext;

/**
 * The codec's {@link PptpControlDecoder} that also notes when bytes last arrived on its channel, for the
 * relay's control idle timer. A read counts when it completes, whatever it carried (part of a message,
 * several), as {@link io.netty.handler.timeout.IdleStateHandler} counts reader activity; the clock starts
 * when the channel becomes active. Confined to the channel's event loop.
 */
final class ControlFrameDecoder extends PptpControlDecoder {

    private long lastReadNanos = System.nanoTime();
    private boolean reading;

    ControlFrameDecoder(int maxLength) {
        super(maxLength);
    }

    /** {@link System#nanoTime()} at the end of the last read that brought bytes, or when the channel went active. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** True between a read and the end of its batch. */
    boolean reading() {
        return reading;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        lastReadNanos = System.nanoTime();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (reading) {
            lastReadNanos = System.nanoTime();
            reading = false;
        }
        super.channelReadComplete(ctx);
    }
}
