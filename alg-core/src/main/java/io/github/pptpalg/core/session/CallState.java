package io.github.pptpalg.core.session;

/** The state of one call as the relay sees it. */
public enum CallState {
    /** The request (OCRQ or ICRQ) was relayed; waiting for the reply. */
    WAIT_REPLY,
    /** Incoming call: a positive Incoming-Call-Reply was relayed; waiting for Incoming-Call-Connected. */
    WAIT_CONNECT,
    /** Set up: a positive Outgoing-Call-Reply, or Incoming-Call-Connected, was relayed. */
    ESTABLISHED,
    /** The PNS sent Call-Clear-Request; waiting for the PAC's Call-Disconnect-Notify. */
    CLEARING,
    /** Released: bindings removed, gateway Call IDs returned (in quarantine). */
    CLOSED
}
