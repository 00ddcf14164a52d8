package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.GoldenMessages.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

/** The message records, PptpString, the open code types and the message type enum. */
class PptpModelTest {

    static List<Golden> goldens() {
        return GoldenMessages.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void toBuilderBuildsAnEqualMessage(Golden golden) {
        PptpMessage msg = golden.message();
        assertEquals(msg, rebuilt(msg));
        assertEquals(msg.hashCode(), rebuilt(msg).hashCode());
        assertTrue(msg.toString().startsWith(msg.getClass().getSimpleName() + "[reserved0="), msg.toString());
    }

    private static PptpMessage rebuilt(PptpMessage msg) {
        if (msg instanceof StartControlConnectionRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof StartControlConnectionReply m) {
            return m.toBuilder().build();
        } else if (msg instanceof StopControlConnectionRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof StopControlConnectionReply m) {
            return m.toBuilder().build();
        } else if (msg instanceof EchoRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof EchoReply m) {
            return m.toBuilder().build();
        } else if (msg instanceof OutgoingCallRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof OutgoingCallReply m) {
            return m.toBuilder().build();
        } else if (msg instanceof IncomingCallRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof IncomingCallReply m) {
            return m.toBuilder().build();
        } else if (msg instanceof IncomingCallConnected m) {
            return m.toBuilder().build();
        } else if (msg instanceof CallClearRequest m) {
            return m.toBuilder().build();
        } else if (msg instanceof CallDisconnectNotify m) {
            return m.toBuilder().build();
        } else if (msg instanceof WanErrorNotify m) {
            return m.toBuilder().build();
        } else if (msg instanceof SetLinkInfo m) {
            return m.toBuilder().build();
        }
        throw new AssertionError(msg);
    }

    @Test
    void builderDefaults() {
        StartControlConnectionRequest sccrq = StartControlConnectionRequest.builder().build();
        assertEquals(0x0100, sccrq.protocolVersion());
        assertEquals(PptpString.empty(64), sccrq.hostName());
        assertEquals(156, sccrq.length());
        OutgoingCallReply ocrp = OutgoingCallReply.builder().build();
        assertSame(ResultCode.OK, ocrp.resultCode());
        assertSame(ErrorCode.NONE, ocrp.errorCode());
        assertSame(CauseCode.NONE, ocrp.causeCode());
        assertEquals(0, ocrp.trailer().length);
        assertSame(StopReason.NONE, StopControlConnectionRequest.builder().build().reason());
    }

    @Test
    void equalityCoversReservedFieldsAndTrailer() {
        CallClearRequest ccrq = CallClearRequest.builder().callId(9).build();
        assertEquals(ccrq, CallClearRequest.builder().callId(9).build());
        assertNotEquals(ccrq, ccrq.toBuilder().reserved1(1).build());
        assertNotEquals(ccrq, ccrq.toBuilder().reserved0(1).build());
        assertNotEquals(ccrq, ccrq.toBuilder().trailer(new byte[] {0}).build());
        assertEquals(ccrq.toBuilder().trailer(new byte[] {1, 2}).build(),
                ccrq.toBuilder().trailer(new byte[] {1, 2}).build());
        assertEquals(ccrq.toBuilder().trailer(new byte[] {1, 2}).build().hashCode(),
                ccrq.toBuilder().trailer(new byte[] {1, 2}).build().hashCode());
        assertEquals("CallClearRequest[reserved0=0, callId=9, reserved1=0, trailer=0102]",
                ccrq.toBuilder().trailer(new byte[] {1, 2}).build().toString());
    }

    @Test
    void trailerIsCopiedInAndOut() {
        byte[] trailer = {1, 2, 3};
        EchoRequest echo = EchoRequest.builder().trailer(trailer).build();
        trailer[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, echo.trailer());
        echo.trailer()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, echo.trailer());
        assertEquals(19, echo.length());
        assertEquals(3, echo.trailerLength());
    }

