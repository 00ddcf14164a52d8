package io.github.pptpalg.codec.gre;

/**
 * The outcome of {@link Ipv4Header#validate(io.netty.buffer.ByteBuf, int, int)}: either
 * {@link #VALID} or the first reason, in the order documented there, why a datagram read from a
 * raw GRE socket cannot be relayed.
 *
 * <p>The constants are shared singletons: returning one allocates nothing.
 */
public enum Ipv4Validation {
    /** An unfragmented IPv4 datagram carrying GRE, complete in the bytes read. */
    VALID("valid IPv4 datagram carrying GRE"),
    /** Fewer than 20 bytes read, or fewer than the header length (IHL * 4). */
    TRUNCATED("fewer bytes than the IPv4 header"),
    /** The version nibble is not 4. */
    BAD_VERSION("IP version not 4"),
    /** IHL below 5 (a header shorter than 20 bytes). */
    BAD_IHL("IHL below 5"),
    /**
     * Total Length is larger than the bytes read (the datagram was cut by the receive slot) or
     * smaller than the header length.
     */
    TOTAL_LENGTH_MISMATCH("total length does not match the bytes read"),
    /** Protocol is not 47 (GRE). */
    NOT_GRE("protocol not 47 (GRE)"),
    /**
     * More Fragments set or a fragment offset: raw sockets deliver reassembled datagrams, so a
     * fragment here is abnormal.
     */
    FRAGMENT("IPv4 fragment (MF set or fragment offset not 0)");

    private final String description;

    Ipv4Validation(String description) {
        this.description = description;
    }

    /** A short human description for debug logs, e.g. {@code "protocol not 47 (GRE)"}. */
    public String description() {
        return description;
    }

    /** {@code true} only for {@link #VALID}. */
    public boolean isValid() {
        return this == VALID;
    }
}
