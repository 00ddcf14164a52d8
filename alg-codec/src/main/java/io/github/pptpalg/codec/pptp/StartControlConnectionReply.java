package io.github.pptpalg.codec.pptp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Start-Control-Connection-Reply (SCCRP): the answer to a Start-Control-Connection-Request. RFC 2637
 * section 2.2; 156 bytes, header included.
 *
 * <p>Every field is kept as received, reserved ones included, and so are any bytes beyond the fixed
 * length (the trailer), so that encoding gives back the bytes decoded. Build one with {@link #builder()}.
 *
 * @param reserved0 the header's Reserved0 (must be 0; kept as received)
 * @param protocolVersion the version of PPTP the sender wants to use (0x0100 for RFC 2637)
 * @param resultCode the result of the request: 1 success, 2 general error, 3 command channel already
 *        exists, 4 not authorized, 5 unsupported protocol version
 * @param errorCode Error Code (RFC 2637 section 2.16), meaningful when the Result Code is 2 (General
 *        error)
 * @param framingCapabilities the framing the sender can provide (bit 0: asynchronous, bit 1:
 *        synchronous)
 * @param bearerCapabilities the bearer the sender can provide (bit 0: analog, bit 1: digital)
 * @param maximumChannels the number of sessions a PAC can support (0 when sent by a PNS)
 * @param firmwareRevision the firmware revision of the PAC, or the driver version of the PNS
 * @param hostName the DNS name of the sender, 64 bytes NUL-padded
 * @param vendorString a vendor-specific string describing the sender, 64 bytes NUL-padded
 * @param trailer the bytes beyond the fixed 156 bytes (usually none)
 */
public record StartControlConnectionReply(
        int reserved0,
        int protocolVersion,
        ResultCode resultCode,
        ErrorCode errorCode,
        long framingCapabilities,
        long bearerCapabilities,
        int maximumChannels,
        int firmwareRevision,
        PptpString hostName,
        PptpString vendorString,
        byte[] trailer) implements PptpMessage {

    /**
     * Checks every field against its size on the wire and copies the trailer.
     *
     * @throws IllegalArgumentException if a value does not fit its field, a string field has the wrong
     *                                  size or the trailer makes the message longer than 65535 bytes
     */
    public StartControlConnectionReply {
        Fields.u16(reserved0, "reserved0");
        Fields.u16(protocolVersion, "protocolVersion");
        Objects.requireNonNull(resultCode, "resultCode");
        Objects.requireNonNull(errorCode, "errorCode");
        Fields.u32(framingCapabilities, "framingCapabilities");
        Fields.u32(bearerCapabilities, "bearerCapabilities");
        Fields.u16(maximumChannels, "maximumChannels");
        Fields.u16(firmwareRevision, "firmwareRevision");
        Fields.string(hostName, 64, "hostName");
        Fields.string(vendorString, 64, "vendorString");
        trailer = Fields.trailer(trailer, PptpMessageType.START_CONTROL_CONNECTION_REPLY);
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
        return PptpMessageType.START_CONTROL_CONNECTION_REPLY;
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
        return 156 + trailer.length;
    }

    static StartControlConnectionReply read(ByteBuf buf, int start, int length) {
        return new StartControlConnectionReply(
                buf.getUnsignedShort(start + 10),
                buf.getUnsignedShort(start + 12),
                ResultCode.valueOf(buf.getUnsignedByte(start + 14)),
                ErrorCode.valueOf(buf.getUnsignedByte(start + 15)),
                buf.getUnsignedInt(start + 16),
                buf.getUnsignedInt(start + 20),
                buf.getUnsignedShort(start + 24),
                buf.getUnsignedShort(start + 26),
                PptpString.read(buf, start + 28, 64),
                PptpString.read(buf, start + 92, 64),
                Fields.readTrailer(buf, start, length, PptpMessageType.START_CONTROL_CONNECTION_REPLY));
    }

    void writeBody(ByteBuf out) {
        out.writeShort(protocolVersion);
        out.writeByte(resultCode.value());
        out.writeByte(errorCode.value());
        out.writeInt((int) framingCapabilities);
        out.writeInt((int) bearerCapabilities);
        out.writeShort(maximumChannels);
        out.writeShort(firmwareRevision);
        hostName.writeTo(out);
        vendorString.writeTo(out);
        out.writeBytes(trailer);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StartControlConnectionReply other)) {
            return false;
        }
        return reserved0 == other.reserved0
                && protocolVersion == other.protocolVersion
                && resultCode.equals(other.resultCode)
                && errorCode.equals(other.errorCode)
                && framingCapabilities == other.framingCapabilities
                && bearerCapabilities == other.bearerCapabilities
                && maximumChannels == other.maximumChannels
                && firmwareRevision == other.firmwareRevision
                && hostName.equals(other.hostName)
                && vendorString.equals(other.vendorString)
                && Arrays.equals(trailer, other.trailer);
    }

    @Override
    public int hashCode() {
        int h = reserved0;
        h = 31 * h + protocolVersion;
        h = 31 * h + resultCode.hashCode();
        h = 31 * h + errorCode.hashCode();
        h = 31 * h + Long.hashCode(framingCapabilities);
        h = 31 * h + Long.hashCode(bearerCapabilities);
        h = 31 * h + maximumChannels;
        h = 31 * h + firmwareRevision;
        h = 31 * h + hostName.hashCode();
        h = 31 * h + vendorString.hashCode();
        return 31 * h + Arrays.hashCode(trailer);
    }

    @Override
    public String toString() {
        return "StartControlConnectionReply[reserved0=" + reserved0
                + ", protocolVersion=" + protocolVersion
                + ", resultCode=" + resultCode
                + ", errorCode=" + errorCode
                + ", framingCapabilities=" + framingCapabilities
                + ", bearerCapabilities=" + bearerCapabilities
                + ", maximumChannels=" + maximumChannels
                + ", firmwareRevision=" + firmwareRevision
                + ", hostName=" + hostName
                + ", vendorString=" + vendorString
                + ", trailer=" + Fields.hex(trailer) + ']';
    }

    /**
     * Builds a {@link StartControlConnectionReply}. Fields start at 0 (strings all NUL, no trailer), except
     * {@code protocolVersion} 0x0100, {@code resultCode} OK, {@code errorCode} NONE.
     */
    public static final class Builder {
        private int reserved0;
        private int protocolVersion = 0x0100;
        private ResultCode resultCode = ResultCode.OK;
        private ErrorCode errorCode = ErrorCode.NONE;
        private long framingCapabilities;
        private long bearerCapabilities;
        private int maximumChannels;
        private int firmwareRevision;
        private PptpString hostName = PptpString.empty(64);
        private PptpString vendorString = PptpString.empty(64);
        private byte[] trailer = Fields.EMPTY;

        private Builder() {
        }

        private Builder(StartControlConnectionReply m) {
            reserved0 = m.reserved0;
            protocolVersion = m.protocolVersion;
            resultCode = m.resultCode;
            errorCode = m.errorCode;
            framingCapabilities = m.framingCapabilities;
            bearerCapabilities = m.bearerCapabilities;
            maximumChannels = m.maximumChannels;
            firmwareRevision = m.firmwareRevision;
            hostName = m.hostName;
            vendorString = m.vendorString;
            trailer = m.trailer;
        }

        /** Sets the header's Reserved0. */
        public Builder reserved0(int reserved0) {
            this.reserved0 = reserved0;
            return this;
        }

        /**
         * Sets {@code protocolVersion}, the version of PPTP the sender wants to use (0x0100 for RFC 2637).
         */
        public Builder protocolVersion(int protocolVersion) {
            this.protocolVersion = protocolVersion;
            return this;
        }

        /**
         * Sets {@code resultCode}, the result of the request: 1 success, 2 general error, 3 command channel
         * already exists, 4 not authorized, 5 unsupported protocol version.
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

        /**
         * Sets {@code framingCapabilities}, the framing the sender can provide (bit 0: asynchronous, bit 1:
         * synchronous).
         */
        public Builder framingCapabilities(long framingCapabilities) {
            this.framingCapabilities = framingCapabilities;
            return this;
        }

        /**
         * Sets {@code bearerCapabilities}, the bearer the sender can provide (bit 0: analog, bit 1: digital).
         */
        public Builder bearerCapabilities(long bearerCapabilities) {
            this.bearerCapabilities = bearerCapabilities;
            return this;
        }

        /** Sets {@code maximumChannels}, the number of sessions a PAC can support (0 when sent by a PNS). */
        public Builder maximumChannels(int maximumChannels) {
            this.maximumChannels = maximumChannels;
            return this;
        }

        /**
         * Sets {@code firmwareRevision}, the firmware revision of the PAC, or the driver version of the PNS.
         */
        public Builder firmwareRevision(int firmwareRevision) {
            this.firmwareRevision = firmwareRevision;
            return this;
        }

        /** Sets {@code hostName}, the DNS name of the sender, 64 bytes NUL-padded. */
        public Builder hostName(PptpString hostName) {
            this.hostName = hostName;
            return this;
        }

        /** Sets {@code hostName} to {@code text}, NUL-padded to 64 bytes. */
        public Builder hostName(String text) {
            this.hostName = PptpString.of(text, 64);
            return this;
        }

        /** Sets {@code vendorString}, a vendor-specific string describing the sender, 64 bytes NUL-padded. */
        public Builder vendorString(PptpString vendorString) {
            this.vendorString = vendorString;
            return this;
        }

        /** Sets {@code vendorString} to {@code text}, NUL-padded to 64 bytes. */
        public Builder vendorString(String text) {
            this.vendorString = PptpString.of(text, 64);
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
        public StartControlConnectionReply build() {
            return new StartControlConnectionReply(
                    reserved0, protocolVersion, resultCode, errorCode, framingCapabilities, bearerCapabilities,
                    maximumChannels, firmwareRevision, hostName, vendorString, trailer);
        }
    }
}
