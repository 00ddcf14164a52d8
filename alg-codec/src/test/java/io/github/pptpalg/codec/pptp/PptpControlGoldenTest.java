package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.GoldenMessages.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** Every message type against bytes written by hand from RFC 2637 section 2, both directions. */
class PptpControlGoldenTest {

    static List<Golden> goldens() {
        return GoldenMessages.all();
    }

    @Test
    void fixedLengthsAreThoseOfRfc2637() {
        int[] expected = {156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24};
        PptpMessageType[] types = PptpMessageType.values();
        assertEquals(15, types.length);
        for (int i = 0; i < types.length; i++) {
            assertEquals(i + 1, types[i].value());
            assertEquals(expected[i], types[i].fixedLength(), types[i].toString());
            assertEquals(types[i], PptpMessageType.valueOf(i + 1));
        }
        List<Golden> goldens = goldens();
        for (int i = 0; i < goldens.size(); i++) {
            assertEquals(types[i], goldens.get(i).type());
            assertEquals(expected[i], goldens.get(i).bytes().length, "hand-written frame of " + types[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void decodesGoldenBytes(Golden golden) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(golden.bytes())));
        PptpMessage decoded = channel.readInbound();
        assertEquals(golden.message(), decoded);
        assertEquals(golden.type(), decoded.type());
        assertEquals(golden.bytes().length, decoded.length());
        assertEquals(0, decoded.trailerLength());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void encodesGoldenBytes(Golden golden) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlEncoder());
        assertTrue(channel.writeOutbound(golden.message()));
        ByteBuf encoded = channel.readOutbound();
        try {
            assertEquals(ByteBufUtil.hexDump(golden.bytes()), ByteBufUtil.hexDump(encoded));
        } finally {
            encoded.release();
        }
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void staticCodecMatchesGoldenBytes(Golden golden) {
        ByteBuf frame = Unpooled.wrappedBuffer(golden.bytes());
        try {
            assertEquals(golden.message(), PptpControlCodec.decode(frame));
            assertFalse(frame.isReadable());
        } finally {
            frame.release();
        }
        ByteBuf out = Unpooled.buffer();
        try {
            assertEquals(golden.bytes().length, PptpControlCodec.encode(golden.message(), out));
            assertArrayEquals(golden.bytes(), ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void callIdAccessorsAgreeWithTheFrame(Golden golden) {
        PptpMessage msg = golden.message();
        ByteBuf frame = Unpooled.wrappedBuffer(golden.bytes());
        try {
            assertEquals(PptpMessages.callId(msg), PptpControlCodec.callId(frame, 0));
            assertEquals(PptpMessages.peerCallId(msg), PptpControlCodec.peerCallId(frame, 0));
            assertEquals(PptpMessages.resultCode(msg), PptpControlCodec.resultCode(frame, 0));
            assertEquals(golden.type(), PptpControlCodec.messageType(frame, 0));
        } finally {
            frame.release();
        }
    }

    @Test
    void goldenFieldsReadBack() {
        OutgoingCallReply ocrp = (OutgoingCallReply) GoldenMessages.ocrp().message();
        assertEquals(0x35C9, ocrp.callId());
        assertEquals(0xA9C0, ocrp.peerCallId());
        assertEquals(0xFFFFFFFFL, ocrp.connectSpeed());
        assertEquals(0x80000001L, ocrp.physicalChannelId());
        assertEquals("Connected", ocrp.resultCode().description(PptpMessageType.OUTGOING_CALL_REPLY));

        StartControlConnectionRequest sccrq = (StartControlConnectionRequest) GoldenMessages.sccrq().message();
        assertEquals("pns.example.net", sccrq.hostName().asString());
        assertEquals(64, sccrq.hostName().size());
        assertEquals("pptp-alg tests", sccrq.vendorString().asString());

        StopControlConnectionRequest stop = (StopControlConnectionRequest) GoldenMessages.stopCcrq().message();
        assertEquals(0xA5, stop.reserved1());
        assertEquals(0xBEEF, stop.reserved2());
        assertEquals("Stop-Local-Shutdown", stop.reason().name());

        assertEquals(1, GoldenMessages.echoReply().message().reserved0());
        CallDisconnectNotify cdn = (CallDisconnectNotify) GoldenMessages.cdn().message();
        assertEquals("rx 10 tx 20", cdn.callStatistics().asString());
        assertEquals(128, cdn.callStatistics().size());
    }
}
