package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * WAN-Error-Notify (WEN): sent by the PAC to report WAN errors of a call. Its Peer Call ID is the
 * PNS's. RFC 2637 section 2.14; 40 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param peerCallId the PNS's Call ID of the call
 * @param reserved1 Reserved1 (must be 0; kept as received)
 * @param crcErrors the number of PPP frames received with CRC errors since the call began
 * @param framingErrors the number of improperly framed PPP packets received
 * @param hardwareOverruns the number of receive buffer over-runs
 * @param bufferOverruns the number of buffer over-runs
 * @param timeoutErrors the number of time-outs
 * @param alignmentErrors the number of alignment errors
 * @param trailer the bytes beyond the fixed 40 bytes (usually none)
 */
public record WanErrorNotify(
        int reserved0,
        int peerCallId,
        int reserved1,
        long crcErrors,
        long framingErrors,
        long hardwareOverruns,
        long bufferOverruns,
        long timeoutErrors,
        long alignmentErrors,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public WanErrorNotify {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(peerCallId, "peerCallId");
        Fields.u16(reserved1, "reserved1");
        Fields.u32(crcErrors, "crcErrors");
        Fields.u32(framingErrors, "framingErrors");
        Fields.u32(hardwareOverruns, "hardwareOverruns");
        Fields.u32(bufferOverruns, "bufferOverruns");
        Fields.u32(timeoutErrors, "timeoutErrors");
        Fields.u32(alignmentErrors, "alignmentErrors");
        trailer = Fields.trailer(trailer, PptpMessageType.WAN_ERROR_NOTIFY);
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
        return PptpMessageType.WAN_ERROR_NOTIFY;
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
        return 40 + trailer.length;
    }

    /** Returns a copy with the Peer's Call ID replaced (this message if it is unchanged). */
    public WanErrorNotify withPeerCallId(int peerCallId) {
        return peerCallId == this.peerCallId ? this : new WanErrorNotify(
                reserved0, peerCallId, reserved1, crcErrors, framingErrors, hardwareOverruns, bufferOverruns,
                timeoutErrors, alignmentErrors, trailer);
    }

    static WanErrorNotify read(ByteBuf buf, int start, int length) {
        return new WanErrorNotify(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                buf.getUnsignedShort(start + 14),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedInt(start + 20),
                buf.getUnsignedInt(start + 24),
                buf.getUnsignedInt(start + 28),
                buf.getUnsignedInt(start + 32),
                buf.getUnsignedInt(start + 36),
                Fields.readTrailer(buf, start, length, PptpMessageType.WAN_ERROR_NOTIFY));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(peerCallId);
        out.writeShort(reserved1);
        out.writeInt((int) crcErrors);
        out.writeInt((int) framingErrors);
        out.writeInt((int) hardwareOverruns);
        out.writeInt((int) bufferOverruns);
        out.writeInt((int) timeoutErrors);
        out.writeInt((int) alignmentErrors);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WanErrorNotify other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && peerCallId == other.peerCallId
                && reserved1 == other.reserved1
                && crcErrors == other.crcErrors
                && framingErrors == other.framingErrors
                && hardwareOverruns == other.hardwareOverruns
                && bufferOverruns == other.bufferOverruns
                && timeoutErrors == other.timeoutErrors
                && alignmentErrors == other.alignmentErrors
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + peerCallId;
        h = 31 * h + reserved1;
        h = 31 * h + Long.hashCode(crcErrors);
        h = 31 * h + Long.hashCode(framingErrors);
        h = 31 * h + Long.hashCode(hardwareOverruns);
        h = 31 * h + Long.hashCode(bufferOverruns);
        h = 31 * h + Long.hashCode(timeoutErrors);
        h = 31 * h + Long.hashCode(alignmentErrors);
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "WanErrorNotify[reserved0=" + reserved0
                + ", peerCallId=" + peerCallId
                + ", reserved1=" + reserved1
                + ", crcErrors=" + crcErrors
                + ", framingErrors=" + framingErrors
                + ", hardwareOverruns=" + hardwareOverruns
                + ", bufferOverruns=" + bufferOverruns
                + ", timeoutErrors=" + timeoutErrors
                + ", alignmentErrors=" + alignmentErrors
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /** Builds a {@link WanErrorNotify}. Fields start at 0 (strings all NUL, no trailer). */
    public static final class Builder {
        private int reserved0;
        private int peerCallId;
        private int reserved1;
        private long crcErrors;
        private long framingErrors;
        private long hardwareOverruns;
        private long bufferOverruns;
        private long timeoutErrors;
        private long alignmentErrors;
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(WanErrorNotify m) {
            reserved0 = m.reserved0;
            peerCallId = m.peerCallId;
            reserved1 = m.reserved1;
            crcErrors = m.crcErrors;
            framingErrors = m.framingErrors;
            hardwareOverruns = m.hardwareOverruns;
            bufferOverruns = m.bufferOverruns;
            timeoutErrors = m.timeoutErrors;
            alignmentErrors = m.alignmentErrors;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /** Sets {@code peerCallId}, the PNS's Call ID of the call. */
        public Builder peerCallId(int peerCallId) {
            this.peerCallId = peerCallId;
            return this;
        }

        /** Sets {@code reserved1}, Reserved1 (must be 0; kept as received). */
        public Builder reserved1(int reserved1) {
            this.reserved1 = reserved1;
            return this;
        }

        /** Sets {@code crcErrors}, the number of PPP frames received with CRC errors since the call began. */
        public Builder crcErrors(long crcErrors) {
            this.crcErrors = crcErrors;
            return this;
        }

        /** Sets {@code framingErrors}, the number of improperly framed PPP packets received. */
        public Builder framingErrors(long framingErrors) {
            this.framingErrors = framingErrors;
            return this;
        }

        /** Sets {@code hardwareOverruns}, the number of receive buffer over-runs. */
        public Builder hardwareOverruns(long hardwareOverruns) {
            this.hardwareOverruns = hardwareOverruns;
            return this;
        }

        /** Sets {@code bufferOverruns}, the number of buffer over-runs. */
        public Builder bufferOverruns(long bufferOverruns) {
            this.bufferOverruns = bufferOverruns;
            return this;
        }

        /** Sets {@code timeoutErrors}, the number of time-outs. */
        public Builder timeoutErrors(long timeoutErrors) {
            this.timeoutErrors = timeoutErrors;
            return this;
        }

        /** Sets {@code alignmentErrors}, the number of alignment errors. */
        public Builder alignmentErrors(long alignmentErrors) {
            this.alignmentErrors = alignmentErrors;
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
        public WanErrorNotify build() {
            return new WanErrorNotify(
                    reserved0, peerCallId, reserved1, crcErrors, framingErrors, hardwareOverruns, bufferOverruns,
                    timeoutErrors, alignmentErrors, trailer);
        }
    }
}
