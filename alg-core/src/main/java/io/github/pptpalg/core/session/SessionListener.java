package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.RefusalReason;
import java.net.InetAddress;

/**
 * Events for embedders (logging, accounting). Every method has an empty default.
 *
 * <p>Methods are called on the thread that caused the event (a control connection's event loop, the
 * thread calling {@link SessionRegistry#expireIdleCalls(long)}), most while a session's lock is held: return
 * quickly and do not call back into a session or the registry (snapshots lock sessions: two threads doing so
 * could deadlock); hand work to another thread if needed. An exception thrown by a listener is logged and
 * ignored.
 */
public interface SessionListener {

    /** A listener that ignores everything. */
    SessionListener NOOP = new SessionListener() {
    };

    /** A control connection is relayed (both legs connected). */
    default void connectionOpened(ConnectionSnapshot connection) {
    }

    /** A relayed control connection was closed; its calls were reported by {@link #callClosed} before. */
    default void connectionClosed(ConnectionSnapshot connection, String reason) {
    }

    /** A client's control connection was refused before it was relayed. */
    default void connectionRefused(InetAddress source, RefusalReason reason) {
    }

    /** A call reached the established state. */
    default void callEstablished(CallSnapshot call) {
    }

    /** A call was released (rejected by a peer, torn down, expired, or its connection closed): final counters. */
    default void callClosed(CallSnapshot call, String reason) {
    }

    /** The gateway refused a call request from {@code from} whose Call ID was {@code callId}. */
    default void callRefused(ConnectionSnapshot connection, Side from, int callId, RefusalReason reason) {
    }
}
