package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Incoming-Call-Connected (ICCN): sent by the PAC once the incoming call is answered. Its Peer Call ID
 * is the PNS's. RFC 2637 section 2.11; 28 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param peerCallId the PNS's Call ID, from the Incoming-Call-Reply
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param connectSpeed the actual connection speed, bits per second
 * @param packetRecvWindowSize the number of received data packets the PAC buffers for this call
 * @param packetTransmitDelay the PAC's packet processing delay, in 1/10 seconds
 * @param framingType the PPP framing in use (1 asynchronous, 2 synchronous)
 * @param trailer the bytes beyond the fixed 28 bytes (usually none)
 */
public record IncomingCallConnected(
        int reserved0,
        int peerCallId,
        int reserved1,
        long connectSpeed,
        int packetRecvWindowSize,
        int packetTransmitDelay,
        long framingType,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public IncomingCallConnected {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(peerCallId, "peerCallId");
        Fields.u16(reserved1, "reserved1");
        Fields.u32(connectSpeed, "connectSpeed");
        Fields.u16(packetRecvWindowSize, "packetRecvWindowSize");
        Fields.u16(packetTransmitDelay, "packetTransmitDelay");
        Fields.u32(framingType, "framingType");
        trailer = Fields.trailer(trailer, PptpMessageType.INCOMING_CALL_CONNECTED);
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
        return PptpMessageType.INCOMING_CALL_CONNECTED;
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
        return 28 + trailer.length;
    }

    /** Returns a copy with the Peer's Call ID replaced (this message if it is unchanged). */
    public IncomingCallConnected withPeerCallId(int peerCallId) {
        return peerCallId == this.peerCallId ? this : new IncomingCallConnected(
                reserved0, peerCallId, reserved1, connectSpeed, packetRecvWindowSize, packetTransmitDelay,
                framingType, trailer);
    }

    static IncomingCallConnected read(ByteBuf buf, int start, int length) {
        return new IncomingCallConnected(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedShort(start + 20),
                buf.getUnsignedShort(start + 22),
                buf.getUnsignedInt(start + 24),
                Fields.readTrailer(buf, start, length, PptpMessageType.INCOMING_CALL_CONNECTED));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(peerCallId);
        out.writeShort(reserved1);
        out.writeInt((int) connectSpeed);
        out.writeShort(packetRecvWindowSize);
        out.writeShort(packetTransmitDelay);
        out.writeInt((int) framingType);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IncomingCallConnected other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && peerCallId == other.peerCallId
                && reserved1 == other.reserved1
                && connectSpeed == other.connectSpeed
                && packetRecvWindowSize == other.packetRecvWindowSize
                && packetTransmitDelay == other.packetTransmitDelay
                && framingType == other.framingType
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + peerCallId;
        h = 31 * h + reserved1;
        h = 31 * h + Long.hashCode(connectSpeed);
        h = 31 * h + packetRecvWindowSize;
        h = 31 * h + packetTransmitDelay;
        h = 31 * h + Long.hashCode(framingType);
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "IncomingCallConnected[reserved0=" + reserved0
                + ", peerCallId=" + peerCallId
                + ", reserved1=" + reserved1
                + ", connectSpeed=" + connectSpeed
                + ", packetRecvWindowSize=" + packetRecvWindowSize
                + ", packetTransmitDelay=" + packetTransmitDelay
                + ", framingType=" + framingType
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link IncomingCallConnected}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int peerCallId;
        private int reserved1;
        private long connectSpeed;
        private int packetRecvWindowSize;
        private int packetTransmitDelay;
        private long framingType;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(IncomingCallConnected m) {
            reserved0 = m.reserved0;
            peerCallId = m.peerCallId;
            reserved1 = m.reserved1;
            connectSpeed = m.connectSpeed;
            packetRecvWindowSize = m.packetRecvWindowSize;
            packetTransmitDelay = m.packetTransmitDelay;
            framingType = m.framingType;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code peerCallId}, the PNS's Call ID, from the Incoming-Call-Reply. */
        public Builder peerCallId(int peerCallId) {
            this.peerCallId = peerCallId;
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
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

        /** Sets {@code packetTransmitDelay}, the PAC's packet processing delay, in 1/10 seconds. */
        public Builder packetTransmitDelay(int packetTransmitDelay) {
            this.packetTransmitDelay = packetTransmitDelay;
            return this;
        }

        /** Sets {@code framingType}, the PPP framing in use (1 asynchronous, 2 synchronous). */
        public Builder framingType(long framingType) {
            this.framingType = framingType;
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
        public IncomingCallConnected build() {
            return new IncomingCallConnected(
                    reserved0, peerCallId, reserved1, connectSpeed, packetRecvWindowSize, packetTransmitDelay,
                    framingType, trailer);
        }
    }
}
