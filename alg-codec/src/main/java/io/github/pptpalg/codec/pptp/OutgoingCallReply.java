package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Outgoing-Call-Reply (OCRP): sent by the PAC in answer to an Outgoing-Call-Request. Call ID = PAC's,
 * Peer Call ID = PNS's. RFC 2637 section 2.8; 32 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the Call ID the PAC assigned to the call (the PNS puts it in the GRE packets it sends)
 * @param peerCallId the PNS's Call ID, from the Outgoing-Call-Request
 * @param resultCode the result: 1 Connected, 2 General Error, 3 No Carrier, 4 Busy, 5 No Dial Tone, 6
 *        Time-out, 7 Do Not Accept
 * @param errorCode Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2 (General
 *        error)
 * @param causeCode additional failure information (typically a Q.931 cause)
 * @param connectSpeed the actual connection speed, bits per second
 * @param packetRecvWindowSize the number of received data packets the PAC buffers for this call
 * @param packetProcessingDelay the PAC's packet processing delay, in 1/10 seconds
 * @param physicalChannelId the physical channel used for the call (vendor-specific, for logging)
 * @param trailer the bytes beyond the fixed 32 bytes (usually none)
 */
public record OutgoingCallReply(
        int reserved0,
        int callId,
        int peerCallId,
        ResultCode resultCode,
        ErrorCode errorCode,
        CauseCode causeCode,
        long connectSpeed,
        int packetRecvWindowSize,
        int packetProcessingDelay,
        long physicalChannelId,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public OutgoingCallReply {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Fields.u16(peerCallId, "peerCallId");
        Objects.requireNonNull(resultCode, "resultCode");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(causeCode, "causeCode");
        Fields.u32(connectSpeed, "connectSpeed");
        Fields.u16(packetRecvWindowSize, "packetRecvWindowSize");
        Fields.u16(packetProcessingDelay, "packetProcessingDelay");
        Fields.u32(physicalChannelId, "physicalChannelId");
        trailer = Fields.trailer(trailer, PptpMessageType.OUTGOING_CALL_REPLY);
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
        return PptpMessageType.OUTGOING_CALL_REPLY;
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
        return 32 + trailer.length;
    }

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public OutgoingCallReply withCallId(int callId) {
        return callId == this.callId ? this : new OutgoingCallReply(
                reserved0, callId, peerCallId, resultCode, errorCode, causeCode, connectSpeed,
                packetRecvWindowSize, packetProcessingDelay, physicalChannelId, trailer);
    }

    /** Returns a copy with the Peer's Call ID replaced (this message if it is unchanged). */
    public OutgoingCallReply withPeerCallId(int peerCallId) {
        return peerCallId == this.peerCallId ? this : new OutgoingCallReply(
                reserved0, callId, peerCallId, resultCode, errorCode, causeCode, connectSpeed,
                packetRecvWindowSize, packetProcessingDelay, physicalChannelId, trailer);
    }

    static OutgoingCallReply read(ByteBuf buf, int start, int length) {
        return new OutgoingCallReply(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                ResultCode.valueOf(buf.getUnsignedByte(start + 16)),
                ErrorCode.valueOf(buf.getUnsignedByte(start + 17)),
                CauseCode.valueOf(buf.getUnsignedShort(start + 18)),
                buf.getUnsignedInt(start + 20),
                buf.getUnsignedShort(start + 24),
                buf.getUnsignedShort(start + 26),
                buf.getUnsignedInt(start + 28),
                Fields.readTrailer(buf, start, length, PptpMessageType.OUTGOING_CALL_REPLY));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeShort(peerCallId);
        out.writeByte(resultCode.value());
        out.writeByte(errorCode.value());
        out.writeShort(causeCode.value());
        out.writeInt((int) connectSpeed);
        out.writeShort(packetRecvWindowSize);
        out.writeShort(packetProcessingDelay);
        out.writeInt((int) physicalChannelId);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OutgoingCallReply other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && peerCallId == other.peerCallId
                && resultCode.equals(other.resultCode)
                && errorCode.equals(other.errorCode)
                && causeCode.equals(other.causeCode)
                && connectSpeed == other.connectSpeed
                && packetRecvWindowSize == other.packetRecvWindowSize
                && packetProcessingDelay == other.packetProcessingDelay
                && physicalChannelId == other.physicalChannelId
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + peerCallId;
        h = 31 * h + resultCode.hashCode();
        h = 31 * h + errorCode.hashCode();
        h = 31 * h + causeCode.hashCode();
        h = 31 * h + Long.hashCode(connectSpeed);
        h = 31 * h + packetRecvWindowSize;
        h = 31 * h + packetProcessingDelay;
        h = 31 * h + Long.hashCode(physicalChannelId);
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "OutgoingCallReply[reserved0=" + reserved0
                + ", callId=" + callId
                + ", peerCallId=" + peerCallId
                + ", resultCode=" + resultCode
                + ", errorCode=" + errorCode
                + ", causeCode=" + causeCode
                + ", connectSpeed=" + connectSpeed
                + ", packetRecvWindowSize=" + packetRecvWindowSize
                + ", packetProcessingDelay=" + packetProcessingDelay
                + ", physicalChannelId=" + physicalChannelId
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link OutgoingCallReply}. Fields start at 0 (strings all NUL, no trailer), except {@code
     * resultCode} OK, {@code errorCode} NONE, {@code causeCode} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private int peerCallId;
        private ResultCode resultCode = ResultCode.OK;
        private ErrorCode errorCode = ErrorCode.NONE;
        private CauseCode causeCode = CauseCode.NONE;
        private long connectSpeed;
        private int packetRecvWindowSize;
        private int packetProcessingDelay;
        private long physicalChannelId;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(OutgoingCallReply m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            peerCallId = m.peerCallId;
            resultCode = m.resultCode;
            errorCode = m.errorCode;
            causeCode = m.causeCode;
            connectSpeed = m.connectSpeed;
            packetRecvWindowSize = m.packetRecvWindowSize;
            packetProcessingDelay = m.packetProcessingDelay;
            physicalChannelId = m.physicalChannelId;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /**
         * Sets {@code callId}, the Call ID the PAC assigned to the call (the PNS puts it in the GRE packets it
         * sends).
         */
        public Builder callId(int callId) {
            this.callId = callId;
            return this;
        }

        /** Sets {@code peerCallId}, the PNS's Call ID, from the Outgoing-Call-Request. */
        public Builder peerCallId(int peerCallId) {
            this.peerCallId = peerCallId;
            return this;
        }

        /**
         * Sets {@code resultCode}, the result: 1 Connected, 2 General Error, 3 No Carrier, 4 Busy, 5 No Dial
         * Tone, 6 Time-out, 7 Do Not Accept.
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

        /** Sets {@code connectSpeed}, the actual connection speed, bits per second. */
        public Builder connectSpeed(long connectSpeed) {
            this.connectSpeed = connectSpeed;
            return this;
        }

        /**
         * Sets {@code packetRecvWindowSize}, the number of received data packets the PAC buffers for this call.
         */
        public Builder packetRecvWindowSize(int packetRecvWindowSize) {
            this.packetRecvWindowSize = packetRecvWindowSize;
            return this;
        }

        /** Sets {@code packetProcessingDelay}, the PAC's packet processing delay, in 1/10 seconds. */
        public Builder packetProcessingDelay(int packetProcessingDelay) {
            this.packetProcessingDelay = packetProcessingDelay;
            return this;
        }

        /**
         * Sets {@code physicalChannelId}, the physical channel used for the call (vendor-specific, for logging).
         */
        public Builder physicalChannelId(long physicalChannelId) {
            this.physicalChannelId = physicalChannelId;
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
        public OutgoingCallReply build() {
            return new OutgoingCallReply(
                    reserved0, callId, peerCallId, resultCode, errorCode, causeCode, connectSpeed,
                    packetRecvWindowSize, packetProcessingDelay, physicalChannelId, trailer);
        }
    }
}
