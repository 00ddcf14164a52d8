package io.github.pptpalg.codec.gre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "0.0.0.0, 0x00000000",
        "255.255.255.255, 0xFFFFFFFF",
        "198.18.0.1, 0xC6120001",
        "127.0.0.1, 0x7F000001",
        "10.200.3.40, 0x0AC80328",
        "128.0.0.0, 0x80000000",
    })
    void parsesAndFormatsDottedQuads(String text, String hexValue) {
        int expected = Integer.parseUnsignedInt(hexValue.substring(2), 16);
        assertEquals(expected, Ipv4Addresses.parse(text));
        assertEquals(text, Ipv4Addresses.format(expected));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3.4", "1..2.3", "256.0.0.1",
        "1.2.3.256", "01.2.3.4", "1.2.3.00", "1234.1.1.1", "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1.2.3.-4",
        "a.b.c.d", "::1", "1.2.3.4/24", "localhost", "0x7f.0.0.1", "99999999999.0.0.1"})
    void rejectsAnythingButADottedQuad(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Addresses.parse(text));
        assertEquals("IPv4 address: \"" + text + "\" (expected: a.b.c.d with a, b, c, d in 0..255)", e.getMessage());
    }

    @Test
    void convertsToAndFromInetAddress() throws UnknownHostException {
        Inet4Address address = Ipv4Addresses.toInetAddress(0xC6120102);
        assertArrayEquals(new byte[] {(byte) 198, 18, 1, 2}, address.getAddress());
        assertEquals(0xC6120102, Ipv4Addresses.toInt(address));
        assertEquals(0xFFFFFFFF, Ipv4Addresses.toInt(InetAddress.getByAddress(new byte[] {-1, -1, -1, -1})));
        assertArrayEquals(new byte[] {(byte) 198, 18, 1, 2}, Ipv4Addresses.toBytes(0xC6120102));
    }

    @Test
    void rejectsAnIpv6Address() throws UnknownHostException {
        InetAddress v6 = InetAddress.getByAddress(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Addresses.toInt(v6));
        assertEquals("address: " + v6 + " (expected: an IPv4 address)", e.getMessage());
    }
}
