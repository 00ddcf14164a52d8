package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Outgoing-Call-Request (OCRQ): sent by the PNS to have the PAC place a call. Its Call ID is the
 * PNS's. RFC 2637 section 2.7; 168 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the Call ID the PNS assigned to the call (the PAC puts it in the GRE packets it sends)
 * @param callSerialNumber an identifier the PNS assigned for logging
 * @param minimumBps the lowest acceptable line speed, bits per second
 * @param maximumBps the highest acceptable line speed, bits per second
 * @param bearerType the bearer to use (1 analog, 2 digital, 3 any)
 * @param framingType the PPP framing to use (1 asynchronous, 2 synchronous, 3 either)
 * @param packetRecvWindowSize the number of received data packets the PNS buffers for this call
 * @param packetProcessingDelay the PNS's packet processing delay, in 1/10 seconds
 * @param phoneNumberLength the number of valid digits in the Phone Number
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param phoneNumber the number to dial, 64 bytes NUL-padded
 * @param subaddress further dialing or routing information, 64 bytes NUL-padded
 * @param trailer the bytes beyond the fixed 168 bytes (usually none)
 */
public record OutgoingCallRequest(
        int reserved0,
        int callId,
        int callSerialNumber,
        long minimumBps,
        long maximumBps,
        long bearerType,
        long framingType,
        int packetRecvWindowSize,
        int packetProcessingDelay,
        int phoneNumberLength,
        int reserved1,
        PptpString phoneNumber,
        PptpString subaddress,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public OutgoingCallRequest {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Fields.u16(callSerialNumber, "callSerialNumber");
        Fields.u32(minimumBps, "minimumBps");
        Fields.u32(maximumBps, "maximumBps");
        Fields.u32(bearerType, "bearerType");
        Fields.u32(framingType, "framingType");
        Fields.u16(packetRecvWindowSize, "packetRecvWindowSize");
        Fields.u16(packetProcessingDelay, "packetProcessingDelay");
        Fields.u16(phoneNumberLength, "phoneNumberLength");
        Fields.u16(reserved1, "reserved1");
        Fields.string(phoneNumber, 64, "phoneNumber");
        Fields.string(subaddress, 64, "subaddress");
        trailer = Fields.trailer(trailer, PptpMessageType.OUTGOING_CALL_REQUEST);
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
        return PptpMessageType.OUTGOING_CALL_REQUEST;
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
        return 168 + trailer.length;
    }

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public OutgoingCallRequest withCallId(int callId) {
        return callId == this.callId ? this : new OutgoingCallRequest(
                reserved0, callId, callSerialNumber, minimumBps, maximumBps, bearerType, framingType,
                packetRecvWindowSize, packetProcessingDelay, phoneNumberLength, reserved1, phoneNumber, subaddress,
                trailer);
    }

    static OutgoingCallRequest read(ByteBuf buf, int start, int length) {
        return new OutgoingCallRequest(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedInt(start + 20),
                buf.getUnsignedInt(start + 24),
                buf.getUnsignedInt(start + 28),
                buf.getUnsignedShort(start + 32),
                buf.getUnsignedShort(start + 34),
                buf.getUnsignedShort(start + 36),
                buf.getUnsignedShort(start + 38),
                PptpString.read(buf, start + 40, 64),
                PptpString.read(buf, start + 104, 64),
                Fields.readTrailer(buf, start, length, PptpMessageType.OUTGOING_CALL_REQUEST));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeShort(callSerialNumber);
        out.writeInt((int) minimumBps);
        out.writeInt((int) maximumBps);
        out.writeInt((int) bearerType);
        out.writeInt((int) framingType);
        out.writeShort(packetRecvWindowSize);
        out.writeShort(packetProcessingDelay);
        out.writeShort(phoneNumberLength);
        out.writeShort(reserved1);
        phoneNumber.writeTo(out);
        subaddress.writeTo(out);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OutgoingCallRequest other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && callSerialNumber == other.callSerialNumber
                && minimumBps == other.minimumBps
                && maximumBps == other.maximumBps
                && bearerType == other.bearerType
                && framingType == other.framingType
                && packetRecvWindowSize == other.packetRecvWindowSize
                && packetProcessingDelay == other.packetProcessingDelay
                && phoneNumberLength == other.phoneNumberLength
                && reserved1 == other.reserved1
                && phoneNumber.equals(other.phoneNumber)
                && subaddress.equals(other.subaddress)
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + callSerialNumber;
        h = 31 * h + Long.hashCode(minimumBps);
        h = 31 * h + Long.hashCode(maximumBps);
        h = 31 * h + Long.hashCode(bearerType);
        h = 31 * h + Long.hashCode(framingType);
        h = 31 * h + packetRecvWindowSize;
        h = 31 * h + packetProcessingDelay;
        h = 31 * h + phoneNumberLength;
        h = 31 * h + reserved1;
        h = 31 * h + phoneNumber.hashCode();
        h = 31 * h + subaddress.hashCode();
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "OutgoingCallRequest[reserved0=" + reserved0
                + ", callId=" + callId
                + ", callSerialNumber=" + callSerialNumber
                + ", minimumBps=" + minimumBps
                + ", maximumBps=" + maximumBps
                + ", bearerType=" + bearerType
                + ", framingType=" + framingType
                + ", packetRecvWindowSize=" + packetRecvWindowSize
                + ", packetProcessingDelay=" + packetProcessingDelay
                + ", phoneNumberLength=" + phoneNumberLength
                + ", reserved1=" + reserved1
                + ", phoneNumber=" + phoneNumber
                + ", subaddress=" + subaddress
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link OutgoingCallRequest}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private int callSerialNumber;
        private long minimumBps;
        private long maximumBps;
        private long bearerType;
        private long framingType;
        private int packetRecvWindowSize;
        private int packetProcessingDelay;
        private int phoneNumberLength;
        private int reserved1;
        private PptpString phoneNumber = PptpString.empty(64);
        private PptpString subaddress = PptpString.empty(64);
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(OutgoingCallRequest m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            callSerialNumber = m.callSerialNumber;
            minimumBps = m.minimumBps;
            maximumBps = m.maximumBps;
            bearerType = m.bearerType;
            framingType = m.framingType;
            packetRecvWindowSize = m.packetRecvWindowSize;
            packetProcessingDelay = m.packetProcessingDelay;
            phoneNumberLength = m.phoneNumberLength;
            reserved1 = m.reserved1;
            phoneNumber = m.phoneNumber;
            subaddress = m.subaddress;
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

        /** Sets {@code callSerialNumber}, an identifier the PNS assigned for logging. */
        public Builder callSerialNumber(int callSerialNumber) {
            this.callSerialNumber = callSerialNumber;
            return this;
        }

        /** Sets {@code minimumBps}, the lowest acceptable line speed, bits per second. */
        public Builder minimumBps(long minimumBps) {
            this.minimumBps = minimumBps;
            return this;
        }

        /** Sets {@code maximumBps}, the highest acceptable line speed, bits per second. */
        public Builder maximumBps(long maximumBps) {
            this.maximumBps = maximumBps;
            return this;
        }

        /** Sets {@code bearerType}, the bearer to use (1 analog, 2 digital, 3 any). */
        public Builder bearerType(long bearerType) {
            this.bearerType = bearerType;
            return this;
        }

        /** Sets {@code framingType}, the PPP framing to use (1 asynchronous, 2 synchronous, 3 either). */
        public Builder framingType(long framingType) {
            this.framingType = framingType;
            return this;
        }

        /**
         * Sets {@code packetRecvWindowSize}, the number of received data packets the PNS buffers for this call.
         */
        public Builder packetRecvWindowSize(int packetRecvWindowSize) {
            this.packetRecvWindowSize = packetRecvWindowSize;
            return this;
        }

        /** Sets {@code packetProcessingDelay}, the PNS's packet processing delay, in 1/10 seconds. */
        public Builder packetProcessingDelay(int packetProcessingDelay) {
            this.packetProcessingDelay = packetProcessingDelay;
            return this;
        }

        /** Sets {@code phoneNumberLength}, the number of valid digits in the Phone Number. */
        public Builder phoneNumberLength(int phoneNumberLength) {
            this.phoneNumberLength = phoneNumberLength;
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
            return this;
        }

        /** Sets {@code phoneNumber}, the number to dial, 64 bytes NUL-padded. */
        public Builder phoneNumber(PptpString phoneNumber) {
            this.phoneNumber = phoneNumber;
            return this;
        }

        /** Sets {@code phoneNumber} to {@code text}, NUL-padded to 64 bytes. */
        public Builder phoneNumber(String text) {
            this.phoneNumber = PptpString.of(text, 64);
            return this;
        }

        /** Sets {@code subaddress}, further dialing or routing information, 64 bytes NUL-padded. */
        public Builder subaddress(PptpString subaddress) {
            this.subaddress = subaddress;
            return this;
        }

        /** Sets {@code subaddress} to {@code text}, NUL-padded to 64 bytes. */
        public Builder subaddress(String text) {
            this.subaddress = PptpString.of(text, 64);
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
        public OutgoingCallRequest build() {
            return new OutgoingCallRequest(
                    reserved0, callId, callSerialNumber, minimumBps, maximumBps, bearerType, framingType,
                    packetRecvWindowSize, packetProcessingDelay, phoneNumberLength, reserved1, phoneNumber,
                    subaddress, trailer);
        }
    }
}
