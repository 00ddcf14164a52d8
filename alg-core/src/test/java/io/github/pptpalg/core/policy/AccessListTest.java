package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessListTest {

    @Test
    void emptyListAllowsEveryone() throws Exception {
        AccessList list = AccessList.parse("  ");
        assertTrue(list.isEmpty());
        assertTrue(list.permits(InetAddress.getByName("203.0.113.9")));
        assertTrue(list.permits(InetAddress.getByName("::1")));
        assertEquals(AccessList.allowAll(), AccessList.of(List.of()));
        assertEquals("allow all", list.toString());
    }

    @Test
    void nonEmptyListAllowsOnlyItsSubnets() throws Exception {
        AccessList list = AccessList.parse("198.18.0.0/24, 10.0.0.1 192.168.0.0/255.255.0.0");
        assertEquals(3, list.subnets().size());
        assertTrue(list.permits(InetAddress.getByName("198.18.0.200")));
        assertTrue(list.permits(InetAddress.getByName("10.0.0.1")));
        assertTrue(list.permits(InetAddress.getByName("192.168.44.3")));
        assertFalse(list.permits(InetAddress.getByName("198.18.1.1")));
        assertFalse(list.permits(InetAddress.getByName("10.0.0.2")));
        assertFalse(list.permits(InetAddress.getByName("::ffff:c612:0101")));
        assertFalse(list.permits(InetAddress.getByName("2001:db8::1")));
        assertEquals("198.18.0.0/24,10.0.0.1/32,192.168.0.0/16", list.toString());
    }

    @Test
    void parseNamesTheBadSubnet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessList.parse("198.18.0.0/24,10.0.0.0/40"));
        assertEquals("invalid subnet \"10.0.0.0/40\": prefix length 40 (expected: 0..32)", e.getMessage());
    }
}
