package io.github.pptpalg.codec.pptp;

import io.github.pptpalg.codec.pptp.PptpProtocolException.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.Objects;

/**
 * Encoding and decoding of PPTP control messages outside a pipeline, and in-place access to the Call ID
 * fields of an encoded frame.
 *
 * <p>Every control message starts with a 12-byte header (in every layout of RFC 2637 section 2): Length
 * (2 bytes, the whole message), PPTP Message Type (2, always 1), Magic Cookie (4, 0x1A2B3C4D), Control
 * Message Type (2) and Reserved0 (2). All fields are big-endian.
 */
public final class PptpControlCodec {

    /** The length of the header common to all control messages. */
    public static final int HEADER_LENGTH = 12;
    /** The Magic Cookie every control message carries. */
    public static final int MAGIC_COOKIE = 0x1A2B3C4D;
    /** The PPTP Message Type of a control message (the only one RFC 2637 uses). */
    public static final int CONTROL_MESSAGE = 1;
    /** The default largest Length accepted by the decoder. */
    public static final int DEFAULT_MAX_LENGTH = 1024;
    /** The smallest limit a decoder may have: the longest fixed length (Incoming-Call-Request, 220). */
    public static final int MIN_MAX_LENGTH = 220;

    private static final int PPTP_MESSAGE_TYPE_OFFSET = 2;
    private static final int MAGIC_COOKIE_OFFSET = 4;
    private static final int CONTROL_MESSAGE_TYPE_OFFSET = 8;

    private PptpControlCodec() {
    }

    // ---------------------------------------------------------------------------------------- encoding

    /**
     * Writes {@code msg} to {@code out} ({@code msg.length()} bytes at its writer index).
     *
     * @return the number of bytes written
     */
    public static int encode(PptpMessage msg, ByteBuf out) {
        Objects.requireNonNull(msg, "msg");
        Objects.requireNonNull(out, "out");
        int length = msg.length();
        out.ensureWritable(length);
        out.writeShort(length);
        out.writeShort(CONTROL_MESSAGE);
        out.writeInt(MAGIC_COOKIE);
        out.writeShort(msg.type().value());
        out.writeShort(msg.reserved0());
        switch (msg.type()) {
            case START_CONTROL_CONNECTION_REQUEST -> ((StartControlConnectionRequest) msg).writeBody(out);
            case START_CONTROL_CONNECTION_REPLY -> ((StartControlConnectionReply) msg).writeBody(out);
            case STOP_CONTROL_CONNECTION_REQUEST -> ((StopControlConnectionRequest) msg).writeBody(out);
            case STOP_CONTROL_CONNECTION_REPLY -> ((StopControlConnectionReply) msg).writeBody(out);
            case ECHO_REQUEST -> ((EchoRequest) msg).writeBody(out);
            case ECHO_REPLY -> ((EchoReply) msg).writeBody(out);
            case OUTGOING_CALL_REQUEST -> ((OutgoingCallRequest) msg).writeBody(out);
            case OUTGOING_CALL_REPLY -> ((OutgoingCallReply) msg).writeBody(out);
            case INCOMING_CALL_REQUEST -> ((IncomingCallRequest) msg).writeBody(out);
            case INCOMING_CALL_REPLY -> ((IncomingCallReply) msg).writeBody(out);
            case INCOMING_CALL_CONNECTED -> ((IncomingCallConnected) msg).writeBody(out);
            case CALL_CLEAR_REQUEST -> ((CallClearRequest) msg).writeBody(out);
            case CALL_DISCONNECT_NOTIFY -> ((CallDisconnectNotify) msg).writeBody(out);
            case WAN_ERROR_NOTIFY -> ((WanErrorNotify) msg).writeBody(out);
            case SET_LINK_INFO -> ((SetLinkInfo) msg).writeBody(out);
            default -> throw new AssertionError(msg.type());
        }
        return length;
    }

    /** Returns a new buffer from {@code alloc} holding {@code msg}; the caller releases it. */
    public static ByteBuf encode(PptpMessage msg, ByteBufAllocator alloc) {
        Objects.requireNonNull(msg, "msg");
        ByteBuf out = alloc.buffer(msg.length());
        try {
            encode(msg, out);
            return out;
        } catch (Throwable t) {
            out.release();
            throw t;
        }
    }

    // ---------------------------------------------------------------------------------------- decoding

