package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubnetTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.0.5                  | 198.18.0.5/32",
        "198.18.0.0/24               | 198.18.0.0/24",
        "198.18.0.0/255.255.255.0    | 198.18.0.0/24",
        "198.18.7.9/255.254.0.0      | 198.18.0.0/15",
        "10.1.2.3/8                  | 10.0.0.0/8",
        "0.0.0.0/0                   | 0.0.0.0/0",
        "0.0.0.0/0.0.0.0             | 0.0.0.0/0",
        "255.255.255.255/32          | 255.255.255.255/32",
        "1.2.3.4/255.255.255.255     | 1.2.3.4/32",
        "'  198.18.0.0/16  '         | 198.18.0.0/16",
    })
    void parsesValidSubnets(String text, String expected) {
        assertEquals(expected, Subnet.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                        | invalid subnet \"\": \"\" has 1 dot-separated parts (expected: 4 octets a.b.c.d)",
        "198.18.0                  | invalid subnet \"198.18.0\": \"198.18.0\" has 3 dot-separated parts (expected: 4 octets a.b.c.d)",
        "198.18.0.256              | invalid subnet \"198.18.0.256\": octet 256 of \"198.18.0.256\" (expected: 0..255)",
        "198.18.0.x/24             | invalid subnet \"198.18.0.x/24\": octet \"x\" of \"198.18.0.x\" (expected: a decimal number 0..255)",
        "198.18.00.1               | invalid subnet \"198.18.00.1\": octet \"00\" of \"198.18.00.1\" has a leading zero (expected: a decimal number 0..255)",
        "198.18.0.0/33             | invalid subnet \"198.18.0.0/33\": prefix length 33 (expected: 0..32)",
        "198.18.0.0/               | invalid subnet \"198.18.0.0/\": prefix length \"\" (expected: 0..32 or a netmask m.m.m.m)",
        "198.18.0.0/-1             | invalid subnet \"198.18.0.0/-1\": prefix length \"-1\" (expected: 0..32 or a netmask m.m.m.m)",
        "198.18.0.0/255.0.255.0    | invalid subnet \"198.18.0.0/255.0.255.0\": netmask 255.0.255.0 is not contiguous (expected: ones then zeros, e.g. 255.255.255.0)",
        "198.18.0.0/0.255.255.255  | invalid subnet \"198.18.0.0/0.255.255.255\": netmask 0.255.255.255 is not contiguous (expected: ones then zeros, e.g. 255.255.255.0)",
        "198.18.0.0/255.255.256.0  | invalid subnet \"198.18.0.0/255.255.256.0\": octet 256 of \"255.255.256.0\" (expected: 0..255)",
        "example.com/24            | invalid subnet \"example.com/24\": \"example.com\" has 2 dot-separated parts (expected: 4 octets a.b.c.d)",
        "1.2.3.4/24/8              | invalid subnet \"1.2.3.4/24/8\": prefix length \"24/8\" (expected: 0..32 or a netmask m.m.m.m)",
    })
    void rejectsBadSubnetsNamingTheBadPart(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subnet.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void containsChecksNetworkBits() throws Exception {
        Subnet subnet = Subnet.parse("198.18.0.0/15");
        assertTrue(subnet.contains(InetAddress.getByName("198.18.0.1")));
        assertTrue(subnet.contains(InetAddress.getByName("198.19.255.255")));
        assertFalse(subnet.contains(InetAddress.getByName("198.20.0.0")));
        assertFalse(subnet.contains(InetAddress.getByName("198.17.255.255")));
        assertFalse(subnet.contains(InetAddress.getByName("::1")));
        assertTrue(Subnet.parse("0.0.0.0/0").contains(InetAddress.getByName("255.1.2.3")));
        assertTrue(Subnet.parse("198.18.0.5").contains(0xC6120005));
        assertFalse(Subnet.parse("198.18.0.5").contains(0xC6120006));
    }

    @Test
    void hostBitsAreIgnoredSoEqualNetworksAreEqual() {
        assertEquals(Subnet.parse("10.0.0.0/8"), Subnet.parse("10.9.9.9/255.0.0.0"));
        assertEquals(0xFFFFFF00, Subnet.parse("1.2.3.0/24").mask());
        assertEquals(0, Subnet.parse("1.2.3.0/0").mask());
    }

    @Test
    void constructorRejectsBadPrefixLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Subnet(0, 40));
        assertEquals("prefixLength: 40 (expected: 0..32)", e.getMessage());
    }
}
