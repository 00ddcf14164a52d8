package io.github.pptpalg.core.session;

/** The state of a control connection as the relay sees it (RFC 2637 section 3.1, both peers' views merged). */
public enum ControlConnectionState {
    /** Both legs connected, no Start-Control-Connection-Request seen yet. */
    IDLE,
    /** A Start-Control-Connection-Request was relayed; waiting for the other side's reply. */
    WAIT_CTL_REPLY,
    /** A Start-Control-Connection-Reply with result 1 (successful) was relayed: calls may be set up. */
    ESTABLISHED,
    /** A Stop-Control-Connection-Request was relayed (every call is released); waiting for the reply. */
    WAIT_STOP_REPLY,
    /** Stopped (Stop-Control-Connection-Reply relayed, or the start was refused) or closed by the gateway. */
    CLOSED
}
