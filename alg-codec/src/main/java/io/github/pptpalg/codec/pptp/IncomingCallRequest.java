package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Incoming-Call-Request (ICRQ): sent by the PAC to announce a call it received. Its Call ID is the
 * PAC's. RFC 2637 section 2.9; 220 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param callId the Call ID the PAC assigned to the call (the PNS puts it in the GRE packets it sends)
 * @param callSerialNumber an identifier the PAC assigned for logging
 * @param callBearerType the bearer of the call (1 analog, 2 digital)
 * @param physicalChannelId the physical channel of the call (vendor-specific, for logging)
 * @param dialedNumberLength the number of valid digits in the Dialed Number
 * @param dialingNumberLength the number of valid digits in the Dialing Number
 * @param dialedNumber the number the caller dialed, 64 bytes NUL-padded
 * @param dialingNumber the number the call was placed from, 64 bytes NUL-padded
 * @param subaddress further dialing information, 64 bytes NUL-padded
 * @param trailer the bytes beyond the fixed 220 bytes (usually none)
 */
public record IncomingCallRequest(
        int reserved0,
        int callId,
        int callSerialNumber,
        long callBearerType,
        long physicalChannelId,
        int dialedNumberLength,
        int dialingNumberLength,
        PptpString dialedNumber,
        PptpString dialingNumber,
        PptpString subaddress,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public IncomingCallRequest {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(callId, "callId");
        Fields.u16(callSerialNumber, "callSerialNumber");
        Fields.u32(callBearerType, "callBearerType");
        Fields.u32(physicalChannelId, "physicalChannelId");
        Fields.u16(dialedNumberLength, "dialedNumberLength");
        Fields.u16(dialingNumberLength, "dialingNumberLength");
        Fields.string(dialedNumber, 64, "dialedNumber");
        Fields.string(dialingNumber, 64, "dialingNumber");
        Fields.string(subaddress, 64, "subaddress");
        trailer = Fields.trailer(trailer, PptpMessageType.INCOMING_CALL_REQUEST);
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
        return PptpMessageType.INCOMING_CALL_REQUEST;
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
        return 220 + trailer.length;
    }

    /** Returns a copy with the Call ID replaced (this message if it is unchanged). */
    public IncomingCallRequest withCallId(int callId) {
        return callId == this.callId ? this : new IncomingCallRequest(
                reserved0, callId, callSerialNumber, callBearerType, physicalChannelId, dialedNumberLength,
                dialingNumberLength, dialedNumber, dialingNumber, subaddress, trailer);
    }

    static IncomingCallRequest read(ByteBuf buf, int start, int length) {
        return new IncomingCallRequest(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedInt(start + 20),
                buf.getUnsignedShort(start + 24),
                buf.getUnsignedShort(start + 26),
                PptpString.read(buf, start + 28, 64),
                PptpString.read(buf, start + 92, 64),
                PptpString.read(buf, start + 156, 64),
                Fields.readTrailer(buf, start, length, PptpMessageType.INCOMING_CALL_REQUEST));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(callId);
        out.writeShort(callSerialNumber);
        out.writeInt((int) callBearerType);
        out.writeInt((int) physicalChannelId);
        out.writeShort(dialedNumberLength);
        out.writeShort(dialingNumberLength);
        dialedNumber.writeTo(out);
        dialingNumber.writeTo(out);
        subaddress.writeTo(out);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IncomingCallRequest other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && callId == other.callId
                && callSerialNumber == other.callSerialNumber
                && callBearerType == other.callBearerType
                && physicalChannelId == other.physicalChannelId
                && dialedNumberLength == other.dialedNumberLength
                && dialingNumberLength == other.dialingNumberLength
                && dialedNumber.equals(other.dialedNumber)
                && dialingNumber.equals(other.dialingNumber)
                && subaddress.equals(other.subaddress)
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + callId;
        h = 31 * h + callSerialNumber;
        h = 31 * h + Long.hashCode(callBearerType);
        h = 31 * h + Long.hashCode(physicalChannelId);
        h = 31 * h + dialedNumberLength;
        h = 31 * h + dialingNumberLength;
        h = 31 * h + dialedNumber.hashCode();
        h = 31 * h + dialingNumber.hashCode();
        h = 31 * h + subaddress.hashCode();
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "IncomingCallRequest[reserved0=" + reserved0
                + ", callId=" + callId
                + ", callSerialNumber=" + callSerialNumber
                + ", callBearerType=" + callBearerType
                + ", physicalChannelId=" + physicalChannelId
                + ", dialedNumberLength=" + dialedNumberLength
                + ", dialingNumberLength=" + dialingNumberLength
                + ", dialedNumber=" + dialedNumber
                + ", dialingNumber=" + dialingNumber
                + ", subaddress=" + subaddress
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link IncomingCallRequest}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int callId;
        private int callSerialNumber;
        private long callBearerType;
        private long physicalChannelId;
        private int dialedNumberLength;
        private int dialingNumberLength;
        private PptpString dialedNumber = PptpString.empty(64);
        private PptpString dialingNumber = PptpString.empty(64);
        private PptpString subaddress = PptpString.empty(64);
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(IncomingCallRequest m) {
            reserved0 = m.reserved0;
            callId = m.callId;
            callSerialNumber = m.callSerialNumber;
            callBearerType = m.callBearerType;
            physicalChannelId = m.physicalChannelId;
            dialedNumberLength = m.dialedNumberLength;
            dialingNumberLength = m.dialingNumberLength;
            dialedNumber = m.dialedNumber;
            dialingNumber = m.dialingNumber;
            subaddress = m.subaddress;
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

        /** Sets {@code callSerialNumber}, an identifier the PAC assigned for logging. */
        public Builder callSerialNumber(int callSerialNumber) {
            this.callSerialNumber = callSerialNumber;
            return this;
        }

        /** Sets {@code callBearerType}, the bearer of the call (1 analog, 2 digital). */
        public Builder callBearerType(long callBearerType) {
            this.callBearerType = callBearerType;
            return this;
        }

        /**
         * Sets {@code physicalChannelId}, the physical channel of the call (vendor-specific, for logging).
         */
        public Builder physicalChannelId(long physicalChannelId) {
            this.physicalChannelId = physicalChannelId;
            return this;
        }

        /** Sets {@code dialedNumberLength}, the number of valid digits in the Dialed Number. */
        public Builder dialedNumberLength(int dialedNumberLength) {
            this.dialedNumberLength = dialedNumberLength;
            return this;
        }

        /** Sets {@code dialingNumberLength}, the number of valid digits in the Dialing Number. */
        public Builder dialingNumberLength(int dialingNumberLength) {
            this.dialingNumberLength = dialingNumberLength;
            return this;
        }

        /** Sets {@code dialedNumber}, the number the caller dialed, 64 bytes NUL-padded. */
        public Builder dialedNumber(PptpString dialedNumber) {
            this.dialedNumber = dialedNumber;
            return this;
        }

        /** Sets {@code dialedNumber} to {@code text}, NUL-padded to 64 bytes. */
        public Builder dialedNumber(String text) {
            this.dialedNumber = PptpString.of(text, 64);
            return this;
        }

        /** Sets {@code dialingNumber}, the number the call was placed from, 64 bytes NUL-padded. */
        public Builder dialingNumber(PptpString dialingNumber) {
            this.dialingNumber = dialingNumber;
            return this;
        }

        /** Sets {@code dialingNumber} to {@code text}, NUL-padded to 64 bytes. */
        public Builder dialingNumber(String text) {
            this.dialingNumber = PptpString.of(text, 64);
            return this;
        }

        /** Sets {@code subaddress}, further dialing information, 64 bytes NUL-padded. */
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
        public IncomingCallRequest build() {
            return new IncomingCallRequest(
                    reserved0, callId, callSerialNumber, callBearerType, physicalChannelId, dialedNumberLength,
                    dialingNumberLength, dialedNumber, dialingNumber, subaddress, trailer);
        }
    }
}
