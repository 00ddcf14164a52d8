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
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden headers follow the RFC 791 section 3.1 layout. The UDP header is the widely published
 * example whose checksum 0xB861 is known; the GRE header's checksum 0x913D was computed outside
 * this code base (a one's complement sum in Python).
 */
class Ipv4HeaderTest {

    /** 192.168.0.1 -> 192.168.0.199, UDP, total length 115, DF, TTL 64, checksum 0xB861. */
    static final String UDP_HEADER = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";
    /** 198.18.0.1 -> 198.18.1.2, GRE, total length 36, id 0x1C46, DF, TTL 64, checksum 0x913D. */
    static final String GRE_HEADER = "4500 0024 1c46 4000 402f 913d c612 0001 c612 0102";
    /** The 16-byte enhanced-GRE data packet that follows {@link #GRE_HEADER}. */
    static final String GRE_PACKET = EnhancedGreHeaderTest.DATA;

    @ParameterizedTest
    @EnumSource(TestBuffers.Kind.class)
    void decodesAGreDatagramAndTheGreHeaderBehindIt(TestBuffers.Kind kind) {
        byte[] datagram = hex(GRE_HEADER + GRE_PACKET);
        ByteBuf buf = embed(kind, datagram, 9, 3);
        try {
            int readerIndex = buf.readerIndex();
            assertEquals(Ipv4Validation.VALID, Ipv4Header.validate(buf, 9, datagram.length));
            assertEquals(4, Ipv4Header.version(buf, 9));
            assertEquals(20, Ipv4Header.headerLength(buf, 9));
            assertEquals(36, Ipv4Header.totalLength(buf, 9));
            assertEquals(0x1C46, Ipv4Header.identification(buf, 9));
            assertEquals(64, Ipv4Header.timeToLive(buf, 9));
            assertEquals(47, Ipv4Header.protocol(buf, 9));
            assertEquals(0xC6120001, Ipv4Header.sourceAddress(buf, 9));
            assertEquals(0xC6120102, Ipv4Header.destinationAddress(buf, 9));
            assertEquals("198.18.0.1", Ipv4Addresses.format(Ipv4Header.sourceAddress(buf, 9)));
            assertEquals("198.18.1.2", Ipv4Addresses.format(Ipv4Header.destinationAddress(buf, 9)));
            assertFalse(Ipv4Header.isFragment(buf, 9), "DF alone is not a fragment");
            assertTrue(Ipv4Header.isChecksumValid(buf, 9));
            assertEquals(29, Ipv4Header.payloadOffset(buf, 9));
            assertEquals(16, Ipv4Header.payloadLength(buf, 9));
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, 29, 16));
            assertEquals(0xBEEF, EnhancedGreHeader.callId(buf, 29));
            assertEquals(readerIndex, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void checksumMatchesThePublishedExample() {
        ByteBuf buf = Unpooled.wrappedBuffer(hex(UDP_HEADER));
        try {
            assertEquals(0xB861, Ipv4Header.computeChecksum(buf, 0, 20));
            assertTrue(Ipv4Header.isChecksumValid(buf, 0));
            buf.setByte(8, 63);
            assertFalse(Ipv4Header.isChecksumValid(buf, 0), "TTL changed, checksum stale");
            assertEquals(0xC0A80001, Ipv4Header.sourceAddress(buf, 0));
            assertEquals(0xC0A800C7, Ipv4Header.destinationAddress(buf, 0));
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsTheUdpExampleAsNotGre() {
        byte[] datagram = new byte[0x73];
        System.arraycopy(hex(UDP_HEADER), 0, datagram, 0, 20);
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        try {
            assertEquals(Ipv4Validation.NOT_GRE, Ipv4Header.validate(buf, 0, datagram.length));
            assertEquals(17, Ipv4Header.protocol(buf, 0));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "IHL {0}")
    @ValueSource(ints = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void findsGreBehindOptions(int ihl) {
        int headerLength = ihl * 4;
        byte[] gre = hex(GRE_PACKET);
        ByteBuf buf = Unpooled.directBuffer(4 + headerLength + gre.length);
        try {
            buf.writeInt(0xDEADBEEF);
            buf.writeByte(0x40 | ihl);
            buf.writeByte(0);
            buf.writeShort(headerLength + gre.length);
            buf.writeInt(0x00004000);
            buf.writeShort(0x402F);
            buf.writeShort(0);
            buf.writeInt(0xC6120001);
            buf.writeInt(0xC6120102);
            for (int i = 20; i < headerLength; i++) {
                buf.writeByte(1); // NOP option
            }
            buf.writeBytes(gre);
            buf.setShort(4 + 10, Ipv4Header.computeChecksum(buf, 4, headerLength));
            buf.readerIndex(4);

            assertEquals(Ipv4Validation.VALID, Ipv4Header.validate(buf, 4, headerLength + gre.length));
            assertEquals(headerLength, Ipv4Header.headerLength(buf, 4));
            assertEquals(4 + headerLength, Ipv4Header.payloadOffset(buf, 4));
            assertEquals(gre.length, Ipv4Header.payloadLength(buf, 4));
            assertTrue(Ipv4Header.isChecksumValid(buf, 4));
            assertEquals(0xC6120102, Ipv4Header.destinationAddress(buf, 4));
            assertEquals(GreValidation.VALID,
                    EnhancedGreHeader.validate(buf, Ipv4Header.payloadOffset(buf, 4), Ipv4Header.payloadLength(buf, 4)));
            assertEquals(0xBEEF, EnhancedGreHeader.callId(buf, Ipv4Header.payloadOffset(buf, 4)));
            if (ihl > 5) {
                assertEquals(Ipv4Validation.TRUNCATED, Ipv4Header.validate(buf, 4, headerLength - 1),
                        "bytes read cover 20 bytes but not the options");
            }
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            empty                                   |                                                   | 0  | TRUNCATED
            19 bytes                                | 4500 0013 0000 4000 402f 0000 c612 0001 c612 01   | 19 | TRUNCATED
            version 6                               | 6500 0014 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | BAD_VERSION
            version 0                               | 0500 0014 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | BAD_VERSION
            IHL 4                                   | 4400 0014 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | BAD_IHL
            IHL 0                                   | 4000 0014 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | BAD_IHL
            IHL 15, 20 bytes read                   | 4f00 0014 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | TRUNCATED
            total 21, 20 read: cut by the slot      | 4500 0015 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | TOTAL_LENGTH_MISMATCH
            total 65535, 20 read                    | 4500 ffff 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | TOTAL_LENGTH_MISMATCH
            total 19, below the header              | 4500 0013 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | TOTAL_LENGTH_MISMATCH
            total 0x1400 byte-swapped               | 4500 1400 0000 4000 402f 0000 c612 0001 c612 0102 | 20 | TOTAL_LENGTH_MISMATCH
            protocol UDP                            | 4500 0014 0000 4000 4011 0000 c612 0001 c612 0102 | 20 | NOT_GRE
            protocol 0                              | 4500 0014 0000 4000 4000 0000 c612 0001 c612 0102 | 20 | NOT_GRE
            More Fragments                          | 4500 0014 0000 2000 402f 0000 c612 0001 c612 0102 | 20 | FRAGMENT
            fragment offset 1                       | 4500 0014 0000 0001 402f 0000 c612 0001 c612 0102 | 20 | FRAGMENT
            largest fragment offset                 | 4500 0014 0000 1fff 402f 0000 c612 0001 c612 0102 | 20 | FRAGMENT
            DF with MF                              | 4500 0014 0000 6000 402f 0000 c612 0001 c612 0102 | 20 | FRAGMENT
            """)
    void rejects(String name, String datagramHex, int bytesRead, Ipv4Validation expected) {
        byte[] datagram = datagramHex == null ? new byte[0] : hex(datagramHex);
        // Garbage after the bytes read: validate must not look there.
        ByteBuf buf = embed(TestBuffers.Kind.POOLED_HEAP, datagram, 3, 64);
        try {
            assertEquals(expected, Ipv4Header.validate(buf, 3, bytesRead), name);
            assertFalse(expected.isValid());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            20-byte header, no data       | 4500 0014 0000 4000 402f 0000 c612 0001 c612 0102          | 20
            more read than total length   | 4500 0014 0000 4000 402f 0000 c612 0001 c612 0102 00000000 | 24
            no flags at all               | 4500 0014 0000 0000 402f 0000 c612 0001 c612 0102          | 20
            """)
    void accepts(String name, String datagramHex, int bytesRead) {
        ByteBuf buf = Unpooled.wrappedBuffer(hex(datagramHex));
        try {
            assertEquals(Ipv4Validation.VALID, Ipv4Header.validate(buf, 0, bytesRead), name);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "offset {0}, bytes read {1}")
    @CsvSource({"-1, 20", "0, -1", "0, 65", "64, 1", "65, 0"})
    void validateRejectsARangeOutsideTheBuffer(int offset, int bytesRead) {
        ByteBuf buf = Unpooled.buffer(64, 64);
        try {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> Ipv4Header.validate(buf, offset, bytesRead));
            assertTrue(e.getMessage().contains("offset " + offset + ", length " + bytesRead), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void writesAHeaderWithTheRightChecksum() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeShort(0x7777);
            int written = Ipv4Header.writeHeader(out, 0xC6120001, 0xC6120102, 47, 16, 0x1C46, 64);
            assertEquals(20, written);
            byte[] actual = new byte[20];
            out.getBytes(2, actual);
            assertArrayEquals(hex(GRE_HEADER), actual);
            assertEquals(0x7777, out.getUnsignedShort(0), "bytes before the writer index untouched");
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', textBlock = """
            -1  | 0     | 0     | 0   | protocol: -1 (expected: 0..255)
            256 | 0     | 0     | 0   | protocol: 256 (expected: 0..255)
            47  | 65516 | 0     | 0   | payload length: 65516 (expected: 0..65515)
            47  | -1    | 0     | 0   | payload length: -1 (expected: 0..65515)
            47  | 0     | 65536 | 0   | identification: 65536 (expected: 0..65535)
            47  | 0     | 0     | 256 | time to live: 256 (expected: 0..255)
            """)
    void writeHeaderRejectsBadValues(int protocol, int payloadLength, int identification, int ttl, String message) {
        ByteBuf out = Unpooled.buffer();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ipv4Header.writeHeader(out, 1, 2, protocol, payloadLength, identification, ttl));
            assertEquals(message, e.getMessage());
            assertEquals(0, out.writerIndex());
        } finally {
            out.release();
        }
    }

    @Test
    void validateAndAccessorsLeaveTheBufferAsItWas() {
        ByteBuf buf = embed(TestBuffers.Kind.UNPOOLED_DIRECT, hex(GRE_HEADER + GRE_PACKET), 6, 6);
        try {
            byte[] before = allBytes(buf);
            int readerIndex = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            Ipv4Header.validate(buf, 6, 36);
            Ipv4Header.sourceAddress(buf, 6);
            Ipv4Header.isChecksumValid(buf, 6);
            EnhancedGreHeader.validate(buf, 26, 16);
            EnhancedGreHeader.acknowledgment(buf, 26);
            assertArrayEquals(before, allBytes(buf));
            assertEquals(readerIndex, buf.readerIndex());
            assertEquals(writerIndex, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void everyValidationHasItsOwnDescription() {
        Set<String> seen = new HashSet<>();
        for (Ipv4Validation validation : Ipv4Validation.values()) {
            assertFalse(validation.description().isBlank(), validation.name());
            assertTrue(seen.add(validation.description()), "duplicate description of " + validation);
            assertEquals(validation == Ipv4Validation.VALID, validation.isValid());
        }
    }
}
