package io.github.pptpalg.core.metrics;

/**
 * The way a relayed GRE packet travels, named after the control connection's two sides: the peer the
 * gateway accepted and the peer it connected to.
 */
public enum GreDirection {
    /** From the accepted peer to the connected peer. */
    ACCEPTED_TO_CONNECTED("accepted_to_connected"),
    /** From the connected peer to the accepted peer. */
    CONNECTED_TO_ACCEPTED("connected_to_accepted");

    private final String label;

    GreDirection(String label) {
        this.label = label;
    }

    /** The metric label value, e.g. {@code "accepted_to_connected"}. */
    public String label() {
        return label;
    }
}
