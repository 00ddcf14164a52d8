package io.github.pptpalg.codec.pptp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Splits the byte stream of a PPTP control connection into control messages and decodes each into a
 * {@link PptpMessage}. A message may arrive split across any number of reads, several may arrive in one.
 *
 * <p>Checks, in this order, each as soon as the bytes it needs have arrived: Length at least 12 (the
 * header), Length at most the limit, Magic Cookie 0x1A2B3C4D, PPTP Message Type 1, Control Message Type
 * 1..15, Length at least the fixed length of that type. A failed check raises a
 * {@link PptpProtocolException}; from then on the decoder discards all input, since the stream can no
 * longer be framed and the connection is to be closed.
 */
public class PptpControlDecoder extends ByteToMessageDecoder {

    private final int maxLength;
    private boolean failed;

    /** Creates a decoder accepting messages up to {@value PptpControlCodec#DEFAULT_MAX_LENGTH} bytes. */
    public PptpControlDecoder() {
        this(PptpControlCodec.DEFAULT_MAX_LENGTH);
    }

    /**
     * Creates a decoder accepting messages up to {@code maxLength} bytes (Length field, header included).
     *
     * @throws IllegalArgumentException if {@code maxLength} is not 220..65535 (every message type must fit)
     */
    public PptpControlDecoder(int maxLength) {
        if (maxLength < PptpControlCodec.MIN_MAX_LENGTH || maxLength > 0xFFFF) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: "
                    + PptpControlCodec.MIN_MAX_LENGTH + "..65535)");
        }
        this.maxLength = maxLength;
    }

    /** The largest Length accepted. */
    public int maxLength() {
        return maxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < 2) {
            return;
        }
        int start = in.readerIndex();
        try {
            int length = PptpControlCodec.checkLength(in.getUnsignedShort(start), maxLength);
            if (readable < PptpControlCodec.HEADER_LENGTH) {
                return;
            }
            PptpMessageType type = PptpControlCodec.checkHeader(in, start, length);
            if (readable < length) {
                return;
            }
            out.add(PptpControlCodec.read(type, in, start, length));
            in.skipBytes(length);
        } catch (PptpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
