package io.github.pptpalg.codec.gre;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Conversions between IPv4 addresses as {@code int} ({@code a.b.c.d -> a<<24 | b<<16 | c<<8 | d},
 * the form {@link Ipv4Header} returns) and their dotted-quad text or {@link Inet4Address}. These
 * allocate: use them for configuration, logs and tests, not per packet.
 */
public final class Ipv4Addresses {

    private Ipv4Addresses() {
    }

    /**
     * Parses a dotted-quad literal such as {@code "198.18.0.1"}: exactly four decimal parts of
     * 0..255, without signs, spaces or leading zeros (which some parsers read as octal). Never
     * resolves a host name.
     *
     * @throws IllegalArgumentException naming the text if it is not such a literal
     */
    public static int parse(String text) {
        Objects.requireNonNull(text, "text");
        int address = 0;
        int parts = 0;
        int index = 0;
        int length = text.length();
        while (index <= length && parts < 4) {
            int start = index;
            int value = 0;
            while (index < length && index - start < 4) {
                char c = text.charAt(index);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                index++;
            }
            int digits = index - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw invalid(text);
            }
            address = address << 8 | value;
            parts++;
            if (parts < 4) {
                if (index >= length || text.charAt(index) != '.') {
                    throw invalid(text);
                }
                index++;
            }
        }
        if (parts != 4 || index != length) {
            throw invalid(text);
        }
        return address;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("IPv4 address: \"" + text + "\" (expected: a.b.c.d with a, b, c, d in 0..255)");
    }

    /** Formats an address as a dotted quad, e.g. {@code 0xC6120001 -> "198.18.0.1"}. */
    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** The four bytes of an address in network order. */
    public static byte[] toBytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** The {@link Inet4Address} of an address (no name lookup). */
    public static Inet4Address toInetAddress(int address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(toBytes(address));
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always accepted", e);
        }
    }

    /**
     * The {@code int} form of an IPv4 address.
     *
     * @throws IllegalArgumentException if {@code address} is not an {@link Inet4Address}
     */
    public static int toInt(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("address: " + address + " (expected: an IPv4 address)");
        }
        byte[] bytes = address.getAddress();
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }
}
