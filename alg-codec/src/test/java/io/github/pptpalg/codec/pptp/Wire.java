package io.github.pptpalg.codec.pptp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes bytes field by field, big-endian, the way RFC 2637 section 2 lays the messages out. Independent
 * of the codec under test: golden frames are built with this, never with the encoder.
 */
final class Wire {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts a frame with the 12-byte control message header (Reserved0 = 0). */
    static Wire header(int length, int controlMessageType) {
        return header(length, controlMessageType, 0);
    }

    /** Starts a frame with the 12-byte control message header. */
    static Wire header(int length, int controlMessageType, int reserved0) {
        return new Wire()
                .u16(length)               // Length
                .u16(1)                    // PPTP Message Type: control message
                .u32(0x1A2B3C4DL)          // Magic Cookie
                .u16(controlMessageType)   // Control Message Type
                .u16(reserved0);           // Reserved0
    }

    Wire u8(int value) {
        out.write(value);
        return this;
    }

    Wire u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    Wire u32(long value) {
        u16((int) (value >>> 16));
        return u16((int) value);
    }

    /** Writes {@code text} in ASCII, NUL-padded to {@code size} bytes. */
    Wire text(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > size) {
            throw new IllegalArgumentException(text);
        }
        out.write(bytes, 0, bytes.length);
        out.write(new byte[size - bytes.length], 0, size - bytes.length);
        return this;
    }

    Wire raw(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
