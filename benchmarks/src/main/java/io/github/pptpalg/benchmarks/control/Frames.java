package io.github.pptpalg.benchmarks.control;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The scripted peers' wire messages: each is encoded once with {@link PptpControlCodec} into a template, and
 * sent as a copy of that template with its Call IDs patched in place, so the peers spend as little of the
 * shared CPU as possible. Received frames are read in place with the codec's accessors.
 */
final class Frames {

    static final int MAX_FRAME = 1024;

    static final byte[] SCCRQ = encode(StartControlConnectionRequest.builder()
            .protocolVersion(0x0100).framingCapabilities(1).bearerCapabilities(1).firmwareRevision(1)
            .hostName("pns.bench").vendorString("pptp-alg control-plane benchmark").build());
    static final byte[] SCCRP = encode(StartControlConnectionReply.builder()
            .protocolVersion(0x0100).resultCode(ResultCode.OK).framingCapabilities(1).bearerCapabilities(1)
            .maximumChannels(65535).firmwareRevision(1)
            .hostName("pac.bench").vendorString("pptp-alg control-plane benchmark").build());
    static final byte[] OCRQ = encode(OutgoingCallRequest.builder()
            .callId(0).callSerialNumber(1).minimumBps(2400).maximumBps(100_000_000).bearerType(3).framingType(3)
            .packetRecvWindowSize(64).packetProcessingDelay(0).phoneNumber("").subaddress("").build());
    static final byte[] OCRP = encode(OutgoingCallReply.builder()
            .callId(0).peerCallId(0).resultCode(ResultCode.OCRP_CONNECTED).connectSpeed(100_000_000)
            .packetRecvWindowSize(64).build());
    static final byte[] CCRQ = encode(CallClearRequest.builder().callId(0).build());
    static final byte[] CDN = encode(CallDisconnectNotify.builder().callId(0).resultCode(ResultCode.CDN_REQUEST)
            .build());
    static final byte[] STOP_CCRQ = encode(StopControlConnectionRequest.builder().reason(StopReason.NONE).build());
    static final byte[] STOP_CCRP = encode(StopControlConnectionReply.builder().resultCode(ResultCode.OK).build());

    private Frames() {
    }

    private static byte[] encode(PptpMessage msg) {
        ByteBuf buf = Unpooled.buffer(msg.length());
        PptpControlCodec.encode(msg, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Splits the TCP stream into PPTP messages by their Length field. */
    static LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 2, -2, 0);
    }

    /** Writes a copy of {@code template} with its Call ID ({@code -1}: unchanged) and Peer Call ID patched. */
    static void send(ChannelHandlerContext ctx, byte[] template, int callId, int peerCallId) {
        ByteBuf buf = ctx.alloc().buffer(template.length);
        buf.writeBytes(template);
        if (callId >= 0) {
            PptpControlCodec.setCallId(buf, 0, callId);
        }
        if (peerCallId >= 0) {
            PptpControlCodec.setPeerCallId(buf, 0, peerCallId);
        }
        ctx.writeAndFlush(buf, ctx.voidPromise());
    }

    /**
     * The type of the frame at its reader index, or null if it is no well-formed control message (wrong magic
     * cookie, unknown type, shorter than its type's fixed length).
     */
    static PptpMessageType type(ByteBuf frame) {
        int at = frame.readerIndex();
        if (frame.readableBytes() < PptpControlCodec.HEADER_LENGTH
                || frame.getInt(at + 4) != PptpControlCodec.MAGIC_COOKIE) {
            return null;
        }
        PptpMessageType type = PptpControlCodec.messageType(frame, at);
        return type == null || frame.readableBytes() < type.fixedLength() ? null : type;
    }
}
