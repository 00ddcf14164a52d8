package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Echo-Reply: the answer to an Echo-Request. RFC 2637 section 2.6; 20 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param identifier the Identifier of the Echo-Request answered
 * @param resultCode the result: 1 OK, 2 general error
 * @param errorCode Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2 (General
 *        error)
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param trailer the bytes beyond the fixed 20 bytes (usually none)
 */
public record EchoReply(
        int reserved0,
        long identifier,
        ResultCode resultCode,
        ErrorCode errorCode,
        int reserved1,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public EchoReply {
        Fields.u16(reserved0, "reserved0");
        Fields.u32(identifier, "identifier");
        Objects.requireNonNull(resultCode, "resultCode");
        Objects.requireNonNull(errorCode, "errorCode");
        Fields.u16(reserved1, "reserved1");
        trailer = Fields.trailer(trailer, PptpMessageType.ECHO_REPLY);
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
        return PptpMessageType.ECHO_REPLY;
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
        return 20 + trailer.length;
    }

    static EchoReply read(ByteBuf buf, int start, int length) {
        return new EchoReply(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedInt(start + 12),
                ResultCode.valueOf(buf.getUnsignedByte(start + 16)),
                ErrorCode.valueOf(buf.getUnsignedByte(start + 17)),
                buf.getUnsignedShort(start + 18),
                Fields.readTrailer(buf, start, length, PptpMessageType.ECHO_REPLY));
    }

    void writeBody(ByteBuf out) {
        out.writeInt((int) identifier);
        out.writeByte(resultCode.value());
        out.writeByte(errorCode.value());
        out.writeShort(reserved1);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EchoReply other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && identifier == other.identifier
                && resultCode.equals(other.resultCode)
                && errorCode.equals(other.errorCode)
                && reserved1 == other.reserved1
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + Long.hashCode(identifier);
        h = 31 * h + resultCode.hashCode();
        h = 31 * h + errorCode.hashCode();
        h = 31 * h + reserved1;
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "EchoReply[reserved0=" + reserved0
                + ", identifier=" + identifier
                + ", resultCode=" + resultCode
                + ", errorCode=" + errorCode
                + ", reserved1=" + reserved1
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link EchoReply}. Fields start at 0 (strings all NUL, no trailer), except {@code resultCode} OK,
     * {@code errorCode} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private long identifier;
        private ResultCode resultCode = ResultCode.OK;
        private ErrorCode errorCode = ErrorCode.NONE;
        private int reserved1;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(EchoReply m) {
            reserved0 = m.reserved0;
            identifier = m.identifier;
            resultCode = m.resultCode;
            errorCode = m.errorCode;
            reserved1 = m.reserved1;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code identifier}, the Identifier of the Echo-Request answered. */
        public Builder identifier(long identifier) {
            this.identifier = identifier;
            return this;
        }

        /** Sets {@code resultCode}, the result: 1 OK, 2 general error. */
        public Builder resultCode(ResultCode resultCode) {
            this.resultCode = resultCode;
            return this;
        }

        /** Sets {@code resultCode} from its value on the wire. */
        public Builder resultCode(int resultCode) {
            this.resultCode = ResultCode.valueOf(resultCode);
            return this;
        }

        /**
         * Sets {@code errorCode}, Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2
         * (General error).
         */
        public Builder errorCode(ErrorCode errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        /** Sets {@code errorCode} from its value on the wire. */
        public Builder errorCode(int errorCode) {
            this.errorCode = ErrorCode.valueOf(errorCode);
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
        public EchoReply build() {
            return new EchoReply(reserved0, identifier, resultCode, errorCode, reserved1, trailer);
        }
    }
}
