package io.github.pptpalg.core.session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One relayed control connection's values at one moment (for {@code /sessions} and {@link SessionListener}
 * events).
 *
 * @param id the connection's number ({@link ControlSession#id()})
 * @param acceptedPeer the client whose connection the gateway accepted
 * @param connectedPeer the peer the gateway connected to
 * @param state the control connection's state
 * @param age time since the session was opened
 * @param calls its live calls
 */
public record ConnectionSnapshot(
        long id,
        InetSocketAddress acceptedPeer,
        InetSocketAddress connectedPeer,
        ControlConnectionState state,
        Duration age,
        List<CallSnapshot> calls) {

    public ConnectionSnapshot {
        calls = List.copyOf(calls);
    }
}
