package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.GreDirection;

/** The two legs of a relayed control connection. */
public enum Side {
    /** The peer whose TCP connection the gateway accepted on a listener. */
    ACCEPTED,
    /** The peer the gateway connected to. */
    CONNECTED;

    /** The opposite side. */
    public Side other() {
        return this == ACCEPTED ? CONNECTED : ACCEPTED;
    }

    /** The direction of GRE packets sent by this side. */
    public GreDirection greDirectionFrom() {
        return this == ACCEPTED ? GreDirection.ACCEPTED_TO_CONNECTED : GreDirection.CONNECTED_TO_ACCEPTED;
    }
}
