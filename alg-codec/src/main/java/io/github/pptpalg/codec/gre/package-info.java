/**
 * The PPTP data channel: zero-allocation views over enhanced-GRE headers (RFC 2637 section 4.1,
 * https://www.rfc-editor.org/rfc/rfc2637#section-4.1) and the IPv4 headers that a raw socket delivers
 * (RFC 791 section 3.1, https://www.rfc-editor.org/rfc/rfc791#section-3.1).
 *
 * <p>{@link io.github.pptpalg.codec.gre.Ipv4Header} and {@link io.github.pptpalg.codec.gre.EnhancedGreHeader}
 * are static methods over {@code (ByteBuf, offset, length)}: {@code validate} returns an enum verdict
 * ({@link io.github.pptpalg.codec.gre.Ipv4Validation}, {@link io.github.pptpalg.codec.gre.GreValidation})
 * and never throws for any packet content; the accessors read fields of a validated header; the
 * Call ID is rewritten in place with one {@code setShort}. Nothing on that path allocates.
 * {@link io.github.pptpalg.codec.gre.Ipv4Addresses} converts the {@code int} addresses for configuration
 * and logs.
 */
package io.github.pptpalg.codec.gre;
