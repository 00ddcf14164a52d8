package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.nat.GreBinding;
import java.time.Duration;

/**
 * One call relayed on a {@link ControlSession}.
 *
 * <h2>Call IDs</h2>
 * Each side has its own Call ID for the call ({@link #callId(Side)}, {@code idA} and {@code idC}; {@code -1} until
 * that side's request or reply is seen), and the gateway allocated one ID per side at the request
 * ({@link #gatewayCallId(Side)}, {@code gA} and {@code gC}): {@code gA} is what the connected side sees in place of
 * {@code idA}, {@code gC} what the accepted side sees in place of {@code idC}.
 *
 * <h2>GRE bindings</h2>
 * {@link #bindingTo(Side) bindingTo(ACCEPTED)} is {@code (connectedAddr, gA) -> (acceptedAddr, idA)},
 * {@link #bindingTo(Side) bindingTo(CONNECTED)} is {@code (acceptedAddr, gC) -> (connectedAddr, idC)}; each is
 * installed in the translation map as soon as its side's Call ID is known, and removed when the call is
 * released (the call keeps the objects so its counters stay readable). Every binding's
 * {@link GreBinding#owner()} is its {@code Call}; {@link #greDirection(GreBinding)} tells the GRE relay which way
 * a packet matched by a binding travels, using final fields only (safe from any thread).
 *
 * <h2>Threads</h2>
 * A call changes only under its session's lock; the accessors read volatile fields and may be called from any
 * thread, but a consistent view of several values is a {@link #snapshot()}.
 */
public final class Call {

    private final ControlSession session;
    private final long id;
    private final CallType type;
    private final Side pnsSide;
    private final int acceptedGatewayCallId;
    private final int connectedGatewayCallId;
    private final long createdNanos;

    private volatile CallState state = CallState.WAIT_REPLY;
    private volatile int acceptedCallId = -1;
    private volatile int connectedCallId = -1;
    private volatile GreBinding toAccepted;
    private volatile GreBinding toConnected;
    private volatile String closeReason;

    // GRE idle tracking, under the session's lock
    private long lastPacketCount;
    private long lastActivityNanos;

    Call(ControlSession session, long id, CallType type, Side requester, int acceptedGatewayCallId,
            int connectedGatewayCallId, long createdNanos) {
        this.session = session;
        this.id = id;
        this.type = type;
        this.pnsSide = type == CallType.OUTGOING ? requester : requester.other();
        this.acceptedGatewayCallId = acceptedGatewayCallId;
        this.connectedGatewayCallId = connectedGatewayCallId;
        this.createdNanos = createdNanos;
        this.lastActivityNanos = createdNanos;
    }

    /** The control connection carrying the call. */
    public ControlSession session() {
        return session;
    }

    /** A number unique within the {@link SessionRegistry}, for logs and {@code /sessions}. */
    public long id() {
        return id;
    }

    public CallType type() {
        return type;
    }

    /** The side acting as PNS for this call (OCRQ sender, or ICRQ receiver). */
    public Side pnsSide() {
        return pnsSide;
    }

    /** The side acting as PAC for this call. */
    public Side pacSide() {
        return pnsSide.other();
    }

    /** The side that sent the request (OCRQ: the PNS; ICRQ: the PAC). */
    public Side requester() {
        return type == CallType.OUTGOING ? pnsSide : pnsSide.other();
    }

    public CallState state() {
        return state;
    }

    /** The Call ID that {@code side} chose for this call, or {@code -1} if it has not sent it yet. */
    public int callId(Side side) {
        return side == Side.ACCEPTED ? acceptedCallId : connectedCallId;
    }

    /** The gateway Call ID presented to the other side in place of {@code side}'s own Call ID. */
    public int gatewayCallId(Side side) {
        return side == Side.ACCEPTED ? acceptedGatewayCallId : connectedGatewayCallId;
    }

    /**
     * {@code owner}'s Call ID as {@code viewer} knows it: the real ID if they are the same side, otherwise the
     * gateway ID, if {@code viewer} was told it already; {@code -1} if not. Use it to address a message the gateway
     * sends itself, e.g. when tearing down an expired call: Call-Clear-Request to the PAC with Call ID
     * {@code idAsSeenBy(pnsSide(), pacSide())}, Call-Disconnect-Notify to the PNS with Call ID
     * {@code idAsSeenBy(pacSide(), pnsSide())}.
     */
    public int idAsSeenBy(Side owner, Side viewer) {
        int real = callId(owner);
        return owner == viewer || real < 0 ? real : gatewayCallId(owner);
    }

    /** The binding that sends GRE to {@code side} (null until {@code side}'s Call ID is known). */
    public GreBinding bindingTo(Side side) {
        return side == Side.ACCEPTED ? toAccepted : toConnected;
    }

    /** The direction of GRE packets matched by {@code binding}, one of this call's bindings. */
    public GreDirection greDirection(GreBinding binding) {
        return binding.inboundCallId() == acceptedGatewayCallId
                ? GreDirection.CONNECTED_TO_ACCEPTED : GreDirection.ACCEPTED_TO_CONNECTED;
    }

    /** GRE packets relayed from {@code from} to the other side. */
    public long packetsFrom(Side from) {
        GreBinding binding = bindingTo(from.other());
        return binding == null ? 0 : binding.packets();
    }

    /** GRE bytes relayed from {@code from} to the other side. */
    public long bytesFrom(Side from) {
        GreBinding binding = bindingTo(from.other());
        return binding == null ? 0 : binding.bytes();
    }

    /** {@link System#nanoTime()}-style time (the registry's clock) at which the request was seen. */
    public long createdNanos() {
        return createdNanos;
    }

    /** Why the call was released, or null while it lives. */
    public String closeReason() {
        return closeReason;
    }

    /** The call's values now. */
    public CallSnapshot snapshot() {
        return new CallSnapshot(id, session.id(), type, pnsSide, state,
                acceptedCallId, acceptedGatewayCallId, connectedCallId, connectedGatewayCallId,
                packetsFrom(Side.ACCEPTED), bytesFrom(Side.ACCEPTED),
                packetsFrom(Side.CONNECTED), bytesFrom(Side.CONNECTED),
                Duration.ofNanos(Math.max(0, session.registry().nanoTime() - createdNanos)));
    }

    // --- mutators, called by ControlSession under its lock

    void callId(Side side, int callId) {
        if (side == Side.ACCEPTED) {
            acceptedCallId = callId;
        } else {
            connectedCallId = callId;
        }
    }

    void bindingTo(Side side, GreBinding binding) {
        if (side == Side.ACCEPTED) {
            toAccepted = binding;
        } else {
            toConnected = binding;
        }
    }

    void state(CallState state) {
        this.state = state;
    }

    void closeReason(String reason) {
        this.closeReason = reason;
    }

    /** Whether no GRE packet moved for {@code idleNanos} as of {@code nowNanos}; updates the activity mark. */
    boolean idleFor(long nowNanos, long idleNanos) {
        long count = packetsFrom(Side.ACCEPTED) + packetsFrom(Side.CONNECTED);
        if (count != lastPacketCount) {
            lastPacketCount = count;
            lastActivityNanos = nowNanos;
            return false;
        }
        return nowNanos - lastActivityNanos >= idleNanos;
    }

    @Override
    public String toString() {
        return "Call#" + id + '(' + type + ", PNS " + pnsSide + ", " + state
                + ", accepted " + acceptedCallId + "->" + acceptedGatewayCallId
                + ", connected " + connectedCallId + "->" + connectedGatewayCallId + ')';
    }
}
