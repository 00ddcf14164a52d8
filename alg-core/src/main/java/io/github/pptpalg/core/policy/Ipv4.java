package io.github.pptpalg.core.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Dotted-quad IPv4 literals as {@code int} ({@code a.b.c.d} is {@code a<<24 | b<<16 | c<<8 | d}), without DNS. */
final class Ipv4 {

    private Ipv4() {
    }

    /**
     * Parses {@code a.b.c.d}: four decimal octets 0..255 without sign or leading zeros (which some parsers read
     * as octal).
     *
     * @throws IllegalArgumentException with a message naming the offending part
     */
    static int parse(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" has " + octets.length + " dot-separated parts (expected: 4 octets a.b.c.d)");
        }
        int address = 0;
        for (String octet : octets) {
            address = address << 8 | octet(text, octet);
        }
        return address;
    }

    private static int octet(String text, String octet) {
        if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "octet \"" + octet + "\" of \"" + text + "\" (expected: a decimal number 0..255)");
        }
        if (octet.length() > 1 && octet.charAt(0) == '0') {
            throw new IllegalArgumentException(
                    "octet \"" + octet + "\" of \"" + text + "\" has a leading zero (expected: a decimal number 0..255)");
        }
        int value = Integer.parseInt(octet);
        if (value > 255) {
            throw new IllegalArgumentException("octet " + value + " of \"" + text + "\" (expected: 0..255)");
        }
        return value;
    }

    /** Whether {@code text} looks like an attempt at an IPv4 literal (digits and dots only). */
    static boolean looksLikeLiteral(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.');
    }

    static InetAddress toInetAddress(int address) {
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always a valid address", e);
        }
    }

    /** The address as int, or throws if it is not IPv4. */
    static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    static String toString(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + '.' + (address >>> 8 & 0xFF) + '.' + (address & 0xFF);
    }
}
