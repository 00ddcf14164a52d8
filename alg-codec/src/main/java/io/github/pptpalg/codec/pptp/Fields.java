package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Objects;

/** Range checks and byte helpers shared by the message records. */
final class Fields {

    static final byte[] EMPTY = new byte[0];

    private Fields() {
    }

    static int u8(int value, String name) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0..255)");
        }
        return value;
    }

    static int u16(int value, String name) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0..65535)");
        }
        return value;
    }

    static long u32(long value, String name) {
        if ((value & ~0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0..4294967295)");
        }
        return value;
    }

    static PptpString string(PptpString value, int size, String name) {
        Objects.requireNonNull(value, name);
        if (value.size() != size) {
            throw new IllegalArgumentException(name + " size: " + value.size() + " (expected: " + size + ")");
        }
        return value;
    }

    /** Validates and copies a trailer given to a constructor. */
    static byte[] trailer(byte[] trailer, PptpMessageType type) {
        Objects.requireNonNull(trailer, "trailer");
        int max = 0xFFFF - type.fixedLength();
        if (trailer.length > max) {
            throw new IllegalArgumentException("trailer length: " + trailer.length + " (expected: <= " + max
                    + " for " + type + ")");
        }
        return trailer.length == 0 ? EMPTY : trailer.clone();
    }

    static byte[] copy(byte[] trailer) {
        return trailer.length == 0 ? EMPTY : trailer.clone();
    }

    static byte[] readTrailer(ByteBuf frame, int start, int length, PptpMessageType type) {
        int extra = length - type.fixedLength();
        if (extra <= 0) {
            return EMPTY;
        }
        byte[] trailer = new byte[extra];
        frame.getBytes(start + type.fixedLength(), trailer);
        return trailer;
    }

    static String hex(byte[] trailer) {
        return ByteBufUtil.hexDump(trailer);
    }
}
