/**
 * PPTP control connection messages (RFC 2637 section 2, https://www.rfc-editor.org/rfc/rfc2637#section-2):
 * an immutable model of the 15 control messages, their frame decoder and encoder.
 */
package io.github.pptpalg.codec.pptp;
