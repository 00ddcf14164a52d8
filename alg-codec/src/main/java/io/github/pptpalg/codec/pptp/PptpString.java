package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The raw bytes of a fixed-size string field of a control message: Host Name and Vendor String (64 bytes),
 * Phone Number, Dialed Number, Dialing Number and Subaddress (64 bytes), Call Statistics (128 bytes).
 *
 * <p>RFC 2637 fills the rest of such a field with NUL bytes. Peers do not always do so (some leave
 * uninitialised memory after the terminating NUL), so this type keeps every byte of the field and
 * re-emits them unchanged: the round trip is lossless. {@link #asString()} gives the text up to the
 * first NUL, one character per byte (ISO-8859-1).
 */
public final class PptpString {

    private static final PptpString EMPTY_64 = new PptpString(new byte[64]);
    private static final PptpString EMPTY_128 = new PptpString(new byte[128]);

    private final byte[] bytes;

    private PptpString(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Returns an all-NUL field of the given size.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static PptpString empty(int size) {
        if (size == 64) {
            return EMPTY_64;
        }
        if (size == 128) {
            return EMPTY_128;
        }
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        return new PptpString(new byte[size]);
    }

    /**
     * Returns a field of {@code size} bytes holding {@code text} (one byte per character, ISO-8859-1),
     * padded with NUL bytes.
     *
     * @throws IllegalArgumentException if the text is longer than {@code size}, or holds a NUL or a
     *                                  character above U+00FF
     */
    public static PptpString of(String text, int size) {
        Objects.requireNonNull(text, "text");
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        if (text.length() > size) {
            throw new IllegalArgumentException(
                    "text length: " + text.length() + " (expected: <= " + size + ")");
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException(String.format(
                        "character at %d: U+%04X (expected: U+0001..U+00FF)", i, (int) c));
            }
            bytes[i] = (byte) c;
        }
        return new PptpString(bytes);
    }

    /** Returns a field holding a copy of {@code bytes} exactly, its size being {@code bytes.length}. */
    public static PptpString copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new PptpString(bytes.clone());
    }

    static PptpString read(ByteBuf buf, int index, int size) {
        byte[] bytes = new byte[size];
        buf.getBytes(index, bytes);
        return new PptpString(bytes);
    }

    void writeTo(ByteBuf out) {
        out.writeBytes(bytes);
    }

    /** The size of the field in bytes. */
    public int size() {
        return bytes.length;
    }

    /** The number of bytes before the first NUL (the size if there is none). */
    public int length() {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }

    /** Returns the byte at {@code index} (0 .. size - 1) without copying the field. */
    public byte byteAt(int index) {
        return bytes[Objects.checkIndex(index, bytes.length)];
    }

    /** Returns a copy of all the bytes of the field, padding (and anything after the first NUL) included. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The text before the first NUL, one character per byte (ISO-8859-1). */
    public String asString() {
        return new String(bytes, 0, length(), StandardCharsets.ISO_8859_1);
    }

    /** Whether every byte from the first NUL on is NUL, as RFC 2637 asks. */
    public boolean isNulPadded() {
        for (int i = length(); i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PptpString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /**
     * Returns the text in quotes; when bytes other than NUL follow the first NUL, they are appended in hex.
     */
    @Override
    public String toString() {
        String text = '"' + asString() + '"';
        if (isNulPadded()) {
            return text;
        }
        int length = length();
        return text + "+" + ByteBufUtil.hexDump(bytes, length, bytes.length - length);
    }
}
