package io.github.pptpalg.examples.demo;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The payload the demo's peers put after each enhanced-GRE header (where a real peer puts a PPP frame), built so
 * that the receiver can check every byte: which call and direction it belongs to, its sequence number, a pattern
 * derived from those three, and a CRC-32 over everything before it.
 *
 * <pre>
 * offset  size  field
 *  0      4     magic 0x50444D4F ("PDMO")
 *  4      2     call index (the demo's number of the call, 0-based)
 *  6      1     direction: 0 PNS to PAC, 1 PAC to PNS
 *  7      1     0
 *  8      4     sequence number (the same as the GRE header's)
 * 12      2     payload length (this whole payload)
 * 14      2     0
 * 16      n-20  pattern: bytes of a 64-bit LCG seeded with (call, direction, sequence)
 * n-4     4     CRC-32 of bytes 0..n-5
 * </pre>
 */
final class DemoPayload {

    static final int MAGIC = 0x50444D4F;
    static final int HEADER_LENGTH = 16;
    static final int CHECKSUM_LENGTH = 4;
    /** The smallest payload: header and checksum, no pattern. */
    static final int MIN_LENGTH = HEADER_LENGTH + CHECKSUM_LENGTH;

    static final int PNS_TO_PAC = 0;
    static final int PAC_TO_PNS = 1;

    /** What {@link #verify} found. */
    enum Check {
        INTACT("intact"),
        BAD_LENGTH("payload length differs from what was sent"),
        BAD_MAGIC("not a demo payload"),
        WRONG_CALL("payload of another call"),
        WRONG_DIRECTION("payload of the other direction"),
        WRONG_SEQUENCE("payload sequence differs from the GRE sequence number"),
        BAD_CHECKSUM("CRC-32 mismatch"),
        BAD_PATTERN("pattern bytes differ");

        private final String description;

        Check(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private DemoPayload() {
    }

    /**
     * Appends a payload of {@code length} bytes at the writer index of {@code out}.
     *
     * @throws IllegalArgumentException if {@code length} is below {@link #MIN_LENGTH} or above 65535
     */
    static void write(ByteBuf out, int callIndex, int direction, long sequence, int length) {
        Objects.requireNonNull(out, "out");
        if (length < MIN_LENGTH || length > 0xFFFF) {
            throw new IllegalArgumentException("payload length: " + length + " (expected: " + MIN_LENGTH + "..65535)");
        }
        int start = out.writerIndex();
        out.ensureWritable(length);
        out.writeInt(MAGIC);
        out.writeShort(callIndex);
        out.writeByte(direction);
        out.writeByte(0);
        out.writeInt((int) sequence);
        out.writeShort(length);
        out.writeShort(0);
        long state = seed(callIndex, direction, sequence);
        for (int i = HEADER_LENGTH; i < length - CHECKSUM_LENGTH; i++) {
            state = next(state);
            out.writeByte((int) (state >>> 56));
        }
        out.writeInt((int) crc(out, start, length - CHECKSUM_LENGTH));
    }

    /**
     * Checks the payload of {@code length} bytes at {@code offset} (absolute) against what the sender of
     * {@code callIndex}, {@code direction}, {@code sequence} wrote with {@code expectedLength}.
     */
    static Check verify(ByteBuf buf, int offset, int length, int expectedLength, int callIndex, int direction,
            long sequence) {
        if (length != expectedLength || length < MIN_LENGTH) {
            return Check.BAD_LENGTH;
        }
        if (buf.getInt(offset) != MAGIC) {
            return Check.BAD_MAGIC;
        }
        if (buf.getInt(offset + length - CHECKSUM_LENGTH) != (int) crc(buf, offset, length - CHECKSUM_LENGTH)) {
            return Check.BAD_CHECKSUM;
        }
        if (buf.getUnsignedShort(offset + 4) != callIndex) {
            return Check.WRONG_CALL;
        }
        if (buf.getUnsignedByte(offset + 6) != direction) {
            return Check.WRONG_DIRECTION;
        }
        if (buf.getUnsignedInt(offset + 8) != sequence) {
            return Check.WRONG_SEQUENCE;
        }
        if (buf.getUnsignedShort(offset + 12) != length) {
            return Check.BAD_LENGTH;
        }
        long state = seed(callIndex, direction, sequence);
        for (int i = HEADER_LENGTH; i < length - CHECKSUM_LENGTH; i++) {
            state = next(state);
            if (buf.getByte(offset + i) != (byte) (state >>> 56)) {
                return Check.BAD_PATTERN;
            }
        }
        return Check.INTACT;
    }

    private static long seed(int callIndex, int direction, long sequence) {
        return (((long) callIndex << 40) ^ ((long) direction << 32) ^ sequence) * 0x9E3779B97F4A7C15L;
    }

    private static long next(long state) {
        return state * 6364136223846793005L + 1442695040888963407L;
    }

    private static long crc(ByteBuf buf, int offset, int length) {
        CRC32 crc = new CRC32();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + offset, length);
        } else {
            crc.update(buf.nioBuffer(offset, length));
        }
        return crc.getValue();
    }
}
