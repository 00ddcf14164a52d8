package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes {@link PptpMessage}s into their RFC 2637 wire form, byte for byte as decoded (reserved fields
 * and trailer included). Stateless: one instance may be shared by every pipeline.
 */
@Sharable
public class PptpControlEncoder extends MessageToByteEncoder<PptpMessage> {

    /** A shared instance. */
    public static final PptpControlEncoder INSTANCE = new PptpControlEncoder();

    /** Creates an encoder. */
    public PptpControlEncoder() {
        super(PptpMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, PptpMessage msg, boolean preferDirect) {
        int length = msg.length();
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PptpMessage msg, ByteBuf out) {
        PptpControlCodec.encode(msg, out);
    }
}
