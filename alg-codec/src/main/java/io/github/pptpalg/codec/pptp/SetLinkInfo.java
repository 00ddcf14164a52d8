package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Set-Link-Info (SLI): sent by the PNS to set PPP options of a call on the PAC. Its Peer Call ID is
 * the PAC's. RFC 2637 section 2.15; 24 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param peerCallId the PAC's Call ID of the call
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param sendAccm the send ACCM the PAC is to use
 * @param receiveAccm the receive ACCM the PAC is to use
 * @param trailer the bytes beyond the fixed 24 bytes (usually none)
 */
public record SetLinkInfo(
        int reserved0,
        int peerCallId,
        int reserved1,
        long sendAccm,
        long receiveAccm,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public SetLinkInfo {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(peerCallId, "peerCallId");
        Fields.u16(reserved1, "reserved1");
        Fields.u32(sendAccm, "sendAccm");
        Fields.u32(receiveAccm, "receiveAccm");
        trailer = Fields.trailer(trailer, PptpMessageType.SET_LINK_INFO);
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
        return PptpMessageType.SET_LINK_INFO;
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

    /** Returns a copy with the Peer's Call ID replaced (this message if it is unchanged). */
    public SetLinkInfo withPeerCallId(int peerCallId) {
        return peerCallId == this.peerCallId ? this : new SetLinkInfo(
                reserved0, peerCallId, reserved1, sendAccm, receiveAccm, trailer);
    }

    static SetLinkInfo read(ByteBuf buf, int start, int length) {
        return new SetLinkInfo(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedInt(start + 20),
                Fields.readTrailer(buf, start, length, PptpMessageType.SET_LINK_INFO));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(peerCallId);
        out.writeShort(reserved1);
        out.writeInt((int) sendAccm);
        out.writeInt((int) receiveAccm);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SetLinkInfo other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && peerCallId == other.peerCallId
                && reserved1 == other.reserved1
                && sendAccm == other.sendAccm
                && receiveAccm == other.receiveAccm
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + peerCallId;
        h = 31 * h + reserved1;
        h = 31 * h + Long.hashCode(sendAccm);
        h = 31 * h + Long.hashCode(receiveAccm);
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "SetLinkInfo[reserved0=" + reserved0
                + ", peerCallId=" + peerCallId
                + ", reserved1=" + reserved1
                + ", sendAccm=" + sendAccm
                + ", receiveAccm=" + receiveAccm
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link SetLinkInfo}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int peerCallId;
        private int reserved1;
        private long sendAccm;
        private long receiveAccm;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(SetLinkInfo m) {
            reserved0 = m.reserved0;
            peerCallId = m.peerCallId;
            reserved1 = m.reserved1;
            sendAccm = m.sendAccm;
            receiveAccm = m.receiveAccm;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code peerCallId}, the PAC's Call ID of the call. */
        public Builder peerCallId(int peerCallId) {
            this.peerCallId = peerCallId;
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
            return this;
        }

        /** Sets {@code sendAccm}, the send ACCM the PAC is to use. */
        public Builder sendAccm(long sendAccm) {
            this.sendAccm = sendAccm;
            return this;
        }

        /** Sets {@code receiveAccm}, the receive ACCM the PAC is to use. */
        public Builder receiveAccm(long receiveAccm) {
            this.receiveAccm = receiveAccm;
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
        public SetLinkInfo build() {
            return new SetLinkInfo(reserved0, peerCallId, reserved1, sendAccm, receiveAccm, trailer);
        }
    }
}