    @Test
    void withCallIdReturnsTheSameMessageWhenUnchanged() {
        OutgoingCallReply ocrp = (OutgoingCallReply) GoldenMessages.ocrp().message();
        assertSame(ocrp, ocrp.withCallId(ocrp.callId()));
        assertSame(ocrp, ocrp.withPeerCallId(ocrp.peerCallId()));
        OutgoingCallReply changed = ocrp.withCallId(1).withPeerCallId(2);
        assertEquals(1, changed.callId());
        assertEquals(2, changed.peerCallId());
        assertEquals(ocrp.connectSpeed(), changed.connectSpeed());
        assertEquals(ocrp, changed.withCallId(ocrp.callId()).withPeerCallId(ocrp.peerCallId()));
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of((Executable) () -> CallClearRequest.builder().callId(65536).build(),
                        "callId: 65536 (expected: 0..65535)"),
                Arguments.of((Executable) () -> CallClearRequest.builder().callId(-1).build(),
                        "callId: -1 (expected: 0..65535)"),
                Arguments.of((Executable) () -> CallClearRequest.builder().reserved0(0x10000).build(),
                        "reserved0: 65536 (expected: 0..65535)"),
                Arguments.of((Executable) () -> StopControlConnectionRequest.builder().reserved1(256).build(),
                        "reserved1: 256 (expected: 0..255)"),
                Arguments.of((Executable) () -> EchoRequest.builder().identifier(1L << 32).build(),
                        "identifier: 4294967296 (expected: 0..4294967295)"),
                Arguments.of((Executable) () -> EchoRequest.builder().identifier(-1).build(),
                        "identifier: -1 (expected: 0..4294967295)"),
                Arguments.of((Executable) () -> StartControlConnectionRequest.builder()
                        .hostName(PptpString.empty(63)).build(), "hostName size: 63 (expected: 64)"),
                Arguments.of((Executable) () -> CallDisconnectNotify.builder()
                        .callStatistics(PptpString.empty(64)).build(), "callStatistics size: 64 (expected: 128)"),
                Arguments.of((Executable) () -> EchoRequest.builder().trailer(new byte[65536 - 16]).build(),
                        "trailer length: 65520 (expected: <= 65519 for ECHO_REQUEST)"),
                Arguments.of((Executable) () -> OutgoingCallReply.builder().resultCode(256).build(),
                        "result code: 256 (expected: 0..255)"),
                Arguments.of((Executable) () -> OutgoingCallReply.builder().errorCode(-1).build(),
                        "error code: -1 (expected: 0..255)"),
                Arguments.of((Executable) () -> OutgoingCallReply.builder().causeCode(65536).build(),
                        "cause code: 65536 (expected: 0..65535)"),
                Arguments.of((Executable) () -> StopControlConnectionRequest.builder().reason(300).build(),
                        "stop reason: 300 (expected: 0..255)"),
                Arguments.of((Executable) () -> PptpString.of("x".repeat(65), 64),
                        "text length: 65 (expected: <= 64)"),
                Arguments.of((Executable) () -> PptpString.of("a\u0000b", 64),
                        "character at 1: U+0000 (expected: U+0001..U+00FF)"),
                Arguments.of((Executable) () -> PptpString.of("caf\u00e9 \u20ac", 64),
                        "character at 5: U+20AC (expected: U+0001..U+00FF)"),
                Arguments.of((Executable) () -> PptpMessageType.valueOf(16),
                        "control message type: 16 (expected: 1..15)"),
                Arguments.of((Executable) () -> PptpMessageType.valueOf(0),
                        "control message type: 0 (expected: 1..15)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFields")
    void rejectsValuesThatDoNotFit(Executable build, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, build).getMessage());
    }

    @Test
    void rejectsNullFields() {
        assertThrows(NullPointerException.class, () -> OutgoingCallReply.builder().resultCode((ResultCode) null).build());
        assertThrows(NullPointerException.class, () -> EchoRequest.builder().trailer(null).build());
        assertThrows(NullPointerException.class,
                () -> StartControlConnectionRequest.builder().hostName((PptpString) null).build());
    }

    @Test
    void pptpStringKeepsGarbageAfterTheFirstNul() {
        byte[] raw = new byte[64];
        raw[0] = 'h';
        raw[1] = 'o';
        raw[2] = 0;
        raw[3] = (byte) 0xCC;
        raw[63] = 0x11;
        PptpString s = PptpString.copyOf(raw);
        assertEquals("ho", s.asString());
        assertEquals(2, s.length());
        assertEquals(64, s.size());
        assertFalse(s.isNulPadded());
        assertArrayEquals(raw, s.bytes());
        assertEquals((byte) 0xCC, s.byteAt(3));
        assertNotEquals(PptpString.of("ho", 64), s);
        assertEquals("\"ho\"+00cc" + "00".repeat(59) + "11", s.toString());

        // Through the codec: the garbage survives decode and encode.
        StartControlConnectionRequest sccrq = StartControlConnectionRequest.builder().hostName(s).build();
        ByteBuf buf = Unpooled.buffer();
        try {
            PptpControlCodec.encode(sccrq, buf);
            assertArrayEquals(raw, ByteBufUtil.getBytes(buf, 28, 64));
            StartControlConnectionRequest decoded = (StartControlConnectionRequest) PptpControlCodec.decode(buf);
            assertEquals(s, decoded.hostName());
            assertArrayEquals(raw, decoded.hostName().bytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void pptpStringOfText() {
        PptpString s = PptpString.of("caf\u00e9", 8);
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xE9, 0, 0, 0, 0}, s.bytes());
        assertEquals("caf\u00e9", s.asString());
        assertTrue(s.isNulPadded());
        assertEquals("\"caf\u00e9\"", s.toString());
        PptpString full = PptpString.of("12345678", 8);
        assertEquals(8, full.length());
        assertEquals("12345678", full.asString());
        assertEquals("", PptpString.empty(64).asString());
        assertEquals(PptpString.empty(5), PptpString.of("", 5));
        byte[] copy = s.bytes();
        copy[0] = 'X';
        assertEquals("caf\u00e9", s.asString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 100, 255})
    void codesAreOpenValueTypes(int value) {
        assertSame(ResultCode.valueOf(value), ResultCode.valueOf(value));
        assertEquals(value, ResultCode.valueOf(value).value());
        assertEquals(value, ErrorCode.valueOf(value).value());
        assertEquals(value, StopReason.valueOf(value).value());
        assertEquals(value, CauseCode.valueOf(value).value());
        assertEquals(CauseCode.valueOf(value + 1000), CauseCode.valueOf(value + 1000));
        assertEquals(value + 1000, CauseCode.valueOf(value + 1000).value());
        assertEquals(value <= 6, ErrorCode.valueOf(value).isKnown());
    }

    @Test
    void codeNames() {
        assertEquals("Bad-Call ID(5)", ErrorCode.BAD_CALL_ID.toString());
        assertEquals("Unknown(7)", ErrorCode.valueOf(7).toString());
        assertEquals("Stop-Protocol(2)", StopReason.STOP_PROTOCOL.toString());
        assertEquals("Unknown(0)", StopReason.valueOf(0).toString());
        assertEquals("Do Not Accept", ResultCode.valueOf(7).description(PptpMessageType.OUTGOING_CALL_REPLY));
        assertEquals("Do Not Accept", ResultCode.valueOf(3).description(PptpMessageType.INCOMING_CALL_REPLY));
        assertEquals("Command channel already exists",
                ResultCode.valueOf(3).description(PptpMessageType.START_CONTROL_CONNECTION_REPLY));
        assertEquals("Admin Shutdown", ResultCode.CDN_ADMIN_SHUTDOWN.description(PptpMessageType.CALL_DISCONNECT_NOTIFY));
        assertEquals("Unknown (3)", ResultCode.valueOf(3).description(PptpMessageType.ECHO_REPLY));
        assertEquals("Unknown (1)", ResultCode.OK.description(PptpMessageType.ECHO_REQUEST));
        assertTrue(ResultCode.OK.isSuccess());
        assertFalse(ResultCode.GENERAL_ERROR.isSuccess());
    }

    @Test
    void messageTypeLookup() {
        assertNull(PptpMessageType.find(0));
        assertNull(PptpMessageType.find(16));
        assertNull(PptpMessageType.find(-1));
        assertNull(PptpMessageType.find(Integer.MAX_VALUE));
        assertEquals(PptpMessageType.SET_LINK_INFO, PptpMessageType.find(15));
        assertEquals("OCRP", PptpMessageType.OUTGOING_CALL_REPLY.abbreviation());
        assertEquals("Outgoing-Call-Reply", PptpMessageType.OUTGOING_CALL_REPLY.rfcName());
        assertEquals(12, PptpMessageType.OUTGOING_CALL_REPLY.callIdOffset());
        assertEquals(14, PptpMessageType.OUTGOING_CALL_REPLY.peerCallIdOffset());
        assertEquals(-1, PptpMessageType.ECHO_REQUEST.callIdOffset());
    }
}
