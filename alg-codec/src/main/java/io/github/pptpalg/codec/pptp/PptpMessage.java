package io.github.pptpalg.codec.pptp;

/**
 * One of the 15 PPTP control messages of RFC 2637 section 2: an immutable value holding every field of
 * the message, the reserved ones included, and any bytes beyond the type's fixed size (the trailer), so
 * that encoding a decoded message gives back exactly the bytes received. Messages hold no
 * {@code ByteBuf}: there is nothing to release.
 *
 * <p>The header fields Length, PPTP Message Type (always 1) and Magic Cookie (always 0x1A2B3C4D) are
 * implied: Length is {@link #length()}, the other two are checked by the decoder and written by the
 * encoder.
 */
public sealed interface PptpMessage permits StartControlConnectionRequest, StartControlConnectionReply,
        StopControlConnectionRequest, StopControlConnectionReply, EchoRequest, EchoReply, OutgoingCallRequest,
        OutgoingCallReply, IncomingCallRequest, IncomingCallReply, IncomingCallConnected, CallClearRequest,
        CallDisconnectNotify, WanErrorNotify, SetLinkInfo {

    /** The Control Message Type. */
    PptpMessageType type();

    /** The header's Reserved0 field (RFC 2637: must be 0; kept as received). */
    int reserved0();

    /** The bytes beyond the type's fixed size (a copy; empty if there are none). */
    byte[] trailer();

    /** The number of bytes beyond the type's fixed size. */
    int trailerLength();

    /** The value of the Length field: the fixed length of the type plus the trailer length. */
    int length();
}