    /**
     * Decodes the message at the reader index of {@code frame} and advances the reader index past it
     * (by its Length, so several messages in one buffer are read one call at a time). Lengths up to
     * 65535 are accepted.
     *
     * @throws PptpProtocolException if the message is malformed, or its Length reaches beyond the
     *                               readable bytes ({@link Kind#LENGTH_TOO_LONG})
     */
    public static PptpMessage decode(ByteBuf frame) {
        return decode(frame, 0xFFFF);
    }

    /**
     * Like {@link #decode(ByteBuf)}, with a limit on the Length field.
     *
     * @throws PptpProtocolException if the message is malformed or longer than {@code maxLength}
     */
    public static PptpMessage decode(ByteBuf frame, int maxLength) {
        Objects.requireNonNull(frame, "frame");
        int readable = frame.readableBytes();
        int start = frame.readerIndex();
        if (readable < 2) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_SHORT,
                    "frame length: " + readable + " (expected: >= " + HEADER_LENGTH + ")");
        }
        int length = checkLength(frame.getUnsignedShort(start), maxLength);
        if (readable < HEADER_LENGTH) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_SHORT,
                    "frame length: " + readable + " (expected: >= " + HEADER_LENGTH + ")");
        }
        PptpMessageType type = checkHeader(frame, start, length);
        if (length > readable) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_LONG, "control message length: " + length
                    + " (expected: <= " + readable + ", the readable bytes of the frame)");
        }
        PptpMessage msg = read(type, frame, start, length);
        frame.skipBytes(length);
        return msg;
    }

    /** Checks the Length field against the header size and the limit; returns it. */
    static int checkLength(int length, int maxLength) {
        if (length < HEADER_LENGTH) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_SHORT,
                    "control message length: " + length + " (expected: >= " + HEADER_LENGTH + ")");
        }
        if (length > maxLength) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_LONG,
                    "control message length: " + length + " (expected: <= " + maxLength + ")");
        }
        return length;
    }

    /**
     * Checks the header at {@code start} (12 bytes must be readable) after the Length: magic cookie, PPTP
     * message type, control message type, then Length against the type's fixed length.
     */
    static PptpMessageType checkHeader(ByteBuf buf, int start, int length) {
        int cookie = buf.getInt(start + MAGIC_COOKIE_OFFSET);
        if (cookie != MAGIC_COOKIE) {
            throw new PptpProtocolException(Kind.BAD_MAGIC_COOKIE, String.format(
                    "magic cookie: 0x%08x (expected: 0x%08x)", cookie, MAGIC_COOKIE));
        }
        int pptpType = buf.getUnsignedShort(start + PPTP_MESSAGE_TYPE_OFFSET);
        if (pptpType != CONTROL_MESSAGE) {
            throw new PptpProtocolException(Kind.BAD_PPTP_MESSAGE_TYPE,
                    "PPTP message type: " + pptpType + " (expected: " + CONTROL_MESSAGE + ")");
        }
        int typeValue = buf.getUnsignedShort(start + CONTROL_MESSAGE_TYPE_OFFSET);
        PptpMessageType type = PptpMessageType.find(typeValue);
        if (type == null) {
            throw new PptpProtocolException(Kind.BAD_CONTROL_MESSAGE_TYPE,
                    "control message type: " + typeValue + " (expected: 1..15)");
        }
        if (length < type.fixedLength()) {
            throw new PptpProtocolException(Kind.LENGTH_TOO_SHORT, "control message length: " + length
                    + " (expected: >= " + type.fixedLength() + " for " + type + ")");
        }
        return type;
    }

    /** Builds the message of a validated frame of {@code length} readable bytes at {@code start}. */
    static PptpMessage read(PptpMessageType type, ByteBuf buf, int start, int length) {
        return switch (type) {
            case START_CONTROL_CONNECTION_REQUEST -> StartControlConnectionRequest.read(buf, start, length);
            case START_CONTROL_CONNECTION_REPLY -> StartControlConnectionReply.read(buf, start, length);
            case STOP_CONTROL_CONNECTION_REQUEST -> StopControlConnectionRequest.read(buf, start, length);
            case STOP_CONTROL_CONNECTION_REPLY -> StopControlConnectionReply.read(buf, start, length);
            case ECHO_REQUEST -> EchoRequest.read(buf, start, length);
            case ECHO_REPLY -> EchoReply.read(buf, start, length);
            case OUTGOING_CALL_REQUEST -> OutgoingCallRequest.read(buf, start, length);
            case OUTGOING_CALL_REPLY -> OutgoingCallReply.read(buf, start, length);
            case INCOMING_CALL_REQUEST -> IncomingCallRequest.read(buf, start, length);
            case INCOMING_CALL_REPLY -> IncomingCallReply.read(buf, start, length);
            case INCOMING_CALL_CONNECTED -> IncomingCallConnected.read(buf, start, length);
            case CALL_CLEAR_REQUEST -> CallClearRequest.read(buf, start, length);
            case CALL_DISCONNECT_NOTIFY -> CallDisconnectNotify.read(buf, start, length);
            case WAN_ERROR_NOTIFY -> WanErrorNotify.read(buf, start, length);
            case SET_LINK_INFO -> SetLinkInfo.read(buf, start, length);
        };
    }

    // ------------------------------------------------------------------------- in-place Call ID access
    // These work on a frame that has passed the decoder's checks (or that this codec encoded). They read
    // the Control Message Type at frameOffset + 8 and allocate nothing.

    /**
     * Returns the type of the encoded message at {@code frameOffset}, or {@code null} if its Control
     * Message Type is not 1..15.
     */
    public static PptpMessageType messageType(ByteBuf frame, int frameOffset) {
        return PptpMessageType.find(frame.getUnsignedShort(frameOffset + CONTROL_MESSAGE_TYPE_OFFSET));
    }

    /** Returns the Call ID of the encoded message at {@code frameOffset}, {@code -1} if its type has none. */
    public static int callId(ByteBuf frame, int frameOffset) {
        PptpMessageType type = messageType(frame, frameOffset);
        return type == null || !type.hasCallId() ? -1 : frame.getUnsignedShort(frameOffset + type.callIdOffset());
    }

    /**
     * Returns the Peer's Call ID of the encoded message at {@code frameOffset}, {@code -1} if its type has
     * none.
     */
    public static int peerCallId(ByteBuf frame, int frameOffset) {
        PptpMessageType type = messageType(frame, frameOffset);
        return type == null || !type.hasPeerCallId()
                ? -1 : frame.getUnsignedShort(frameOffset + type.peerCallIdOffset());
    }

    /**
     * Returns the Result Code of the encoded message at {@code frameOffset}, {@code -1} if its type has
     * none.
     */
    public static int resultCode(ByteBuf frame, int frameOffset) {
        PptpMessageType type = messageType(frame, frameOffset);
        return type == null || !type.hasResultCode()
                ? -1 : frame.getUnsignedByte(frameOffset + type.resultCodeOffset());
    }

    /**
     * Overwrites the Call ID of the encoded message at {@code frameOffset} (nothing else changes; the
     * reader and writer indexes stay).
     *
     * @throws IllegalArgumentException if {@code callId} is not 0..65535 or the message has no Call ID
     */
    public static void setCallId(ByteBuf frame, int frameOffset, int callId) {
        Fields.u16(callId, "callId");
        PptpMessageType type = messageType(frame, frameOffset);
        if (type == null || !type.hasCallId()) {
            throw new IllegalArgumentException("message without a Call ID: " + describe(frame, frameOffset, type));
        }
        frame.setShort(frameOffset + type.callIdOffset(), callId);
    }

    /**
     * Overwrites the Peer's Call ID of the encoded message at {@code frameOffset} (nothing else changes;
     * the reader and writer indexes stay).
     *
     * @throws IllegalArgumentException if {@code peerCallId} is not 0..65535 or the message has no Peer's
     *                                  Call ID
     */
    public static void setPeerCallId(ByteBuf frame, int frameOffset, int peerCallId) {
        Fields.u16(peerCallId, "peerCallId");
        PptpMessageType type = messageType(frame, frameOffset);
        if (type == null || !type.hasPeerCallId()) {
            throw new IllegalArgumentException(
                    "message without a Peer's Call ID: " + describe(frame, frameOffset, type));
        }
        frame.setShort(frameOffset + type.peerCallIdOffset(), peerCallId);
    }

    private static String describe(ByteBuf frame, int frameOffset, PptpMessageType type) {
        return type != null ? type.toString()
                : "control message type " + frame.getUnsignedShort(frameOffset + CONTROL_MESSAGE_TYPE_OFFSET);
    }
}
