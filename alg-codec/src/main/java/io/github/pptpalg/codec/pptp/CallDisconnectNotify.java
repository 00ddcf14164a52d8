package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Call-Disconnect-Notify (CDN): sent by the PAC when a call is gone, cleared by a Call-Clear-Request
 * or not. Its Call ID is the PAC's. RFC 2637 section 2.13; 148 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the PAC's Call ID of the call
 * @param resultCode why the call went: 1 Lost Carrier, 2 General Error, 3 Admin Shutdown, 4 Request
 * @param errorCode Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2 (General
 *        error)
 * @param causeCode additional failure information (typically a Q.931 cause)
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param callStatistics vendor-specific call statistics for logging, 128 bytes NUL-padded
 * @param trailer the bytes beyond the fixed 148 bytes (usually none)
 */
public record CallDisconnectNotify(
        int reserved0,
        int callId,
        ResultCode resultCode,
        ErrorCode errorCode,
        CauseCode causeCode,
        int reserved1,
        PptpString callStatistics,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public CallDisconnectNotify {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Objects.requireNonNull(resultCode, "resultCode");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(causeCode, "causeCode");
        Fields.u16(reserved1, "reserved1");
        Fields.string(callStatistics, 128, "callStatistics");
        trailer = Fields.trailer(trailer, PptpMessageType.CALL_DISCONNECT_NOTIFY);
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
        return PptpMessageType.CALL_DISCONNECT_NOTIFY;
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
        return 148 + trailer.length;
    }

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public CallDisconnectNotify withCallId(int callId) {
        return callId == this.callId ? this : new CallDisconnectNotify(
                reserved0, callId, resultCode, errorCode, causeCode, reserved1, callStatistics, trailer);
    }

    static CallDisconnectNotify read(ByteBuf buf, int start, int length) {
        return new CallDisconnectNotify(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                ResultCode.valueOf(buf.getUnsignedByte(start + 14)),
                ErrorCode.valueOf(buf.getUnsignedByte(start + 15)),
                CauseCode.valueOf(buf.getUnsignedShort(start + 16)),
                buf.getUnsignedShort(start + 18),
                PptpString.read(buf, start + 20, 128),
                Fields.readTrailer(buf, start, length, PptpMessageType.CALL_DISCONNECT_NOTIFY));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeByte(resultCode.value());
        out.writeByte(errorCode.value());
        out.writeShort(causeCode.value());
        out.writeShort(reserved1);
        callStatistics.writeTo(out);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CallDisconnectNotify other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && resultCode.equals(other.resultCode)
                && errorCode.equals(other.errorCode)
                && causeCode.equals(other.causeCode)
                && reserved1 == other.reserved1
                && callStatistics.equals(other.callStatistics)
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + resultCode.hashCode();
        h = 31 * h + errorCode.hashCode();
        h = 31 * h + causeCode.hashCode();
        h = 31 * h + reserved1;
        h = 31 * h + callStatistics.hashCode();
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "CallDisconnectNotify[reserved0=" + reserved0
                + ", callId=" + callId
                + ", resultCode=" + resultCode
                + ", errorCode=" + errorCode
                + ", causeCode=" + causeCode
                + ", reserved1=" + reserved1
                + ", callStatistics=" + callStatistics
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link CallDisconnectNotify}. Fields start at 0 (strings all NUL, no trailer), except {@code
     * resultCode} OK, {@code errorCode} NONE, {@code causeCode} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private ResultCode resultCode = ResultCode.OK;
        private ErrorCode errorCode = ErrorCode.NONE;
        private CauseCode causeCode = CauseCode.NONE;
        private int reserved1;
        private PptpString callStatistics = PptpString.empty(128);
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(CallDisconnectNotify m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            resultCode = m.resultCode;
            errorCode = m.errorCode;
            causeCode = m.causeCode;
            reserved1 = m.reserved1;
            callStatistics = m.callStatistics;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code callId}, the PAC's Call ID of the call. */
        public Builder callId(int callId) {
            this.callId = callId;
            return this;
        }

        /**
         * Sets {@code resultCode}, why the call went: 1 Lost Carrier, 2 General Error, 3 Admin Shutdown, 4
         * Request.
         */
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

        /** Sets {@code causeCode}, additional failure information (typically a Q.931 cause). */
        public Builder causeCode(CauseCode causeCode) {
            this.causeCode = causeCode;
            return this;
        }

        /** Sets {@code causeCode} from its value on the wire. */
        public Builder causeCode(int causeCode) {
            this.causeCode = CauseCode.valueOf(causeCode);
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
            return this;
        }

        /** Sets {@code callStatistics}, vendor-specific call statistics for logging, 128 bytes NUL-padded. */
        public Builder callStatistics(PptpString callStatistics) {
            this.callStatistics = callStatistics;
            return this;
        }

        /** Sets {@code callStatistics} to {@code text}, NUL-padded to 128 bytes. */
        public Builder callStatistics(String text) {
            this.callStatistics = PptpString.of(text, 128);
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
        public CallDisconnectNotify build() {
            return new CallDisconnectNotify(
                    reserved0, callId, resultCode, errorCode, causeCode, reserved1, callStatistics, trailer);
        }
    }
}
