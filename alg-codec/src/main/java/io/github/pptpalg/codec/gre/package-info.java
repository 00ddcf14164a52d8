/**
 * The PPTP data channel: zero-allocation views over enhanced-GRE headers (RFC 2637 section 4.1,
 * https://www.rfc-editor.org/rfc/rfc2637#section-4.1) and the IPv4 headers that a raw socket delivers.
 */
package io.github.pptpalg.codec.gre;
