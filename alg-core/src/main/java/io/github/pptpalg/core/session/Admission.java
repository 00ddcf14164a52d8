package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.RefusalReason;
import java.net.InetAddress;

/**
 * The answer of {@link SessionRegistry#admit(InetAddress)}: either a refusal, or a reserved slot (counted against
 * the connection limits) that the caller later turns into a session with
 * {@link SessionRegistry#open(Admission, java.net.InetSocketAddress, java.net.InetSocketAddress)} or gives back
 * with {@link #refuse(RefusalReason)} (authorization denied, peer unreachable...). A reserved slot must end one of
 * these two ways, or it stays counted.
 */
public final class Admission {

    private enum Status { RESERVED, OPENED, REFUSED }

    private final SessionRegistry registry;
    private final InetAddress source;
    private Status status;
    private RefusalReason refusalReason;

    Admission(SessionRegistry registry, InetAddress source, RefusalReason refusalReason) {
        this.registry = registry;
        this.source = source;
        this.refusalReason = refusalReason;
        this.status = refusalReason == null ? Status.RESERVED : Status.REFUSED;
    }

    /** The client's address. */
    public InetAddress source() {
        return source;
    }

    /** Whether the client was admitted (even if later refused or opened). False: see {@link #refusalReason()}. */
    public synchronized boolean isAdmitted() {
        return status != Status.REFUSED;
    }

    /** Why the client was refused, or null. */
    public synchronized RefusalReason refusalReason() {
        return refusalReason;
    }

    /**
     * Refuses an admitted client after all: frees its slot, counts the refusal and tells the listener.
     *
     * @return false if this admission was refused already (nothing done)
     * @throws IllegalStateException if a session was opened with it
     * @throws IllegalArgumentException if {@code reason} is a call-level reason
     */
    public boolean refuse(RefusalReason reason) {
        if (reason.isCallRefusal()) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: a control connection reason)");
        }
        synchronized (this) {
            if (status == Status.REFUSED) {
                return false;
            }
            if (status == Status.OPENED) {
                throw new IllegalStateException("a session was opened with this admission; close the session instead");
            }
            status = Status.REFUSED;
            refusalReason = reason;
        }
        registry.releaseSlot(source);
        registry.connectionRefused(source, reason);
        return true;
    }

    SessionRegistry registry() {
        return registry;
    }

    /** Marks the slot as used by a session; false if it is not reserved. */
    synchronized boolean markOpened() {
        if (status != Status.RESERVED) {
            return false;
        }
        status = Status.OPENED;
        return true;
    }

    @Override
    public synchronized String toString() {
        return "Admission(" + source.getHostAddress() + ", " + status + (refusalReason == null ? "" : ", " + refusalReason) + ')';
    }
}
