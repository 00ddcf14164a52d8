package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyPairTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.1.2                          | 0.0.0.0:1723,198.18.1.2:1723",
        "198.18.1.2:11723                    | 0.0.0.0:1723,198.18.1.2:11723",
        "198.18.0.1,198.18.1.2               | 198.18.0.1:1723,198.18.1.2:1723",
        "198.18.0.1:2000,198.18.1.2:3000     | 198.18.0.1:2000,198.18.1.2:3000",
        "127.0.0.1:0,127.0.0.1:65535         | 127.0.0.1:0,127.0.0.1:65535",
        "' 198.18.0.1 , vpn.example.net '    | 198.18.0.1:1723,vpn.example.net:1723",
        "pac-1:1724                          | 0.0.0.0:1723,pac-1:1724",
    })
    void parsesValidPairsAndPrintsThemBack(String text, String expected) {
        ProxyPair pair = ProxyPair.parse(text);
        assertEquals(expected, pair.toString());
        assertEquals(pair, ProxyPair.parse(pair.toString()));
    }

    @Test
    void literalsAreResolvedWithoutDnsAndHostNamesStayUnresolved() {
        ProxyPair literal = ProxyPair.parse("198.18.0.1,198.18.1.2");
        assertFalse(literal.listen().isUnresolved());
        assertFalse(literal.peer().isUnresolved());
        assertEquals("198.18.1.2", literal.peer().getAddress().getHostAddress());
        ProxyPair named = ProxyPair.parse("vpn.example.net:1724");
        assertTrue(named.peer().isUnresolved());
        assertEquals("vpn.example.net", named.peer().getHostString());
        assertEquals(1724, named.peer().getPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | invalid proxy \"\": peer address is empty (expected: an IPv4 address a.b.c.d or a host name)",
        "a,b,c                       | invalid proxy \"a,b,c\": 3 comma-separated parts (expected: [listen,]peer)",
        "198.18.1.2:0                | invalid proxy \"198.18.1.2:0\": peer port \"0\" (expected: 1..65535)",
        "198.18.1.2:65536            | invalid proxy \"198.18.1.2:65536\": peer port \"65536\" (expected: 1..65535)",
        "198.18.1.2:                 | invalid proxy \"198.18.1.2:\": peer port \"\" (expected: 1..65535)",
        "198.18.1.2:17x              | invalid proxy \"198.18.1.2:17x\": peer port \"17x\" (expected: 1..65535)",
        "198.18.1.300                | invalid proxy \"198.18.1.300\": peer address: octet 300 of \"198.18.1.300\" (expected: 0..255)",
        "bad_host                    | invalid proxy \"bad_host\": peer address \"bad_host\" (expected: an IPv4 address a.b.c.d or a host name)",
        "-vpn.example                | invalid proxy \"-vpn.example\": peer address \"-vpn.example\" (expected: an IPv4 address a.b.c.d or a host name)",
        "vpn..example                | invalid proxy \"vpn..example\": peer address \"vpn..example\" (expected: an IPv4 address a.b.c.d or a host name)",
        "localhost,198.18.1.2        | invalid proxy \"localhost,198.18.1.2\": listen address \"localhost\" (expected: an IPv4 address a.b.c.d)",
        "198.18.0.1:99999,198.18.1.2 | invalid proxy \"198.18.0.1:99999,198.18.1.2\": listen port \"99999\" (expected: 0..65535)",
        "198.18.0,198.18.1.2         | invalid proxy \"198.18.0,198.18.1.2\": listen address: \"198.18.0\" has 3 dot-separated parts (expected: 4 octets a.b.c.d)",
        "',198.18.1.2'               | invalid proxy \",198.18.1.2\": listen address is empty (expected: an IPv4 address a.b.c.d)",
        "'198.18.0.1,'               | invalid proxy \"198.18.0.1,\": peer address is empty (expected: an IPv4 address a.b.c.d or a host name)",
        ":1723                       | invalid proxy \":1723\": peer address is empty (expected: an IPv4 address a.b.c.d or a host name)",
    })
    void rejectsBadPairsNamingTheBadPart(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProxyPair.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void constructorRejectsUnresolvedListenAndPortZeroPeer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ProxyPair(
                InetSocketAddress.createUnresolved("example.net", 1723), new InetSocketAddress("127.0.0.1", 1723)));
        assertTrue(e.getMessage().startsWith("listen: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ProxyPair(
                new InetSocketAddress("127.0.0.1", 1723), new InetSocketAddress("127.0.0.1", 0)));
        assertEquals("peer: /127.0.0.1:0 (expected: a port 1..65535)", e.getMessage());
    }
}
