package io.github.pptpalg.codec.gre;

/**
 * The outcome of {@link EnhancedGreHeader#validate(io.netty.buffer.ByteBuf, int, int)}: either
 * {@link #VALID} or the first reason, in the order documented there, why a packet is not a PPTP
 * enhanced-GRE packet (RFC 2637 section 4.1) that the gateway may relay.
 *
 * <p>The constants are shared singletons: returning one allocates nothing, so the GRE path can
 * use them directly as drop reasons and counter keys.
 */
public enum GreValidation {
    /** A well-formed enhanced-GRE header whose payload lies inside the packet. */
    VALID("valid enhanced GRE packet"),
    /** Fewer than 8 bytes, or fewer than the header that the S and A flags announce. */
    TRUNCATED("shorter than the GRE header its flags announce"),
    /** C (bit 0) is set; RFC 2637 requires it to be 0. */
    CHECKSUM_PRESENT("checksum present (C=1)"),
    /** R (bit 1) is set; RFC 2637 requires it to be 0. */
    ROUTING_PRESENT("routing present (R=1)"),
    /** K (bit 2) is clear; RFC 2637 requires the key (payload length and Call ID). */
    KEY_ABSENT("key absent (K=0), no Call ID"),
    /** s (bit 4) is set; RFC 2637 requires it to be 0. */
    STRICT_SOURCE_ROUTE("strict source route (s=1)"),
    /** Recur (bits 5-7) is not 0. */
    RECURSION_NOT_ZERO("recursion control not zero"),
    /** One of the reserved Flags (bits 9-12) is set. */
    BAD_FLAGS("reserved flag bits 9-12 not zero"),
    /** Ver (bits 13-15) is not 1 (enhanced GRE): plain GRE or something else. */
    BAD_VERSION("GRE version not 1 (enhanced GRE)"),
    /** Protocol Type is not 0x880B (PPP). */
    BAD_PROTOCOL("protocol type not 0x880B (PPP)"),
    /** The payload length in the key runs beyond the bytes present after the header. */
    PAYLOAD_BEYOND_PACKET("payload length beyond the end of the packet");

    private final String description;

    GreValidation(String description) {
        this.description = description;
    }

    /** A short human description for debug logs, e.g. {@code "checksum present (C=1)"}. */
    public String description() {
        return description;
    }

    /** {@code true} only for {@link #VALID}. */
    public boolean isValid() {
        return this == VALID;
    }
}
