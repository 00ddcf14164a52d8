package io.github.pptpalg.codec.gre;

import static io.github.pptpalg.codec.gre.TestBuffers.allBytes;
import static io.github.pptpalg.codec.gre.TestBuffers.embed;
import static io.github.pptpalg.codec.gre.TestBuffers.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden bytes are written out by hand from the RFC 2637 section 4.1 layout: first word
 * C R K S s Recur A Flags Ver, then Protocol Type, Payload Length, Call ID, the optional Sequence and
 * Acknowledgment Numbers. {@code 3001 880b} (K, S, version 1) and {@code 2081 880b} (K, A, version 1)
 * are the first words of ordinary data and acknowledgment-only packets in captures of pptpd and
 * Windows peers.
 */
class EnhancedGreHeaderTest {

    /** Data packet, K and S: Call ID 0xBEEF, sequence 42, 4 payload bytes (PPP address, control, LCP). */
    static final String DATA = "3001 880b 0004 beef 0000002a ff03c021";
    /** Data packet with a piggybacked acknowledgment, K, S and A: ack 41. */
    static final String DATA_WITH_ACK = "3081 880b 0004 beef 0000002a 00000029 ff03c021";
    /** Acknowledgment-only packet, K and A (S=0): ack 41 at byte 8, no payload. */
    static final String ACK_ONLY = "2081 880b 0000 beef 00000029";

    static Stream<Arguments> layouts() {
        return Arrays.stream(TestBuffers.Kind.values())
                .flatMap(kind -> Stream.of(Arguments.of(kind, 0, 0), Arguments.of(kind, 7, 5), Arguments.of(kind, 20, 0)));
    }

