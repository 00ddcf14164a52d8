package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GreCallIdFilterTest {

    private static final long ACCEPT = 0xFFFF_FFFFL;

    /** An IPv4 datagram with {@code optionWords} 4-byte option words, then an enhanced-GRE header. */
    static byte[] packet(int optionWords, int protocol, int greWord, int protocolType, int callId) {
        int ihl = 5 + optionWords;
        ByteBuffer b = ByteBuffer.allocate(ihl * 4 + 16);
        b.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) b.capacity());
        b.putInt(0).put((byte) 64).put((byte) protocol).putShort((short) 0);
        b.putInt(0xC6120002).putInt(0xC6120001);
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01010101); // NOP options
        }
        b.putShort((short) greWord).putShort((short) protocolType).putShort((short) 0).putShort((short) callId);
        b.putInt(7).putInt(0);
        return b.array();
    }

    static byte[] gre(int callId) {
        return packet(0, 47, 0x3001, 0x880B, callId);
    }

    @ParameterizedTest(name = "Call ID {0} in 1000..1999: {1}")
    @CsvSource({"1000, true", "1999, true", "1500, true", "999, false", "2000, false", "0, false", "65535, false"})
    void admitsExactlyTheRange(int callId, boolean admitted) {
        GreCallIdFilter filter = GreCallIdFilter.forRange(1000, 1999);

        assertEquals(admitted ? ACCEPT : 0, ClassicBpf.run(filter, gre(callId)));
        assertEquals(admitted, filter.admits(callId));
    }

    @ParameterizedTest(name = "IHL {0}")
    @CsvSource({"0", "1", "10"})
    void readsTheCallIdAfterIpv4Options(int optionWords) {
        GreCallIdFilter filter = GreCallIdFilter.forRange(1000, 1999);

        assertEquals(ACCEPT, ClassicBpf.run(filter, packet(optionWords, 47, 0x3001, 0x880B, 1234)));
        assertEquals(0, ClassicBpf.run(filter, packet(optionWords, 47, 0x3001, 0x880B, 4321)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'S and A', 47, 0x3081, 0x880B, true",
        "'A only (ack)', 47, 0x2081, 0x880B, true",
        "'neither S nor A', 47, 0x2001, 0x880B, true",
        "'not GRE', 17, 0x3001, 0x880B, false",
        "'GRE version 0', 47, 0x3000, 0x880B, false",
        "'no key', 47, 0x1001, 0x880B, false",
        "'not PPP', 47, 0x3001, 0x0800, false",
    })
    void admitsOnlyEnhancedGreWithAKey(String what, int protocol, int greWord, int protocolType, boolean admitted) {
        GreCallIdFilter filter = GreCallIdFilter.forRange(0, 65535);

        assertEquals(admitted ? ACCEPT : 0, ClassicBpf.run(filter, packet(0, protocol, greWord, protocolType, 5)));
    }

    @ParameterizedTest(name = "first {0} bytes")
    @CsvSource({"0", "10", "21", "24", "27"})
    void rejectsPacketsTooShortForTheCallId(int length) {
        byte[] cut = Arrays.copyOf(gre(1500), length);

        assertEquals(0, ClassicBpf.run(GreCallIdFilter.forRange(0, 65535), cut));
    }

    @Test
    void slicesAreDisjointAndCoverTheRange() {
        GreCallIdFilter whole = GreCallIdFilter.forRange(10, 40);
        GreCallIdFilter[] slices = {whole.slice(3, 0), whole.slice(3, 1), whole.slice(3, 2)};

        for (int callId = 0; callId < 60; callId++) {
            int admittedBy = 0;
            for (int i = 0; i < slices.length; i++) {
                boolean admitted = ClassicBpf.run(slices[i], gre(callId)) == ACCEPT;
                assertEquals(slices[i].admits(callId), admitted, slices[i] + " for " + callId);
                if (admitted) {
                    admittedBy++;
                    assertEquals(i, callId % 3);
                }
            }
            assertEquals(whole.admits(callId) ? 1 : 0, admittedBy, "Call ID " + callId);
        }
        assertEquals("GreCallIdFilter(10..40, callId % 3 == 1)", slices[1].toString());
    }

    @Test
    void programAgreesWithAdmitsForEveryCallId() {
        GreCallIdFilter filter = GreCallIdFilter.forRange(0, 65535).slice(4, 3);
        GreCallIdFilter low = GreCallIdFilter.forRange(0, 0);

        for (int callId = 0; callId <= 0xFFFF; callId++) {
            assertEquals(filter.admits(callId), ClassicBpf.run(filter, gre(callId)) == ACCEPT);
            assertEquals(callId == 0, ClassicBpf.run(low, gre(callId)) == ACCEPT);
        }
    }

    @Test
    void nativeBytesAreSockFilterStructs() {
        GreCallIdFilter filter = GreCallIdFilter.forRange(300, 400).slice(2, 1);
        ByteBuffer bytes = ByteBuffer.wrap(filter.toNativeBytes()).order(ByteOrder.nativeOrder());

        assertEquals(filter.length() * 8, bytes.capacity());
        for (int i = 0; i < filter.length(); i++) {
            assertEquals(filter.opcode(i), bytes.getShort() & 0xFFFF);
            int jt = bytes.get() & 0xFF;
            int jf = bytes.get() & 0xFF;
            assertEquals(filter.jumpIfTrue(i), jt);
            assertEquals(filter.jumpIfFalse(i), jf);
            assertEquals(filter.constant(i), bytes.getInt() & 0xFFFF_FFFFL);
            if (filter.opcode(i) != GreCallIdFilter.RET_K) {
                assertTrue(i + 1 + Math.max(jt, jf) < filter.length(), "jump out of the program at " + i);
            }
        }
        assertEquals(GreCallIdFilter.RET_K, filter.opcode(filter.length() - 1));
        assertEquals(0, filter.constant(filter.length() - 1));
    }

    @Test
    void equalFiltersHaveEqualPrograms() {
        assertEquals(GreCallIdFilter.forRange(1, 2), GreCallIdFilter.forRange(1, 2));
        assertFalse(GreCallIdFilter.forRange(1, 2).equals(GreCallIdFilter.forRange(1, 3)));
    }

    @ParameterizedTest(name = "{0}..{1}")
    @CsvSource({"-1, 5, 'lowest Call ID: -1 (expected: 0..65535)'",
        "0, 65536, 'highest Call ID: 65536 (expected: 0..65535)'",
        "6, 5, 'Call ID range: 6..5 (expected: lowest <= highest)'"})
    void rejectsInvalidRanges(int lowest, int highest, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GreCallIdFilter.forRange(lowest, highest));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "slice {1} of {0}")
    @CsvSource({"0, 0, 'slices: 0 (expected: 1..256)'", "257, 0, 'slices: 257 (expected: 1..256)'",
        "2, 2, 'slice: 2 (expected: 0..1)'", "2, -1, 'slice: -1 (expected: 0..1)'"})
    void rejectsInvalidSlices(int slices, int slice, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GreCallIdFilter.forRange(0, 10).slice(slices, slice));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aSliceCannotBeSlicedAgain() {
        GreCallIdFilter slice = GreCallIdFilter.forRange(0, 10).slice(2, 0);

        assertThrows(IllegalArgumentException.class, () -> slice.slice(2, 1));
    }
}
