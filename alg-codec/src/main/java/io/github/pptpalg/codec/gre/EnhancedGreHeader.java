package io.github.pptpalg.codec.gre;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Static, zero-allocation view of the enhanced GRE header that PPTP uses for its data channel
 * (RFC 2637 section 4.1, https://www.rfc-editor.org/rfc/rfc2637#section-4.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Key (HW) Payload Length    |       Key (LW) Call ID        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Sequence Number (Optional)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Acknowledgment Number (Optional)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Bit 0 is the most significant bit of the first byte. C, R and s must be 0, K must be 1,
 * Recur and the reserved Flags must be 0, Ver must be 1, Protocol Type must be 0x880B (PPP).
 * S announces the Sequence Number (a packet with a payload), A the Acknowledgment Number; an
 * acknowledgment-only packet has S=0, A=1 and its Acknowledgment Number at byte 8.
 *
 * <p>Every method works on absolute indexes of the given buffer and leaves its reader and writer
 * indexes alone. The packet is described by {@code offset} (the index of the first GRE byte) and
 * {@code length} (the GRE bytes present: header plus payload). Call {@link #validate} first: the
 * accessors trust a {@link GreValidation#VALID} header and check nothing themselves beyond what
 * {@link ByteBuf}'s absolute getters check. Nothing here allocates, except the writers meant for
 * tests and packet generators.
 */
public final class EnhancedGreHeader {

    /** Checksum Present (C, bit 0). */
    public static final int FLAG_CHECKSUM = 0x8000;
    /** Routing Present (R, bit 1). */
    public static final int FLAG_ROUTING = 0x4000;
    /** Key Present (K, bit 2). */
    public static final int FLAG_KEY = 0x2000;
    /** Sequence Number Present (S, bit 3). */
    public static final int FLAG_SEQUENCE = 0x1000;
    /** Strict source route present (s, bit 4). */
    public static final int FLAG_STRICT_SOURCE_ROUTE = 0x0800;
    /** Recursion control (Recur, bits 5-7). */
    public static final int RECURSION_MASK = 0x0700;
    /** Acknowledgment Number Present (A, bit 8). */
    public static final int FLAG_ACKNOWLEDGMENT = 0x0080;
    /** The reserved Flags (bits 9-12), which must be 0. */
    public static final int RESERVED_FLAGS_MASK = 0x0078;
    /** Version (Ver, bits 13-15). */
    public static final int VERSION_MASK = 0x0007;
    /** The only version PPTP uses: 1, enhanced GRE. */
    public static final int VERSION = 1;
    /** The Protocol Type of PPTP's payload: PPP, 0x880B. */
    public static final int PROTOCOL_PPP = 0x880B;

    /** Index of the Payload Length (the key's high half) relative to the header start. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Index of the Call ID (the key's low half) relative to the header start. */
    public static final int CALL_ID_OFFSET = 6;
    /** The header without Sequence and Acknowledgment Numbers. */
    public static final int MIN_HEADER_LENGTH = 8;
    /** The header with both Sequence and Acknowledgment Numbers. */
    public static final int MAX_HEADER_LENGTH = 16;
    /** The largest payload the 16-bit Payload Length can announce. */
    public static final int MAX_PAYLOAD_LENGTH = 0xFFFF;
    /** Returned by {@link #sequence} and {@link #acknowledgment} when the field is absent. */
    public static final long ABSENT = -1L;

    private static final int FORBIDDEN_FLAGS = FLAG_CHECKSUM | FLAG_ROUTING | FLAG_STRICT_SOURCE_ROUTE
            | RECURSION_MASK | RESERVED_FLAGS_MASK;

    private EnhancedGreHeader() {
    }

    /**
     * Checks the GRE packet of {@code length} bytes at {@code offset} without allocating and
     * without throwing for any content. The checks run in this order and the first failure is
     * returned:
     * <ol>
     * <li>{@link GreValidation#TRUNCATED} if fewer than 8 bytes;</li>
     * <li>{@link GreValidation#BAD_VERSION} if Ver is not 1 (checked before the flags, whose
     *     meaning depends on the version: plain GRE from other tunnels on the host lands here);</li>
     * <li>{@link GreValidation#BAD_PROTOCOL} if Protocol Type is not 0x880B;</li>
     * <li>{@link GreValidation#CHECKSUM_PRESENT}, {@link GreValidation#ROUTING_PRESENT},
     *     {@link GreValidation#KEY_ABSENT}, {@link GreValidation#STRICT_SOURCE_ROUTE},
     *     {@link GreValidation#RECURSION_NOT_ZERO}, {@link GreValidation#BAD_FLAGS}, in bit order;</li>
     * <li>{@link GreValidation#TRUNCATED} if fewer bytes than the header S and A announce
     *     (8, 12 or 16);</li>
     * <li>{@link GreValidation#PAYLOAD_BEYOND_PACKET} if Payload Length exceeds the bytes after
     *     the header.</li>
     * </ol>
     * Bytes after the announced payload are tolerated (the packet is still {@code VALID}); so is a
     * header with neither S nor A, which carries nothing but is well formed.
     *
     * @param buf the buffer holding the packet
     * @param offset absolute index of the first GRE byte
     * @param length number of GRE bytes present (header and payload)
     * @return {@link GreValidation#VALID} or the first problem found
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not describe a
     *     range inside the buffer's capacity (a caller's bug, never the packet's)
     */
    public static GreValidation validate(ByteBuf buf, int offset, int length) {
        checkRange(buf, offset, length);
        if (length < MIN_HEADER_LENGTH) {
            return GreValidation.TRUNCATED;
        }
        int word = buf.getUnsignedShort(offset);
        if ((word & VERSION_MASK) != VERSION) {
            return GreValidation.BAD_VERSION;
        }
        if (buf.getUnsignedShort(offset + 2) != PROTOCOL_PPP) {
            return GreValidation.BAD_PROTOCOL;
        }
        if ((word & FORBIDDEN_FLAGS) != 0 || (word & FLAG_KEY) == 0) {
            return flagProblem(word);
        }
        int headerLength = headerLengthOf(word);
        if (length < headerLength) {
            return GreValidation.TRUNCATED;
        }
        if (buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET) > length - headerLength) {
            return GreValidation.PAYLOAD_BEYOND_PACKET;
        }
        return GreValidation.VALID;
    }

    private static GreValidation flagProblem(int word) {
        if ((word & FLAG_CHECKSUM) != 0) {
            return GreValidation.CHECKSUM_PRESENT;
        }
        if ((word & FLAG_ROUTING) != 0) {
            return GreValidation.ROUTING_PRESENT;
        }
        if ((word & FLAG_KEY) == 0) {
            return GreValidation.KEY_ABSENT;
        }
        if ((word & FLAG_STRICT_SOURCE_ROUTE) != 0) {
            return GreValidation.STRICT_SOURCE_ROUTE;
        }
        if ((word & RECURSION_MASK) != 0) {
            return GreValidation.RECURSION_NOT_ZERO;
        }
        return GreValidation.BAD_FLAGS;
    }

    private static void checkRange(ByteBuf buf, int offset, int length) {
        int capacity = buf.capacity();
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new IndexOutOfBoundsException("GRE packet range: offset " + offset + ", length " + length
                    + " (expected: inside the buffer's capacity " + capacity + ")");
        }
    }

    private static int headerLengthOf(int word) {
        return MIN_HEADER_LENGTH + ((word & FLAG_SEQUENCE) >>> 10) + ((word & FLAG_ACKNOWLEDGMENT) >>> 5);
    }

    /** The flag bits of the first 16-bit word (C, R, K, S, s, Recur, A, Flags), version masked out. */
    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset) & ~VERSION_MASK & 0xFFFF;
    }

    /** The Ver field (bits 13-15): 1 for enhanced GRE. */
    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset) & VERSION_MASK;
    }

    /** The Protocol Type, unsigned: 0x880B for PPP. */
    public static int protocolType(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    /** The Payload Length (the key's high half): payload bytes after the header, 0..65535. */
    public static int payloadLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET);
    }

    /** The Call ID (the key's low half), 0..65535: the receiving peer's Call ID for the call. */
    public static int callId(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + CALL_ID_OFFSET);
    }

    /**
     * Rewrites the Call ID in place: exactly the two bytes at {@code offset + 6}, nothing else (no
     * checksum to fix in enhanced GRE, indexes untouched).
     *
     * @throws IllegalArgumentException if {@code callId} is not in 0..65535
     */
    public static void setCallId(ByteBuf buf, int offset, int callId) {
        if ((callId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("Call ID: " + callId + " (expected: 0..65535)");
        }
        buf.setShort(offset + CALL_ID_OFFSET, callId);
    }

    /** Whether S is set: a Sequence Number follows the key (a packet carrying payload). */
    public static boolean hasSequence(ByteBuf buf, int offset) {
        return (buf.getUnsignedShort(offset) & FLAG_SEQUENCE) != 0;
    }

    /** The Sequence Number as an unsigned 32-bit value, or {@link #ABSENT} if S is clear. */
    public static long sequence(ByteBuf buf, int offset) {
        return hasSequence(buf, offset) ? buf.getUnsignedInt(offset + MIN_HEADER_LENGTH) : ABSENT;
    }

    /** Whether A is set: an Acknowledgment Number follows the key and the optional sequence. */
    public static boolean hasAcknowledgment(ByteBuf buf, int offset) {
        return (buf.getUnsignedShort(offset) & FLAG_ACKNOWLEDGMENT) != 0;
    }

    /**
     * The Acknowledgment Number as an unsigned 32-bit value (at byte 12 after a sequence number,
     * at byte 8 in an acknowledgment-only packet), or {@link #ABSENT} if A is clear.
     */
    public static long acknowledgment(ByteBuf buf, int offset) {
        int word = buf.getUnsignedShort(offset);
        if ((word & FLAG_ACKNOWLEDGMENT) == 0) {
            return ABSENT;
        }
        return buf.getUnsignedInt(offset + MIN_HEADER_LENGTH + ((word & FLAG_SEQUENCE) >>> 10));
    }

    /** The header length that S and A announce: 8, 12 or 16. */
    public static int headerLength(ByteBuf buf, int offset) {
        return headerLengthOf(buf.getUnsignedShort(offset));
    }

    /** The absolute index of the first payload byte: {@code offset + headerLength}. */
    public static int payloadOffset(ByteBuf buf, int offset) {
        return offset + headerLength(buf, offset);
    }

    /**
     * Appends a valid enhanced-GRE header at the writer index, for tests and packet generators
     * (the relay never builds headers, it rewrites the ones it receives). The payload itself is
     * the caller's to write.
     *
     * @param out where to write
     * @param callId the Call ID, 0..65535
     * @param payloadLength the Payload Length, 0..65535; more than 0 needs a sequence number
     * @param sequence the Sequence Number, 0..2^32-1, or {@link #ABSENT} (S=0)
     * @param acknowledgment the Acknowledgment Number, 0..2^32-1, or {@link #ABSENT} (A=0)
     * @return the number of bytes written: 8, 12 or 16
     * @throws IllegalArgumentException if a value is out of range, or a payload has no sequence number
     */
    public static int writeHeader(ByteBuf out, int callId, int payloadLength, long sequence, long acknowledgment) {
        Objects.requireNonNull(out, "out");
        checkUnsigned16("Call ID", callId);
        checkUnsigned16("payload length", payloadLength);
        checkOptionalUnsigned32("sequence number", sequence);
        checkOptionalUnsigned32("acknowledgment number", acknowledgment);
        if (payloadLength > 0 && sequence == ABSENT) {
            throw new IllegalArgumentException("sequence number: absent with payload length " + payloadLength
                    + " (expected: a sequence number on every packet that carries payload, RFC 2637 4.1)");
        }
        int word = FLAG_KEY | VERSION;
        if (sequence != ABSENT) {
            word |= FLAG_SEQUENCE;
        }
        if (acknowledgment != ABSENT) {
            word |= FLAG_ACKNOWLEDGMENT;
        }
        int start = out.writerIndex();
        out.writeShort(word);
        out.writeShort(PROTOCOL_PPP);
        out.writeShort(payloadLength);
        out.writeShort(callId);
        if (sequence != ABSENT) {
            out.writeInt((int) sequence);
        }
        if (acknowledgment != ABSENT) {
            out.writeInt((int) acknowledgment);
        }
        return out.writerIndex() - start;
    }

    private static void checkUnsigned16(String what, int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: 0..65535)");
        }
    }

    private static void checkOptionalUnsigned32(String what, long value) {
        if (value != ABSENT && (value & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: 0..4294967295 or ABSENT)");
        }
    }
}
