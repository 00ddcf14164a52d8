package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Echo-Request: the keep-alive of the control connection; sent by either side. RFC 2637 section 2.5;
 * 16 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param identifier a value set by the sender to match the reply with the request
 * @param trailer the bytes beyond the fixed 16 bytes (usually none)
 */
public record EchoRequest(
        int reserved0,
        long identifier,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public EchoRequest {
        Fields.u16(reserved0, "reserved0");
        Fields.u32(identifier, "identifier");
        trailer = Fields.trailer(trailer, PptpMessageType.ECHO_REQUEST);
    }

    /** Returns a builder with every field 0 or empty, except as the builder's documentation says. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding the fields of this message. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public PptpMessageType type() {
        return PptpMessageType.ECHO_REQUEST;
    }

    @Override
    public byte[] trailer() {
        return Fields.copy(trailer);
    }

    @Override
    public int trailerLength() {
        return trailer.length;
    }

    @Override
    public int length() {
        return 16 + trailer.length;
    }

    static EchoRequest read(ByteBuf buf, int start, int length) {
        return new EchoRequest(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedInt(start + 12),
                Fields.readTrailer(buf, start, length, PptpMessageType.ECHO_REQUEST));
    }

    void writeBody(ByteBuf out) {
        out.writeInt((int) identifier);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EchoRequest other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && identifier == other.identifier
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + Long.hashCode(identifier);
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "EchoRequest[reserved0=" + reserved0
                + ", identifier=" + identifier
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link EchoRequest}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private long identifier;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(EchoRequest m) {
            reserved0 = m.reserved0;
            identifier = m.identifier;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code identifier}, a value set by the sender to match the reply with the request. */
        public Builder identifier(long identifier) {
            this.identifier = identifier;
            return this;
        }

        /** Sets the bytes to send beyond the fixed length (copied on {@link #build()}). */
        public Builder trailer(byte[] trailer) {
            this.trailer = trailer;
            return this;
        }

        /**
         * Returns the message.
         *
         * @throws IllegalArgumentException if a value does not fit its field
         */
        public EchoRequest build() {
            return new EchoRequest(reserved0, identifier, trailer);
        }
    }
}
