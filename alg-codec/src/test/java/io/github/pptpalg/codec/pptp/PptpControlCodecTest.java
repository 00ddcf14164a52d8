package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.pptpalg.codec.pptp.GoldenMessages.Golden;
import io.github.pptpalg.codec.pptp.PptpProtocolException.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

/** The static codec: decode of a frame, encode, and in-place Call ID rewrites. */
class PptpControlCodecTest {

    static List<Golden> goldens() {
        return GoldenMessages.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void rewritesCallIdsInPlaceLikeReEncoding(Golden golden) {
        // The frame sits at an offset inside a larger buffer, as in a cumulation.
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {7, 7, 7});
            buf.writeBytes(golden.bytes());
            buf.writeBytes(new byte[] {8, 8});
            int readerIndex = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            PptpMessageType type = golden.type();
            if (type.hasCallId()) {
                PptpControlCodec.setCallId(buf, 3, 0xFEDC);
                assertEquals(0xFEDC, PptpControlCodec.callId(buf, 3));
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> PptpControlCodec.setCallId(buf, 3, 1));
                assertEquals("message without a Call ID: " + type, e.getMessage());
            }
            if (type.hasPeerCallId()) {
                PptpControlCodec.setPeerCallId(buf, 3, 0x0BA9);
                assertEquals(0x0BA9, PptpControlCodec.peerCallId(buf, 3));
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> PptpControlCodec.setPeerCallId(buf, 3, 1));
                assertEquals("message without a Peer's Call ID: " + type, e.getMessage());
            }
            assertEquals(readerIndex, buf.readerIndex());
            assertEquals(writerIndex, buf.writerIndex());

            PptpMessage expected = PptpMessages.withCallIds(golden.message(),
                    type.hasCallId() ? 0xFEDC : -1, type.hasPeerCallId() ? 0x0BA9 : -1);
            ByteBuf reEncoded = Unpooled.buffer();
            try {
                PptpControlCodec.encode(expected, reEncoded);
                assertEquals(ByteBufUtil.hexDump(reEncoded), ByteBufUtil.hexDump(buf, 3, golden.bytes().length));
            } finally {
                reEncoded.release();
            }
            assertEquals(7, buf.getByte(2));
            assertEquals(8, buf.getByte(3 + golden.bytes().length));
        } finally {
            buf.release();
        }
    }

    @Test
    void inPlaceAccessorsReturnMinusOneForAbsentFieldsAndUnknownTypes() {
        ByteBuf frame = Unpooled.wrappedBuffer(Wire.header(16, 42).u32(0).bytes());
        try {
            assertNull(PptpControlCodec.messageType(frame, 0));
            assertEquals(-1, PptpControlCodec.callId(frame, 0));
            assertEquals(-1, PptpControlCodec.peerCallId(frame, 0));
            assertEquals(-1, PptpControlCodec.resultCode(frame, 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PptpControlCodec.setCallId(frame, 0, 5));
            assertEquals("message without a Call ID: control message type 42", e.getMessage());
        } finally {
            frame.release();
        }
    }

    @Test
    void setCallIdRejectsValuesBeyondSixteenBits() {
        ByteBuf frame = Unpooled.wrappedBuffer(GoldenMessages.ocrp().bytes());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PptpControlCodec.setCallId(frame, 0, 65536));
            assertEquals("callId: 65536 (expected: 0..65535)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PptpControlCodec.setPeerCallId(frame, 0, -1));
            assertEquals("peerCallId: -1 (expected: 0..65535)", e.getMessage());
            assertArrayEquals(GoldenMessages.ocrp().bytes(), ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }

    @Test
    void decodeReadsOneMessageAtATime() {
        byte[] stream = PptpControlDecoderTest.concat(GoldenMessages.ocrp().bytes(), GoldenMessages.sli().bytes());
        ByteBuf buf = Unpooled.wrappedBuffer(stream);
        try {
            assertEquals(GoldenMessages.ocrp().message(), PptpControlCodec.decode(buf));
            assertEquals(32, buf.readerIndex());
            assertEquals(GoldenMessages.sli().message(), PptpControlCodec.decode(buf));
            assertEquals(56, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    static Stream<Arguments> invalidFrames() {
        byte[] ocrp = GoldenMessages.ocrp().bytes();
        byte[] badCookie = ocrp.clone();
        badCookie[4] = 0;
        return Stream.of(
                Arguments.of("empty", new byte[0], Kind.LENGTH_TOO_SHORT, "frame length: 0 (expected: >= 12)"),
                Arguments.of("one byte", new byte[1], Kind.LENGTH_TOO_SHORT, "frame length: 1 (expected: >= 12)"),
                Arguments.of("header cut", java.util.Arrays.copyOf(ocrp, 11),
                        Kind.LENGTH_TOO_SHORT, "frame length: 11 (expected: >= 12)"),
                Arguments.of("body cut", java.util.Arrays.copyOf(ocrp, 31), Kind.LENGTH_TOO_LONG,
                        "control message length: 32 (expected: <= 31, the readable bytes of the frame)"),
                Arguments.of("bad cookie", badCookie,
                        Kind.BAD_MAGIC_COOKIE, "magic cookie: 0x002b3c4d (expected: 0x1a2b3c4d)"),
                Arguments.of("length 5", new Wire().u16(5).bytes(),
                        Kind.LENGTH_TOO_SHORT, "control message length: 5 (expected: >= 12)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void decodeRejectsInvalidFrames(String name, byte[] bytes, Kind kind, String message) {
        ByteBuf frame = Unpooled.wrappedBuffer(bytes);
        try {
            PptpProtocolException e = assertThrows(PptpProtocolException.class, () -> PptpControlCodec.decode(frame));
            assertEquals(kind, e.kind());
            assertEquals(message, e.getMessage());
            assertEquals(0, frame.readerIndex());
        } finally {
            frame.release();
        }
    }

    @Test
    void decodeHonoursALimit() {
        ByteBuf frame = Unpooled.wrappedBuffer(GoldenMessages.icrq().bytes());
        try {
            PptpProtocolException e = assertThrows(PptpProtocolException.class,
                    () -> PptpControlCodec.decode(frame, 200));
            assertEquals("control message length: 220 (expected: <= 200)", e.getMessage());
        } finally {
            frame.release();
        }
    }

    @Test
    void encodeToANewBufferFromAnAllocator() {
        ByteBuf buf = PptpControlCodec.encode(GoldenMessages.cdn().message(), UnpooledByteBufAllocator.DEFAULT);
        try {
            assertArrayEquals(GoldenMessages.cdn().bytes(), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }
}
