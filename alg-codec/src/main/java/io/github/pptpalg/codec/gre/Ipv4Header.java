package io.github.pptpalg.codec.gre;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Static, zero-allocation view of the IPv4 header (RFC 791 section 3.1) that a raw GRE socket
 * delivers in front of every GRE packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Indexes are absolute; reader and writer indexes are left alone. Call {@link #validate} first:
 * the accessors trust a {@link Ipv4Validation#VALID} header. The header checksum is not verified
 * here: the kernel has already dropped datagrams with a bad one before a raw socket sees them.
 * Addresses are {@code int}s, {@code a.b.c.d -> a<<24 | b<<16 | c<<8 | d}; see {@link Ipv4Addresses}.
 */
public final class Ipv4Header {

    /** IP protocol number of GRE. */
    public static final int PROTOCOL_GRE = 47;
    /** The header without options (IHL 5). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The header with the most options (IHL 15). */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Don't Fragment, in the 16-bit flags and fragment offset word. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    /** More Fragments, in the 16-bit flags and fragment offset word. */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    /** Fragment Offset (in 8-byte units), in the 16-bit flags and fragment offset word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private static final int FRAGMENT_MASK = FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK;

    private Ipv4Header() {
    }

    /**
     * Checks the datagram of {@code bytesRead} bytes at {@code offset} without allocating and
     * without throwing for any content. The checks run in this order and the first failure is
     * returned:
     * <ol>
     * <li>{@link Ipv4Validation#TRUNCATED} if fewer than 20 bytes;</li>
     * <li>{@link Ipv4Validation#BAD_VERSION} if the version is not 4;</li>
     * <li>{@link Ipv4Validation#BAD_IHL} if IHL is below 5;</li>
     * <li>{@link Ipv4Validation#TRUNCATED} if fewer bytes than IHL * 4;</li>
     * <li>{@link Ipv4Validation#TOTAL_LENGTH_MISMATCH} if Total Length is larger than
     *     {@code bytesRead} (cut by the receive slot) or smaller than the header;</li>
     * <li>{@link Ipv4Validation#NOT_GRE} if Protocol is not 47;</li>
     * <li>{@link Ipv4Validation#FRAGMENT} if More Fragments is set or the fragment offset is not 0.</li>
     * </ol>
     * Bytes read beyond Total Length are tolerated: the GRE packet is
     * {@code [payloadOffset, offset + totalLength)}.
     *
     * @param buf the buffer holding the datagram
     * @param offset absolute index of the first IPv4 byte
     * @param bytesRead the number of bytes the socket delivered
     * @return {@link Ipv4Validation#VALID} or the first problem found
     * @throws IndexOutOfBoundsException if {@code offset} and {@code bytesRead} do not describe a
     *     range inside the buffer's capacity (a caller's bug, never the datagram's)
     */
    public static Ipv4Validation validate(ByteBuf buf, int offset, int bytesRead) {
        int capacity = buf.capacity();
        if (offset < 0 || bytesRead < 0 || offset > capacity - bytesRead) {
            throw new IndexOutOfBoundsException("IPv4 datagram range: offset " + offset + ", length " + bytesRead
                    + " (expected: inside the buffer's capacity " + capacity + ")");
        }
        if (bytesRead < MIN_HEADER_LENGTH) {
            return Ipv4Validation.TRUNCATED;
        }
        int first = buf.getUnsignedByte(offset);
        if (first >>> 4 != 4) {
            return Ipv4Validation.BAD_VERSION;
        }
        int headerLength = (first & 0x0F) << 2;
        if (headerLength < MIN_HEADER_LENGTH) {
            return Ipv4Validation.BAD_IHL;
        }
        if (bytesRead < headerLength) {
            return Ipv4Validation.TRUNCATED;
        }
        int totalLength = buf.getUnsignedShort(offset + 2);
        if (totalLength > bytesRead || totalLength < headerLength) {
            return Ipv4Validation.TOTAL_LENGTH_MISMATCH;
        }
        if (buf.getUnsignedByte(offset + 9) != PROTOCOL_GRE) {
            return Ipv4Validation.NOT_GRE;
        }
        if ((buf.getUnsignedShort(offset + 6) & FRAGMENT_MASK) != 0) {
            return Ipv4Validation.FRAGMENT;
        }
        return Ipv4Validation.VALID;
    }

    /** The version nibble: 4 for IPv4. */
    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    /** The header length in bytes, IHL * 4: 20..60. */
    public static int headerLength(ByteBuf buf, int offset) {
        return (buf.getUnsignedByte(offset) & 0x0F) << 2;
    }

    /** The Total Length (header and data), unsigned. */
    public static int totalLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    /** The Identification field, unsigned. */
    public static int identification(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 4);
    }

    /** The Time to Live. */
    public static int timeToLive(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 8);
    }

    /** The Protocol: 47 for GRE. */
    public static int protocol(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 9);
    }

    /** The Source Address as an int ({@code a<<24 | b<<16 | c<<8 | d}). */
    public static int sourceAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 12);
    }

    /** The Destination Address as an int ({@code a<<24 | b<<16 | c<<8 | d}). */
    public static int destinationAddress(ByteBuf buf, int offset) {
        return buf.getInt(offset + 16);
    }

    /** Whether More Fragments is set or the Fragment Offset is not 0 (Don't Fragment is ignored). */
    public static boolean isFragment(ByteBuf buf, int offset) {
        return (buf.getUnsignedShort(offset + 6) & FRAGMENT_MASK) != 0;
    }

    /** The absolute index of the first byte after the header (the GRE header): {@code offset + IHL * 4}. */
    public static int payloadOffset(ByteBuf buf, int offset) {
        return offset + headerLength(buf, offset);
    }

    /** The bytes after the header that Total Length announces: {@code totalLength - IHL * 4}. */
    public static int payloadLength(ByteBuf buf, int offset) {
        return totalLength(buf, offset) - headerLength(buf, offset);
    }

    /**
     * The RFC 791 header checksum over {@code headerLength} bytes at {@code offset}, computed as if
     * the checksum field were 0: the value to store in the field. Over a header whose checksum field
     * is already correct, the one's complement sum of all words (see {@link #isChecksumValid}) is 0xFFFF.
     */
    public static int computeChecksum(ByteBuf buf, int offset, int headerLength) {
        int sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            if (i != 10) {
                sum += buf.getUnsignedShort(offset + i);
            }
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    /** Whether the stored Header Checksum matches the header (IHL * 4 bytes at {@code offset}). */
    public static boolean isChecksumValid(ByteBuf buf, int offset) {
        return computeChecksum(buf, offset, headerLength(buf, offset)) == buf.getUnsignedShort(offset + 10);
    }

    /**
     * Appends an IPv4 header without options and with a correct checksum at the writer index, for
     * tests and packet generators (on the wire the kernel writes the header of what the relay sends).
     *
     * @param out where to write
     * @param source the source address as an int
     * @param destination the destination address as an int
     * @param protocol the protocol number, 0..255 ({@link #PROTOCOL_GRE} for GRE)
     * @param payloadLength the bytes that will follow the header, 0..65515
     * @param identification the Identification field, 0..65535
     * @param timeToLive the TTL, 0..255
     * @return the number of bytes written: 20
     * @throws IllegalArgumentException if a value is out of range
     */
    public static int writeHeader(ByteBuf out, int source, int destination, int protocol, int payloadLength,
            int identification, int timeToLive) {
        Objects.requireNonNull(out, "out");
        checkRange("protocol", protocol, 255);
        checkRange("payload length", payloadLength, 0xFFFF - MIN_HEADER_LENGTH);
        checkRange("identification", identification, 0xFFFF);
        checkRange("time to live", timeToLive, 255);
        int start = out.writerIndex();
        out.writeByte(0x45);
        out.writeByte(0);
        out.writeShort(MIN_HEADER_LENGTH + payloadLength);
        out.writeShort(identification);
        out.writeShort(FLAG_DONT_FRAGMENT);
        out.writeByte(timeToLive);
        out.writeByte(protocol);
        out.writeShort(0);
        out.writeInt(source);
        out.writeInt(destination);
        out.setShort(start + 10, computeChecksum(out, start, MIN_HEADER_LENGTH));
        return MIN_HEADER_LENGTH;
    }

    private static void checkRange(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: 0.." + max + ")");
        }
    }
}
