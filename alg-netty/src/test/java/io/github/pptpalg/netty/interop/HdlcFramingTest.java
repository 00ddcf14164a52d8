package io.github.pptpalg.netty.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HdlcFramingTest {

    @Test
    void fcs16MatchesTheCrc16X25CheckValue() {
        // CRC-16/X-25 (RFC 1662's FCS-16, complemented) of "123456789" is 0x906E
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x906E, HdlcFraming.fcs16(0xFFFF, check, 0, check.length) ^ 0xFFFF);
    }

    @Test
    void encodesLcpConfigureRequestLikePptpctrl() {
        // bytes pptpctrl and pptp-linux produced for this frame on this machine
        byte[] encoded = HdlcFraming.encode(HexFormat.of().parseHex("ff03c021010100040000"));
        assertEquals("7eff7d23c0217d217d217d207d247d207d2082ab7e", HexFormat.of().formatHex(encoded));
    }

    @Test
    void escapesOnlyWhatTheAccmSelects() {
        byte[] frame = {0x7E, 0x7D, 0x01, 0x11, 0x20};
        byte[] encoded = HdlcFraming.encode(frame, 1 << 0x11);
        // flag, 7D 5E, 7D 5D, 01 literal, 7D 31, 20, FCS..., flag
        assertArrayEquals(HexFormat.of().parseHex("7e7d5e7d5d017d3120"), java.util.Arrays.copyOf(encoded, 9));
        List<byte[]> frames = new HdlcFraming.Deframer().feed(encoded, 0, encoded.length);
        assertEquals(1, frames.size());
        assertArrayEquals(frame, frames.get(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 40, 255, 1400, 4000})
    void roundTripsRandomFramesFedByteByByte(int size) {
        Random random = new Random(size);
        byte[] frame = new byte[size];
        random.nextBytes(frame);
        frame[0] = 0x7E;
        byte[] encoded = HdlcFraming.encode(frame);
        HdlcFraming.Deframer deframer = new HdlcFraming.Deframer();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            frames.addAll(deframer.feed(encoded, i, 1));
        }
        assertEquals(1, frames.size());
        assertArrayEquals(frame, frames.get(0));
    }

    @Test
    void dropsAndCountsCorruptFrames() {
        byte[] good = HdlcFraming.encode(new byte[] {(byte) 0xFF, 0x03, 0x00, 0x21, 0x45});
        byte[] corrupt = good.clone();
        corrupt[5] ^= 0x01;
        byte[] aborted = {0x7E, 0x41, 0x42, 0x7D, 0x7E};
        byte[] runt = {0x7E, 0x41, 0x7E};
        HdlcFraming.Deframer deframer = new HdlcFraming.Deframer();
        assertTrue(deframer.feed(corrupt, 0, corrupt.length).isEmpty());
        assertTrue(deframer.feed(aborted, 0, aborted.length).isEmpty());
        assertTrue(deframer.feed(runt, 0, runt.length).isEmpty());
        assertEquals(1, deframer.feed(good, 0, good.length).size());
        assertEquals(1, deframer.badFcs());
        assertEquals(1, deframer.aborts());
        assertEquals(1, deframer.runts());
    }

    @Test
    void receiveAccmDiscardsUnescapedControlCharacters() {
        byte[] encoded = HdlcFraming.encode(new byte[] {0x41, 0x42});
        byte[] noisy = new byte[encoded.length + 2];
        noisy[0] = encoded[0];
        noisy[1] = 0x11; // XON inserted by the link
        System.arraycopy(encoded, 1, noisy, 2, encoded.length - 1);
        noisy[noisy.length - 1] = encoded[encoded.length - 1];
        noisy[noisy.length - 2] = 0x13; // XOFF
        assertEquals(1, new HdlcFraming.Deframer(HdlcFraming.DEFAULT_ACCM).feed(noisy, 0, noisy.length).size());
        assertEquals(0, new HdlcFraming.Deframer(0).feed(noisy, 0, noisy.length).size());
    }

    @Test
    void refusesAnEmptyFrame() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HdlcFraming.encode(new byte[0]));
        assertEquals("frame length: 0 (expected: at least 1)", e.getMessage());
    }
}
