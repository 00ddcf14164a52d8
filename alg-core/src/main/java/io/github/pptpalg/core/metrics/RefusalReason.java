package io.github.pptpalg.core.metrics;

import java.util.Locale;

/**
 * Why the gateway refused a control connection or a call.
 *
 * <p>Connection-level reasons ({@link #isCallRefusal()} false) are counted in
 * {@code pptp_alg_control_connections_refused_total}, call-level ones in {@code pptp_alg_calls_refused_total}.
 */
public enum RefusalReason {
    /** The client's address is not in the access list. */
    ACL_DENIED(false),
    /** Every authorization command ran and none allowed the client. */
    AUTHORIZATION_DENIED(false),
    /** No authorization command gave an answer (could not start, timed out). */
    AUTHORIZATION_FAILED(false),
    /** The gateway already relays its maximum number of control connections. */
    CONNECTION_LIMIT(false),
    /** The client's address already has its maximum number of control connections. */
    PER_SOURCE_LIMIT(false),
    /** The gateway could not connect to the peer. */
    PEER_UNREACHABLE(false),
    /** The gateway is shutting down. */
    SHUTTING_DOWN(false),
    /** The client closed its connection before the gateway had connected to the peer. */
    CLIENT_GONE(false),
    /** Authorization, the peer's name lookup and the connect to it took longer than the setup timeout. */
    SETUP_TIMEOUT(false),
    /** The gateway already relays its maximum number of calls. */
    CALL_LIMIT(true),
    /** The control connection already carries its maximum number of calls. */
    CALLS_PER_CONNECTION_LIMIT(true),
    /** No gateway Call ID is free in the configured range. */
    CALL_IDS_EXHAUSTED(true);

    private final boolean callRefusal;
    private final String label;

    RefusalReason(boolean callRefusal) {
        this.callRefusal = callRefusal;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /** {@code true} for reasons that refuse one call, {@code false} for those that refuse a control connection. */
    public boolean isCallRefusal() {
        return callRefusal;
    }

    /** The metric label value: the constant's name in lower case, e.g. {@code "acl_denied"}. */
    public String label() {
        return label;
    }
}
