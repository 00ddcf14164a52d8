package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Incoming-Call-Reply (ICRP): sent by the PNS in answer to an Incoming-Call-Request. Call ID = PNS's,
 * Peer Call ID = PAC's. RFC 2637 section 2.10; 24 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the Call ID the PNS assigned to the call (the PAC puts it in the GRE packets it sends)
 * @param peerCallId the PAC's Call ID, from the Incoming-Call-Request
 * @param resultCode the result: 1 Connect, 2 General Error, 3 Do Not Accept
 * @param errorCode Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2 (General
 *        error)
 * @param packetRecvWindowSize the number of received data packets the PNS buffers for this call
 * @param packetTransmitDelay the PNS's packet processing delay, in 1/10 seconds
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param trailer the bytes beyond the fixed 24 bytes (usually none)
 */
public record IncomingCallReply(
        int reserved0,
        int callId,
        int peerCallId,
        ResultCode resultCode,
        ErrorCode errorCode,
        int packetRecvWindowSize,
        int packetTransmitDelay,
        int reserved1,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public IncomingCallReply {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Fields.u16(peerCallId, "peerCallId");
        Objects.requireNonNull(resultCode, "resultCode");
        Objects.requireNonNull(errorCode, "errorCode");
        Fields.u16(packetRecvWindowSize, "packetRecvWindowSize");
        Fields.u16(packetTransmitDelay, "packetTransmitDelay");
        Fields.u16(reserved1, "reserved1");
        trailer = Fields.trailer(trailer, PptpMessageType.INCOMING_CALL_REPLY);
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
        return PptpMessageType.INCOMING_CALL_REPLY;
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
        return 24 + trailer.length;
    }

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public IncomingCallReply withCallId(int callId) {
        return callId == this.callId ? this : new IncomingCallReply(
                reserved0, callId, peerCallId, resultCode, errorCode, packetRecvWindowSize, packetTransmitDelay,
                reserved1, trailer);
    }

    /** Returns a copy with the Peer's Call ID replaced (this message if it is unchanged). */
    public IncomingCallReply withPeerCallId(int peerCallId) {
        return peerCallId == this.peerCallId ? this : new IncomingCallReply(
                reserved0, callId, peerCallId, resultCode, errorCode, packetRecvWindowSize, packetTransmitDelay,
                reserved1, trailer);
    }

    static IncomingCallReply read(ByteBuf buf, int start, int length) {
        return new IncomingCallReply(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                ResultCode.valueOf(buf.getUnsignedByte(start + 16)),
                ErrorCode.valueOf(buf.getUnsignedByte(start + 17)),
                buf.getUnsignedShort(start + 18),
                buf.getUnsignedShort(start + 20),
                buf.getUnsignedShort(start + 22),
                Fields.readTrailer(buf, start, length, PptpMessageType.INCOMING_CALL_REPLY));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeShort(peerCallId);
        out.writeByte(resultCode.value());
        out.writeByte(errorCode.value());
        out.writeShort(packetRecvWindowSize);
        out.writeShort(packetTransmitDelay);
        out.writeShort(reserved1);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IncomingCallReply other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && peerCallId == other.peerCallId
                && resultCode.equals(other.resultCode)
                && errorCode.equals(other.errorCode)
                && packetRecvWindowSize == other.packetRecvWindowSize
                && packetTransmitDelay == other.packetTransmitDelay
                && reserved1 == other.reserved1
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + peerCallId;
        h = 31 * h + resultCode.hashCode();
        h = 31 * h + errorCode.hashCode();
        h = 31 * h + packetRecvWindowSize;
        h = 31 * h + packetTransmitDelay;
        h = 31 * h + reserved1;
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "IncomingCallReply[reserved0=" + reserved0
                + ", callId=" + callId
                + ", peerCallId=" + peerCallId
                + ", resultCode=" + resultCode
                + ", errorCode=" + errorCode
                + ", packetRecvWindowSize=" + packetRecvWindowSize
                + ", packetTransmitDelay=" + packetTransmitDelay
                + ", reserved1=" + reserved1
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link IncomingCallReply}. Fields start at 0 (strings all NUL, no trailer), except {@code
     * resultCode} OK, {@code errorCode} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private int peerCallId;
        private ResultCode resultCode = ResultCode.OK;
        private ErrorCode errorCode = ErrorCode.NONE;
        private int packetRecvWindowSize;
        private int packetTransmitDelay;
        private int reserved1;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(IncomingCallReply m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            peerCallId = m.peerCallId;
            resultCode = m.resultCode;
            errorCode = m.errorCode;
            packetRecvWindowSize = m.packetRecvWindowSize;
            packetTransmitDelay = m.packetTransmitDelay;
            reserved1 = m.reserved1;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /**
         * Sets {@code callId}, the Call ID the PNS assigned to the call (the PAC puts it in the GRE packets it
         * sends).
         */
        public Builder callId(int callId) {
            this.callId = callId;
            return this;
        }

        /** Sets {@code peerCallId}, the PAC's Call ID, from the Incoming-Call-Request. */
        public Builder peerCallId(int peerCallId) {
            this.peerCallId = peerCallId;
            return this;
        }

        /** Sets {@code resultCode}, the result: 1 Connect, 2 General Error, 3 Do Not Accept. */
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

        /**
         * Sets {@code packetRecvWindowSize}, the number of received data packets the PNS buffers for this call.
         */
        public Builder packetRecvWindowSize(int packetRecvWindowSize) {
            this.packetRecvWindowSize = packetRecvWindowSize;
            return this;
        }

        /** Sets {@code packetTransmitDelay}, the PNS's packet processing delay, in 1/10 seconds. */
        public Builder packetTransmitDelay(int packetTransmitDelay) {
            this.packetTransmitDelay = packetTransmitDelay;
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
        public IncomingCallReply build() {
            return new IncomingCallReply(
                    reserved0, callId, peerCallId, resultCode, errorCode, packetRecvWindowSize,
                    packetTransmitDelay, reserved1, trailer);
        }
    }
}