    @ParameterizedTest(name = "{0}, offset {1}, {2} bytes after")
    @MethodSource("layouts")
    void decodesDataPacketWithSequence(TestBuffers.Kind kind, int offset, int suffix) {
        ByteBuf buf = embed(kind, hex(DATA), offset, suffix);
        try {
            int readerIndex = buf.readerIndex();
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, offset, 16));
            assertEquals(0x3000, EnhancedGreHeader.flags(buf, offset));
            assertEquals(1, EnhancedGreHeader.version(buf, offset));
            assertEquals(0x880B, EnhancedGreHeader.protocolType(buf, offset));
            assertEquals(4, EnhancedGreHeader.payloadLength(buf, offset));
            assertEquals(0xBEEF, EnhancedGreHeader.callId(buf, offset));
            assertTrue(EnhancedGreHeader.hasSequence(buf, offset));
            assertEquals(42L, EnhancedGreHeader.sequence(buf, offset));
            assertFalse(EnhancedGreHeader.hasAcknowledgment(buf, offset));
            assertEquals(EnhancedGreHeader.ABSENT, EnhancedGreHeader.acknowledgment(buf, offset));
            assertEquals(12, EnhancedGreHeader.headerLength(buf, offset));
            assertEquals(offset + 12, EnhancedGreHeader.payloadOffset(buf, offset));
            assertEquals(0xFF03C021, buf.getInt(EnhancedGreHeader.payloadOffset(buf, offset)));
            assertEquals(readerIndex, buf.readerIndex());
            assertEquals(offset + 16 + suffix, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}, offset {1}, {2} bytes after")
    @MethodSource("layouts")
    void decodesDataPacketWithSequenceAndAcknowledgment(TestBuffers.Kind kind, int offset, int suffix) {
        ByteBuf buf = embed(kind, hex(DATA_WITH_ACK), offset, suffix);
        try {
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, offset, 20));
            assertEquals(0x3080, EnhancedGreHeader.flags(buf, offset));
            assertEquals(0xBEEF, EnhancedGreHeader.callId(buf, offset));
            assertEquals(42L, EnhancedGreHeader.sequence(buf, offset));
            assertTrue(EnhancedGreHeader.hasAcknowledgment(buf, offset));
            assertEquals(41L, EnhancedGreHeader.acknowledgment(buf, offset));
            assertEquals(16, EnhancedGreHeader.headerLength(buf, offset));
            assertEquals(offset + 16, EnhancedGreHeader.payloadOffset(buf, offset));
            assertEquals(4, EnhancedGreHeader.payloadLength(buf, offset));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}, offset {1}, {2} bytes after")
    @MethodSource("layouts")
    void decodesAcknowledgmentOnlyPacket(TestBuffers.Kind kind, int offset, int suffix) {
        ByteBuf buf = embed(kind, hex(ACK_ONLY), offset, suffix);
        try {
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, offset, 12));
            assertEquals(0x2080, EnhancedGreHeader.flags(buf, offset));
            assertFalse(EnhancedGreHeader.hasSequence(buf, offset));
            assertEquals(EnhancedGreHeader.ABSENT, EnhancedGreHeader.sequence(buf, offset));
            assertTrue(EnhancedGreHeader.hasAcknowledgment(buf, offset));
            assertEquals(41L, EnhancedGreHeader.acknowledgment(buf, offset), "the ack of an ack-only packet is at byte 8");
            assertEquals(12, EnhancedGreHeader.headerLength(buf, offset));
            assertEquals(0, EnhancedGreHeader.payloadLength(buf, offset));
            assertEquals(0xBEEF, EnhancedGreHeader.callId(buf, offset));
        } finally {
            buf.release();
        }
    }

    @Test
    void readsFieldsBigEndianAndUnsigned() {
        ByteBuf buf = Unpooled.wrappedBuffer(hex("3081 880b 0102 fffe ffffffff 80000001 0000"));
        try {
            assertEquals(GreValidation.PAYLOAD_BEYOND_PACKET, EnhancedGreHeader.validate(buf, 0, 18),
                    "0x0102 read big-endian is 258, beyond the 2 bytes present");
            assertEquals(0x0102, EnhancedGreHeader.payloadLength(buf, 0));
            assertEquals(0xFFFE, EnhancedGreHeader.callId(buf, 0));
            assertEquals(0xFFFF_FFFFL, EnhancedGreHeader.sequence(buf, 0));
            assertEquals(0x8000_0001L, EnhancedGreHeader.acknowledgment(buf, 0));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(TestBuffers.Kind.class)
    void acceptsTheLargestPayload(TestBuffers.Kind kind) {
        byte[] packet = new byte[12 + 0xFFFF];
        System.arraycopy(hex("3001 880b ffff 0001 ffffffff"), 0, packet, 0, 12);
        ByteBuf buf = embed(kind, packet, 3, 0);
        try {
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, 3, packet.length));
            assertEquals(65535, EnhancedGreHeader.payloadLength(buf, 3));
            assertEquals(GreValidation.PAYLOAD_BEYOND_PACKET, EnhancedGreHeader.validate(buf, 3, packet.length - 1));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            empty                                    |                                         | TRUNCATED
            7 bytes                                  | 3001 880b 0000 00                       | TRUNCATED
            S announces 12 bytes, 8 present          | 3001 880b 0000 0001                     | TRUNCATED
            S and A announce 16, 12 present          | 3081 880b 0000 0001 00000001            | TRUNCATED
            ack-only announces 12, 11 present        | 2081 880b 0000 0001 000000              | TRUNCATED
            C set                                    | b001 880b 0000 0001 00000001            | CHECKSUM_PRESENT
            R set                                    | 7001 880b 0000 0001 00000001            | ROUTING_PRESENT
            K clear                                  | 1001 880b 0000 0001 00000001            | KEY_ABSENT
            s set                                    | 3801 880b 0000 0001 00000001            | STRICT_SOURCE_ROUTE
            Recur 1                                  | 3101 880b 0000 0001 00000001            | RECURSION_NOT_ZERO
            Recur 7                                  | 3701 880b 0000 0001 00000001            | RECURSION_NOT_ZERO
            Flags bit 9                              | 3041 880b 0000 0001 00000001            | BAD_FLAGS
            Flags bit 12                             | 3009 880b 0000 0001 00000001            | BAD_FLAGS
            all reserved Flags                       | 3079 880b 0000 0001 00000001            | BAD_FLAGS
            version 0                                | 3000 880b 0000 0001 00000001            | BAD_VERSION
            version 2                                | 3002 880b 0000 0001 00000001            | BAD_VERSION
            version 7                                | 3007 880b 0000 0001 00000001            | BAD_VERSION
            plain GRE v0 with checksum carrying IPv4 | 8000 0800 0000 0000 45000014            | BAD_VERSION
            protocol IPv4                            | 3001 0800 0000 0001 00000001            | BAD_PROTOCOL
            protocol 0x880A                          | 3001 880a 0000 0001 00000001            | BAD_PROTOCOL
            protocol byte-swapped                    | 3001 0b88 0000 0001 00000001            | BAD_PROTOCOL
            C and K clear: first in bit order        | 9001 880b 0000 0001 00000001            | CHECKSUM_PRESENT
            payload 5, 4 present                     | 3001 880b 0005 0001 00000001 ff03c021   | PAYLOAD_BEYOND_PACKET
            ack-only announcing 1 payload byte       | 2081 880b 0001 0001 00000001            | PAYLOAD_BEYOND_PACKET
            """)
    void rejects(String name, String packetHex, GreValidation expected) {
        byte[] packet = packetHex == null ? new byte[0] : hex(packetHex);
        // Garbage after the packet: validate must stop at the length it was given.
        ByteBuf buf = embed(TestBuffers.Kind.POOLED_DIRECT, packet, 5, 24);
        try {
            assertEquals(expected, EnhancedGreHeader.validate(buf, 5, packet.length), name);
            assertFalse(expected.isValid());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bytes after the announced payload | 3001 880b 0002 0001 00000001 ff03c021
            neither S nor A, no payload       | 2001 880b 0000 0001
            S with an empty payload           | 3001 880b 0000 0001 00000001
            Call ID 0                         | 3001 880b 0000 0000 00000001
            """)
    void accepts(String name, String packetHex) {
        byte[] packet = hex(packetHex);
        ByteBuf buf = embed(TestBuffers.Kind.UNPOOLED_HEAP, packet, 1, 8);
        try {
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, 1, packet.length), name);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}, offset {1}, {2} bytes after")
    @MethodSource("layouts")
    void setCallIdChangesExactlyTheTwoCallIdBytes(TestBuffers.Kind kind, int offset, int suffix) {
        ByteBuf buf = embed(kind, hex(DATA_WITH_ACK), offset, suffix);
        try {
            int readerIndex = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            byte[] before = allBytes(buf);

            EnhancedGreHeader.setCallId(buf, offset, 0x1234);

            byte[] expected = before.clone();
            expected[offset + 6] = 0x12;
            expected[offset + 7] = 0x34;
            assertArrayEquals(expected, allBytes(buf));
            assertEquals(0x1234, EnhancedGreHeader.callId(buf, offset));
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, offset, 20));
            assertEquals(readerIndex, buf.readerIndex());
            assertEquals(writerIndex, buf.writerIndex());

            EnhancedGreHeader.setCallId(buf, offset, 0xFFFF);
            expected[offset + 6] = (byte) 0xFF;
            expected[offset + 7] = (byte) 0xFF;
            assertArrayEquals(expected, allBytes(buf));
            assertEquals(65535, EnhancedGreHeader.callId(buf, offset));

            EnhancedGreHeader.setCallId(buf, offset, 0xBEEF);
            assertArrayEquals(before, allBytes(buf), "writing the original Call ID back restores every byte");
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"-1", "65536", "2147483647", "-2147483648"})
    void setCallIdRejectsValuesOutsideSixteenBits(int callId) {
        ByteBuf buf = Unpooled.wrappedBuffer(hex(DATA));
        try {
            byte[] before = allBytes(buf);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EnhancedGreHeader.setCallId(buf, 0, callId));
            assertEquals("Call ID: " + callId + " (expected: 0..65535)", e.getMessage());
            assertArrayEquals(before, allBytes(buf));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "offset {0}, length {1}")
    @CsvSource({"-1, 8", "0, -1", "0, 33", "32, 1", "33, 0", "2147483647, 1"})
    void validateRejectsARangeOutsideTheBuffer(int offset, int length) {
        ByteBuf buf = Unpooled.buffer(32, 32);
        try {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> EnhancedGreHeader.validate(buf, offset, length));
            assertTrue(e.getMessage().contains("offset " + offset + ", length " + length), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void validateAcceptsAnEmptyRangeAtTheEnd() {
        ByteBuf buf = Unpooled.buffer(32, 32);
        try {
            assertEquals(GreValidation.TRUNCATED, EnhancedGreHeader.validate(buf, 32, 0));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            data          | 48879 | 4 | 42 | -1 | 3001 880b 0004 beef 0000002a
            data with ack | 48879 | 4 | 42 | 41 | 3081 880b 0004 beef 0000002a 00000029
            ack only      | 48879 | 0 | -1 | 41 | 2081 880b 0000 beef 00000029
            keepalive     | 0     | 0 | -1 | -1 | 2001 880b 0000 0000
            largest       | 65535 | 65535 | 4294967295 | 4294967295 | 3081 880b ffff ffff ffffffff ffffffff
            """)
    void writesTheRfcLayout(String name, int callId, int payloadLength, long sequence, long ack, String expectedHex) {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x77);
            int written = EnhancedGreHeader.writeHeader(out, callId, payloadLength, sequence, ack);
            byte[] expected = hex(expectedHex);
            assertEquals(expected.length, written);
            assertEquals(0x77, out.readUnsignedByte());
            byte[] actual = new byte[out.readableBytes()];
            out.readBytes(actual);
            assertArrayEquals(expected, actual, name);
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', textBlock = """
            -1    | 0     | 1          | -1         | Call ID: -1 (expected: 0..65535)
            65536 | 0     | 1          | -1         | Call ID: 65536 (expected: 0..65535)
            1     | -1    | 1          | -1         | payload length: -1 (expected: 0..65535)
            1     | 65536 | 1          | -1         | payload length: 65536 (expected: 0..65535)
            1     | 0     | -2         | -1         | sequence number: -2 (expected: 0..4294967295 or ABSENT)
            1     | 0     | 4294967296 | -1         | sequence number: 4294967296 (expected: 0..4294967295 or ABSENT)
            1     | 0     | 1          | 4294967296 | acknowledgment number: 4294967296 (expected: 0..4294967295 or ABSENT)
            1     | 10    | -1         | 5          | sequence number: absent with payload length 10 (expected: a sequence number on every packet that carries payload, RFC 2637 4.1)
            """)
    void writeHeaderRejectsBadValues(int callId, int payloadLength, long sequence, long ack, String message) {
        ByteBuf out = Unpooled.buffer();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EnhancedGreHeader.writeHeader(out, callId, payloadLength, sequence, ack));
            assertEquals(message, e.getMessage());
            assertEquals(0, out.writerIndex(), "nothing written");
        } finally {
            out.release();
        }
    }

    @Test
    void everyValidationHasItsOwnDescription() {
        Set<String> seen = new HashSet<>();
        for (GreValidation validation : GreValidation.values()) {
            assertFalse(validation.description().isBlank(), validation.name());
            assertTrue(seen.add(validation.description()), "duplicate description of " + validation);
            assertEquals(validation == GreValidation.VALID, validation.isValid());
        }
    }
}
