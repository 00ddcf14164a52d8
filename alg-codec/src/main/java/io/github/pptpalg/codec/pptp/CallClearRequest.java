package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Call-Clear-Request (CCRQ): sent by the PNS to clear a call. Its Call ID is the PNS's. RFC 2637
 * section 2.12; 16 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the PNS's Call ID of the call to clear
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param trailer the bytes beyond the fixed 16 bytes (usually none)
 */
public record CallClearRequest(
        int reserved0,
        int callId,
        int reserved1,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public CallClearRequest {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Fields.u16(reserved1, "reserved1");
        trailer = Fields.trailer(trailer, PptpMessageType.CALL_CLEAR_REQUEST);
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
        return PptpMessageType.CALL_CLEAR_REQUEST;
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

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public CallClearRequest withCallId(int callId) {
        return callId == this.callId ? this : new CallClearRequest(reserved0, callId, reserved1, trailer);
    }

    static CallClearRequest read(ByteBuf buf, int start, int length) {
        return new CallClearRequest(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                Fields.readTrailer(buf, start, length, PptpMessageType.CALL_CLEAR_REQUEST));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeShort(reserved1);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CallClearRequest other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && reserved1 == other.reserved1
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + reserved1;
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "CallClearRequest[reserved0=" + reserved0
                + ", callId=" + callId
                + ", reserved1=" + reserved1
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link CallClearRequest}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private int reserved1;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(CallClearRequest m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            reserved1 = m.reserved1;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code callId}, the PNS's Call ID of the call to clear. */
        public Builder callId(int callId) {
            this.callId = callId;
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
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
        public CallClearRequest build() {
            return new CallClearRequest(reserved0, callId, reserved1, trailer);
        }
    }
}
