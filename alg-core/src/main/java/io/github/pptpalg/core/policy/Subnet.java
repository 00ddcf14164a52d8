package io.github.pptpalg.core.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 network: an address and a prefix length. Host bits of the given address are ignored
 * ({@code 10.1.2.3/24} is {@code 10.1.2.0/24}), as a netmask comparison {@code (a & mask) == (net & mask)} does.
 *
 * @param network the network address as int, host bits zero
 * @param prefixLength 0..32
 */
public record Subnet(int network, int prefixLength) {

    public Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
        }
        network &= mask(prefixLength);
    }

    /**
     * Parses {@code a.b.c.d} (a single host, /32), {@code a.b.c.d/nn} (prefix length 0..32) or
     * {@code a.b.c.d/m.m.m.m} (a contiguous netmask such as {@code 255.255.255.0}).
     *
     * @throws IllegalArgumentException naming the text and its bad part
     */
    public static Subnet parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        try {
            int slash = trimmed.indexOf('/');
            if (slash < 0) {
                return new Subnet(Ipv4.parse(trimmed), 32);
            }
            int address = Ipv4.parse(trimmed.substring(0, slash));
            String suffix = trimmed.substring(slash + 1);
            if (suffix.indexOf('.') >= 0) {
                return new Subnet(address, prefixLengthOf(Ipv4.parse(suffix), suffix));
            }
            if (suffix.isEmpty() || suffix.length() > 2 || !suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("prefix length \"" + suffix + "\" (expected: 0..32 or a netmask m.m.m.m)");
            }
            int prefixLength = Integer.parseInt(suffix);
            if (prefixLength > 32) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " (expected: 0..32)");
            }
            return new Subnet(address, prefixLength);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid subnet \"" + text + "\": " + e.getMessage(), e);
        }
    }

    private static int prefixLengthOf(int mask, String text) {
        int prefixLength = Integer.bitCount(mask);
        if (mask != mask(prefixLength)) {
            throw new IllegalArgumentException("netmask " + text + " is not contiguous (expected: ones then zeros, e.g. 255.255.255.0)");
        }
        return prefixLength;
    }

    static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The netmask as int. */
    public int mask() {
        return mask(prefixLength);
    }

    /** Whether the IPv4 address {@code address} (as int) lies in this network. */
    public boolean contains(int address) {
        return (address & mask()) == network;
    }

    /** Whether {@code address} lies in this network; never true for a non-IPv4 address. */
    public boolean contains(InetAddress address) {
        return address instanceof Inet4Address && contains(Ipv4.toInt((Inet4Address) address));
    }

    /** {@code a.b.c.d/nn}. */
    @Override
    public String toString() {
        return Ipv4.toString(network) + '/' + prefixLength;
    }
}
