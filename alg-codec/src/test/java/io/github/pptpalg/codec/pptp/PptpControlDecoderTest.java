package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.PptpProtocolException.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Framing (splits, coalesced messages, trailers) and every validation rule of the decoder. */
class PptpControlDecoderTest {

    // ------------------------------------------------------------------------------------- framing

    static IntStream sccrqSplitPoints() {
        return IntStream.range(1, 156);
    }

    @ParameterizedTest(name = "split at {0}")
    @MethodSource("sccrqSplitPoints")
    void decodesSccrqSplitInTwoReads(int split) {
        byte[] bytes = GoldenMessages.sccrq().bytes();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        ByteBuf first = Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split));
        ByteBuf second = Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length));
        assertFalse(channel.writeInbound(first));
        assertTrue(channel.writeInbound(second));
        assertEquals(GoldenMessages.sccrq().message(), channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
    }

    @Test
    void decodesSccrqByteByByte() {
        byte[] bytes = GoldenMessages.sccrq().bytes();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        for (int i = 0; i < bytes.length - 1; i++) {
            assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]})), "byte " + i);
        }
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[bytes.length - 1]})));
        assertEquals(GoldenMessages.sccrq().message(), channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    static IntStream pairSplitPoints() {
        return IntStream.range(0, 32 + 24 + 1);
    }

    @ParameterizedTest(name = "split at {0}")
    @MethodSource("pairSplitPoints")
    void decodesOcrpAndSliCoalescedAndSplitAnywhere(int split) {
        byte[] pair = concat(GoldenMessages.ocrp().bytes(), GoldenMessages.sli().bytes());
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(pair, 0, split)));
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(pair, split, pair.length)));
        assertEquals(GoldenMessages.ocrp().message(), channel.readInbound());
        assertEquals(GoldenMessages.sli().message(), channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void decodesAllFifteenTypesInOneRead() {
        List<PptpMessage> expected = new ArrayList<>();
        byte[] all = new byte[0];
        for (GoldenMessages.Golden golden : GoldenMessages.all()) {
            expected.add(golden.message());
            all = concat(all, golden.bytes());
        }
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(all)));
        for (PptpMessage msg : expected) {
            assertEquals(msg, channel.readInbound());
        }
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void keepsAnIncompleteMessageUntilTheRestArrives() {
        byte[] bytes = GoldenMessages.cdn().bytes();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, 147))));
        assertNull(channel.readInbound());
        // The connection ends before the last byte: nothing is emitted, nothing leaks.
        assertFalse(channel.finish());
    }

    @Test
    void trailingBytesBeyondTheFixedSizeRoundTripByteIdentical() {
        byte[] trailer = {1, 2, 3, 0, (byte) 0xFF, 0x7F, 0};
        byte[] bytes = Wire.header(32 + trailer.length, 8)
                .u16(0x1111).u16(0x2222).u8(1).u8(0).u16(0).u32(115_200).u16(64).u16(0).u32(0)
                .raw(trailer)
                .bytes();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder(), new PptpControlEncoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(bytes)));
        OutgoingCallReply ocrp = channel.readInbound();
        assertNull(channel.readInbound());
        assertEquals(39, ocrp.length());
        assertEquals(7, ocrp.trailerLength());
        assertArrayEquals(trailer, ocrp.trailer());
        assertEquals(0x1111, ocrp.callId());
        assertEquals(0x2222, ocrp.peerCallId());

        assertTrue(channel.writeOutbound(ocrp));
        ByteBuf encoded = channel.readOutbound();
        try {
            assertEquals(ByteBufUtil.hexDump(bytes), ByteBufUtil.hexDump(encoded));
        } finally {
            encoded.release();
        }
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void trailerFollowedByAnotherMessageInTheSameRead() {
        byte[] cdnWithTrailer = concat(GoldenMessages.cdn().bytes(), new byte[] {9, 9});
        cdnWithTrailer[0] = 0;
        cdnWithTrailer[1] = (byte) 150; // Length 148 + 2
        byte[] stream = concat(cdnWithTrailer, GoldenMessages.echoRequest().bytes());
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(stream)));
        CallDisconnectNotify cdn = channel.readInbound();
        assertArrayEquals(new byte[] {9, 9}, cdn.trailer());
        assertEquals(GoldenMessages.cdn().message(), cdn.toBuilder().trailer(new byte[0]).build());
        assertEquals(GoldenMessages.echoRequest().message(), channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void acceptsALengthEqualToTheLimit() {
        byte[] bytes = concat(GoldenMessages.echoRequest().bytes(), new byte[1024 - 16]);
        bytes[0] = 0x04;
        bytes[1] = 0x00;
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(bytes)));
        EchoRequest echo = channel.readInbound();
        assertEquals(1024, echo.length());
        assertEquals(1008, echo.trailerLength());
        assertFalse(channel.finish());
    }

    // ---------------------------------------------------------------------------------- validation

    static Stream<Arguments> invalidFrames() {
        return Stream.of(
                Arguments.of("length 0", Wire.header(0, 5).u32(1).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 0 (expected: >= 12)"),
                Arguments.of("length 11", Wire.header(11, 5).u32(1).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 11 (expected: >= 12)"),
                Arguments.of("length 11, only 2 bytes", new Wire().u16(11).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 11 (expected: >= 12)"),
                Arguments.of("length 1025", Wire.header(1025, 5).u32(1).bytes(),
                        Kind.LENGTH_TOO_LONG, "control message length: 1025 (expected: <= 1024)"),
                Arguments.of("length 2000", Wire.header(2000, 1).bytes(),
                        Kind.LENGTH_TOO_LONG, "control message length: 2000 (expected: <= 1024)"),
                Arguments.of("length 65535, only 2 bytes", new Wire().u16(0xFFFF).bytes(),
                        Kind.LENGTH_TOO_LONG, "control message length: 65535 (expected: <= 1024)"),
                Arguments.of("magic cookie off by one", cookie(0x1A2B3C4EL),
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0x1a2b3c4e (expected: 0x1a2b3c4d)"),
                Arguments.of("magic cookie 0", cookie(0),
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0x00000000 (expected: 0x1a2b3c4d)"),
                Arguments.of("magic cookie all ones", cookie(0xFFFFFFFFL),
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0xffffffff (expected: 0x1a2b3c4d)"),
                Arguments.of("magic cookie byte-swapped", cookie(0x4D3C2B1AL),
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0x4d3c2b1a (expected: 0x1a2b3c4d)"),
                Arguments.of("PPTP message type 2 (management)", pptpType(2),
                        Kind.BAD_PPTP_MESSAGE_TYPE, "PPTP message type: 2 (expected: 1)"),
                Arguments.of("PPTP message type 0", pptpType(0),
                        Kind.BAD_PPTP_MESSAGE_TYPE, "PPTP message type: 0 (expected: 1)"),
                Arguments.of("PPTP message type 65535", pptpType(0xFFFF),
                        Kind.BAD_PPTP_MESSAGE_TYPE, "PPTP message type: 65535 (expected: 1)"),
                Arguments.of("control message type 0", Wire.header(16, 0).u32(0).bytes(),
                        Kind.BAD_CONTROL_MESSAGE_TYPE, "control message type: 0 (expected: 1..15)"),
                Arguments.of("control message type 16", Wire.header(16, 16).u32(0).bytes(),
                        Kind.BAD_CONTROL_MESSAGE_TYPE, "control message type: 16 (expected: 1..15)"),
                Arguments.of("control message type 65535", Wire.header(16, 0xFFFF).u32(0).bytes(),
                        Kind.BAD_CONTROL_MESSAGE_TYPE, "control message type: 65535 (expected: 1..15)"),
                Arguments.of("ECHO_REQUEST of 15 bytes", Wire.header(15, 5).u16(0).u8(0).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 15 (expected: >= 16 for ECHO_REQUEST)"),
                Arguments.of("ECHO_REQUEST of 12 bytes", Wire.header(12, 5).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 12 (expected: >= 16 for ECHO_REQUEST)"),
                Arguments.of("SCCRQ of 155 bytes", truncatedLength(GoldenMessages.sccrq().bytes(), 155),
                        Kind.LENGTH_TOO_SHORT,
                        "control message length: 155 (expected: >= 156 for START_CONTROL_CONNECTION_REQUEST)"),
                Arguments.of("ICRQ of 219 bytes", truncatedLength(GoldenMessages.icrq().bytes(), 219),
                        Kind.LENGTH_TOO_SHORT,
                        "control message length: 219 (expected: >= 220 for INCOMING_CALL_REQUEST)"),
                Arguments.of("OCRP of 31 bytes", truncatedLength(GoldenMessages.ocrp().bytes(), 31),
                        Kind.LENGTH_TOO_SHORT, "control message length: 31 (expected: >= 32 for OUTGOING_CALL_REPLY)"),
                // The order of the checks: Length first (read before anything else), then the header fields.
                Arguments.of("short length wins over a bad cookie", badCookie(Wire.header(8, 5).u32(0).bytes()),
                        Kind.LENGTH_TOO_SHORT, "control message length: 8 (expected: >= 12)"),
                Arguments.of("long length wins over a bad cookie", badCookie(Wire.header(4000, 5).u32(0).bytes()),
                        Kind.LENGTH_TOO_LONG, "control message length: 4000 (expected: <= 1024)"),
                Arguments.of("bad cookie wins over bad PPTP type", badCookie(pptpType(7)),
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0x1a2b3c4c (expected: 0x1a2b3c4d)"),
                Arguments.of("bad PPTP type wins over bad control type", withPptpType(Wire.header(16, 99).u32(0).bytes(), 3),
                        Kind.BAD_PPTP_MESSAGE_TYPE, "PPTP message type: 3 (expected: 1)"),
                Arguments.of("bad control type wins over its length", Wire.header(12, 20).bytes(),
                        Kind.BAD_CONTROL_MESSAGE_TYPE, "control message type: 20 (expected: 1..15)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void rejectsInvalidFrame(String name, byte[] bytes, Kind kind, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        PptpProtocolException e = assertThrows(PptpProtocolException.class, () -> channel.writeInbound(in));
        assertEquals(kind, e.kind());
        assertEquals(message, e.getMessage());
        assertInstanceOf(DecoderException.class, e);
        assertEquals(0, in.refCnt());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void rejectsInvalidFrameFedByteByByteWithTheSameError(String name, byte[] bytes, Kind kind, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        PptpProtocolException thrown = null;
        for (byte b : bytes) {
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            } catch (PptpProtocolException e) {
                assertNull(thrown, "only one error");
                thrown = e;
            }
        }
        assertTrue(thrown != null, "an error");
        assertEquals(kind, thrown.kind());
        assertEquals(message, thrown.getMessage());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void discardsEverythingAfterAnError(String name, byte[] bytes, Kind kind, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        byte[] valid = GoldenMessages.echoRequest().bytes();
        // A valid message in the same read as the bad one, and another in a later read: neither comes out.
        ByteBuf first = Unpooled.wrappedBuffer(concat(bytes, valid));
        assertThrows(PptpProtocolException.class, () -> channel.writeInbound(first));
        ByteBuf later = Unpooled.wrappedBuffer(valid);
        assertFalse(channel.writeInbound(later));
        assertEquals(0, first.refCnt());
        assertEquals(0, later.refCnt());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void emitsTheMessagesBeforeAnErrorInTheSameRead() {
        byte[] stream = concat(GoldenMessages.ocrp().bytes(), cookie(0x01020304L));
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder());
        PptpProtocolException e = assertThrows(PptpProtocolException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(stream)));
        assertEquals(Kind.BAD_MAGIC_COOKIE, e.kind());
        assertEquals(GoldenMessages.ocrp().message(), channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void honoursACustomLimit() {
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder(300));
        PptpProtocolException e = assertThrows(PptpProtocolException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new Wire().u16(301).bytes())));
        assertEquals(Kind.LENGTH_TOO_LONG, e.kind());
        assertEquals("control message length: 301 (expected: <= 300)", e.getMessage());
        assertFalse(channel.finish());
        assertEquals(1024, new PptpControlDecoder().maxLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 12, 219, 65536, Integer.MAX_VALUE})
    void rejectsALimitThatCannotHoldEveryType(int maxLength) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PptpControlDecoder(maxLength));
        assertEquals("maxLength: " + maxLength + " (expected: 220..65535)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {220, 65535})
    void acceptsTheLimitsOfTheLimit(int maxLength) {
        assertEquals(maxLength, new PptpControlDecoder(maxLength).maxLength());
    }

    // ------------------------------------------------------------------------------------- helpers

    private static byte[] cookie(long cookie) {
        return new Wire().u16(16).u16(1).u32(cookie).u16(5).u16(0).u32(0).bytes();
    }

    private static byte[] pptpType(int pptpType) {
        return withPptpType(GoldenMessages.echoRequest().bytes(), pptpType);
    }

    private static byte[] withPptpType(byte[] frame, int pptpType) {
        byte[] copy = frame.clone();
        copy[2] = (byte) (pptpType >>> 8);
        copy[3] = (byte) pptpType;
        return copy;
    }

    private static byte[] badCookie(byte[] frame) {
        byte[] copy = frame.clone();
        copy[7] = 0x4C;
        return copy;
    }

    /** The frame with its Length field set to {@code length} and cut to that many bytes. */
    private static byte[] truncatedLength(byte[] frame, int length) {
        byte[] copy = Arrays.copyOf(frame, length);
        copy[0] = (byte) (length >>> 8);
        copy[1] = (byte) length;
        return copy;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
