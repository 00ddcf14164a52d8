/**
 * PPTP control connection messages (RFC 2637 section 2, https://www.rfc-editor.org/rfc/rfc2637#section-2):
 * an immutable model of the 15 control messages ({@link io.github.pptpalg.codec.pptp.PptpMessage}), their
 * types ({@link io.github.pptpalg.codec.pptp.PptpMessageType}), open value types for the result, error
 * (section 2.16) and cause codes, the frame decoder and encoder
 * ({@link io.github.pptpalg.codec.pptp.PptpControlDecoder}, {@link io.github.pptpalg.codec.pptp.PptpControlEncoder})
 * and {@link io.github.pptpalg.codec.pptp.PptpControlCodec} for use outside a pipeline and for rewriting a
 * Call ID of an encoded frame in place.
 *
 * <p>Each message's layout is in its own subsection, 2.1 to 2.15, the general error codes in 2.16; which
 * Call ID belongs to which peer (PNS or PAC) is said on each message record and in
 * {@link io.github.pptpalg.codec.pptp.PptpMessages}.
 */
package io.github.pptpalg.codec.pptp;
