package io.github.pptpalg.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DemoPayloadTest {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {DemoPayload.MIN_LENGTH, 21, 64, 512, 1468})
    void writesTheDocumentedLayoutAndVerifiesIt(int length) {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeZero(3); // not at index 0, as in a received datagram
            DemoPayload.write(buf, 5, DemoPayload.PAC_TO_PNS, 0xFFFF_FFFEL, length);
            assertEquals(3 + length, buf.writerIndex());
            assertEquals(0x50444D4F, buf.getInt(3));
            assertEquals(5, buf.getUnsignedShort(7));
            assertEquals(1, buf.getUnsignedByte(9));
            assertEquals(0xFFFF_FFFEL, buf.getUnsignedInt(11));
            assertEquals(length, buf.getUnsignedShort(15));
            CRC32 crc = new CRC32();
            crc.update(buf.array(), 3, length - 4);
            assertEquals(crc.getValue(), buf.getUnsignedInt(3 + length - 4));
            assertEquals(DemoPayload.Check.INTACT,
                    DemoPayload.verify(buf, 3, length, length, 5, DemoPayload.PAC_TO_PNS, 0xFFFF_FFFEL));
        } finally {
            buf.release();
        }
    }

    @Test
    void everySingleBitFlipIsCaught() {
        int length = 64;
        ByteBuf buf = Unpooled.buffer(length);
        try {
            DemoPayload.write(buf, 2, DemoPayload.PNS_TO_PAC, 77, length);
            for (int i = 0; i < length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    buf.setByte(i, buf.getByte(i) ^ (1 << bit));
                    assertNotEquals(DemoPayload.Check.INTACT,
                            DemoPayload.verify(buf, 0, length, length, 2, DemoPayload.PNS_TO_PAC, 77),
                            "byte " + i + " bit " + bit);
                    buf.setByte(i, buf.getByte(i) ^ (1 << bit));
                }
            }
            assertEquals(DemoPayload.Check.INTACT,
                    DemoPayload.verify(buf, 0, length, length, 2, DemoPayload.PNS_TO_PAC, 77));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // what differs from the sender's     length expected  call  direction  sequence
            "BAD_LENGTH,                          64,    65,       2,    0,         77",
            "WRONG_CALL,                          64,    64,       3,    0,         77",
            "WRONG_DIRECTION,                     64,    64,       2,    1,         77",
            "WRONG_SEQUENCE,                      64,    64,       2,    0,         78",
    })
    void namesWhatDiffersFromTheExpectation(DemoPayload.Check check, int length, int expectedLength, int call,
            int direction, long sequence) {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            DemoPayload.write(buf, 2, DemoPayload.PNS_TO_PAC, 77, 64);
            assertEquals(check, DemoPayload.verify(buf, 0, length, expectedLength, call, direction, sequence));
        } finally {
            buf.release();
        }
    }

    @Test
    void aPayloadOfAnotherCallWithAValidChecksumIsCaughtByItsContent() {
        // A consistent packet of call 1 presented as call 2: header and CRC are fine, the call index is not.
        ByteBuf buf = Unpooled.buffer(64);
        try {
            DemoPayload.write(buf, 1, DemoPayload.PNS_TO_PAC, 9, 64);
            assertEquals(DemoPayload.Check.WRONG_CALL,
                    DemoPayload.verify(buf, 0, 64, 64, 2, DemoPayload.PNS_TO_PAC, 9));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {-1, 0, DemoPayload.MIN_LENGTH - 1, 0x10000})
    void rejectsLengthsThatCannotHoldAPayload(int length) {
        ByteBuf buf = Unpooled.buffer();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DemoPayload.write(buf, 0, 0, 0, length));
            assertEquals("payload length: " + length + " (expected: 20..65535)", e.getMessage());
        } finally {
            buf.release();
        }
    }
}
