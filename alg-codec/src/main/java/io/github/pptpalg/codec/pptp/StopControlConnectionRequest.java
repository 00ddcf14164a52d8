package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Stop-Control-Connection-Request (StopCCRQ): closes the control connection; sent by either side. RFC
 * 2637 section 2.3; 16 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param reason why the connection is closed: 1 None, 2 Stop-Protocol, 3 Stop-Local-Shutdown
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param reserved2 Reserved2 (must be 0; kept as received)
 * @param trailer the bytes beyond the fixed 16 bytes (usually none)
 */
public record StopControlConnectionRequest(
        int reserved0,
        StopReason reason,
        int reserved1,
        int reserved2,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public StopControlConnectionRequest {
        Fields.u16(reserved0, "reserved0");
        Objects.requireNonNull(reason, "reason");
        Fields.u8(reserved1, "reserved1");
        Fields.u16(reserved2, "reserved2");
        trailer = Fields.trailer(trailer, PptpMessageType.STOP_CONTROL_CONNECTION_REQUEST);
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
        return PptpMessageType.STOP_CONTROL_CONNECTION_REQUEST;
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

    static StopControlConnectionRequest read(ByteBuf buf, int start, int length) {
        return new StopControlConnectionRequest(
                buf.getUnsignedShort(start + 10),
                StopReason.valueOf(buf.getUnsignedByte(start + 12)),
                buf.getUnsignedByte(start + 13),
                buf.getUnsignedShort(start + 14),
                Fields.readTrailer(buf, start, length, PptpMessageType.STOP_CONTROL_CONNECTION_REQUEST));
    }

    void writeBody(ByteBuf out) {
        out.writeByte(reason.value());
        out.writeByte(reserved1);
        out.writeShort(reserved2);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StopControlConnectionRequest other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && reason.equals(other.reason)
                && reserved1 == other.reserved1
                && reserved2 == other.reserved2
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + reason.hashCode();
        h = 31 * h + reserved1;
        h = 31 * h + reserved2;
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "StopControlConnectionRequest[reserved0=" + reserved0
                + ", reason=" + reason
                + ", reserved1=" + reserved1
                + ", reserved2=" + reserved2
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link StopControlConnectionRequest}. Fields start at 0 (strings all NUL, no trailer), except
     * {@code reason} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private StopReason reason = StopReason.NONE;
        private int reserved1;
        private int reserved2;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(StopControlConnectionRequest m) {
            reserved0 = m.reserved0;
            reason = m.reason;
            reserved1 = m.reserved1;
            reserved2 = m.reserved2;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /**
         * Sets {@code reason}, why the connection is closed: 1 None, 2 Stop-Protocol, 3 Stop-Local-Shutdown.
         */
        public Builder reason(StopReason reason) {
            this.reason = reason;
            return this;
        }

        /** Sets {@code reason} from its value on the wire. */
        public Builder reason(int reason) {
            this.reason = StopReason.valueOf(reason);
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
            return this;
        }

        /** Sets {@code reserved2}, Reserved2 (must be 0; kept as received). */
        public Builder reserved2(int reserved2) {
            this.reserved2 = reserved2;
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
        public StopControlConnectionRequest build() {
            return new StopControlConnectionRequest(reserved0, reason, reserved1, reserved2, trailer);
        }
    }
}
