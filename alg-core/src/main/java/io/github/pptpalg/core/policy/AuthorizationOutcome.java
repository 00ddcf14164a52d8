package io.github.pptpalg.core.policy;

/** What an {@link AuthorizationCommand} (or a chain of them) decided about a client. */
public enum AuthorizationOutcome {
    /** A command exited with status 0. */
    ALLOWED,
    /** The command exited with another status (for a chain: none allowed and at least one denied). */
    DENIED,
    /**
     * The command gave no answer: it could not be started, timed out (and was killed), or the wait was
     * interrupted. Treated as a denial; for a chain: every command failed.
     */
    FAILED;

    /** Only {@link #ALLOWED} lets the client in. */
    public boolean isAllowed() {
        return this == ALLOWED;
    }
}
