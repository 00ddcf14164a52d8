package io.github.pptpalg.core.session;

/** How a call was set up. */
public enum CallType {
    /** Outgoing-Call-Request from the PNS, Outgoing-Call-Reply from the PAC (RFC 2637 section 3.2). */
    OUTGOING,
    /** Incoming-Call-Request from the PAC, Incoming-Call-Reply from the PNS, Incoming-Call-Connected from the PAC. */
    INCOMING
}
