package io.github.pptpalg.core.session;

import java.time.Duration;

/**
 * One call's values at one moment (for {@code /sessions} and {@link SessionListener} events). Call IDs are
 * {@code -1} while unknown.
 *
 * @param id the call's number ({@link Call#id()})
 * @param connectionId the control connection's number ({@link ControlSession#id()})
 * @param type outgoing or incoming
 * @param pnsSide the side acting as PNS
 * @param state the call's state
 * @param acceptedCallId the accepted peer's own Call ID ({@code idA})
 * @param acceptedGatewayCallId the gateway ID shown to the connected peer in its place ({@code gA})
 * @param connectedCallId the connected peer's own Call ID ({@code idC})
 * @param connectedGatewayCallId the gateway ID shown to the accepted peer in its place ({@code gC})
 * @param acceptedToConnectedPackets GRE packets relayed from the accepted to the connected peer
 * @param acceptedToConnectedBytes their bytes
 * @param connectedToAcceptedPackets GRE packets relayed from the connected to the accepted peer
 * @param connectedToAcceptedBytes their bytes
 * @param age time since the request was seen
 */
public record CallSnapshot(
        long id,
        long connectionId,
        CallType type,
        Side pnsSide,
        CallState state,
        int acceptedCallId,
        int acceptedGatewayCallId,
        int connectedCallId,
        int connectedGatewayCallId,
        long acceptedToConnectedPackets,
        long acceptedToConnectedBytes,
        long connectedToAcceptedPackets,
        long connectedToAcceptedBytes,
        Duration age) {
}
