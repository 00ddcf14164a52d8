package io.github.pptpalg.codec.pptp;

import io.netty.handler.codec.DecoderException;

import java.util.Objects;

/**
 * A control message that breaks RFC 2637's framing rules: its length, magic cookie or a type field is
 * wrong. The message reads {@code "<what>: <actual> (expected: <expected>)"}. The control connection it
 * came from cannot be trusted any more and is to be closed.
 */
public class PptpProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
        /** The Length field is below 12 (the header) or below the fixed length of the message type. */
        LENGTH_TOO_SHORT,
        /** The Length field is above the decoder's limit (or beyond the end of a frame). */
        LENGTH_TOO_LONG,
        /** The Magic Cookie is not 0x1A2B3C4D. */
        BAD_MAGIC_COOKIE,
        /** The PPTP Message Type is not 1 (control message). */
        BAD_PPTP_MESSAGE_TYPE,
        /** The Control Message Type is not 1..15. */
        BAD_CONTROL_MESSAGE_TYPE,
    }

    private final Kind kind;

    /** Creates an exception of the given kind with the given message. */
    public PptpProtocolException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What is wrong. */
    public Kind kind() {
        return kind;
    }
}
