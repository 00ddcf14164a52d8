package io.github.pptpalg.core.metrics;

import java.util.Locale;

/** Why the GRE relay dropped a packet. Counted in {@code pptp_alg_gre_dropped_total{reason="..."}}. */
public enum GreDropReason {
    /** No call of this gateway uses the packet's (source address, Call ID). */
    NO_MATCHING_CALL,
    /** The Call ID belongs to a live call, but the packet came from another address than that call's peer. */
    WRONG_SOURCE_ADDRESS,
    /** The Call ID was released recently (quarantine): a late packet of a call that is gone. */
    QUARANTINED_CALL_ID,
    /** The Call ID lies outside this instance's range: another gateway instance on the host owns it. */
    NOT_FOR_THIS_INSTANCE,
    /** The IPv4 or GRE header is invalid (version, flags, protocol, lengths that contradict each other). */
    MALFORMED,
    /** Fewer bytes were received than the headers require or announce. */
    TRUNCATED,
    /** An IPv4 fragment: the relay does not reassemble. */
    FRAGMENT,
    /** The packet was valid but could not be sent on (send buffer full, send error). */
    SEND_FAILED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The metric label value: the constant's name in lower case, e.g. {@code "no_matching_call"}. */
    public String label() {
        return label;
    }
}
