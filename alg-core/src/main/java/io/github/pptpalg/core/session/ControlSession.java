package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdExhaustedException;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.core.policy.Limits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relayed control connection: the state machine that decides, message by message, what the relay forwards
 * and how it rewrites Call IDs, and that owns the connection's calls and their GRE bindings. Created by
 * {@link SessionRegistry#open}; pure (no I/O): the caller decodes, asks {@link #onMessage}, and acts on the
 * {@link ControlVerdict}.
 *
 * <h2>Call ID rewriting</h2>
 * For every call the gateway allocates two Call IDs at the request, {@code gA} and {@code gC} (see {@link Call}).
 * A field carrying the sender's own Call ID is rewritten to the gateway ID presented to the receiver for the
 * sender; a Peer Call ID field (which the sender knows as a gateway ID) is rewritten back to the receiver's real
 * ID. Which field carries whose ID (RFC 2637 section 2):
 * <pre>
 * message  sender  Call ID field    Peer Call ID field
 * OCRQ     PNS     PNS's own         -
 * OCRP     PAC     PAC's own         the PNS's
 * ICRQ     PAC     PAC's own         -
 * ICRP     PNS     PNS's own         the PAC's
 * ICCN     PAC     -                 the PNS's
 * CCRQ     PNS     PNS's own         -
 * CDN      PAC     PAC's own (*)     -
 * WEN      PAC     -                 the PNS's
 * SLI      PNS     -                 the PAC's
 * </pre>
 * (*) RFC 2637 section 2.13 puts the PAC's own ID in the CDN; some peers (accel-ppp) put the receiver's ID
 * there. The CDN's Call ID is matched against the sender's own IDs first, then against the receiver's ID as
 * the sender knows it, and rewritten accordingly; either side may send it.
 *
 * <h2>Bindings</h2>
 * A call's binding to a side is installed as soon as that side's Call ID is known (at its request or its positive
 * reply), so GRE may flow as soon as both halves of one direction exist, from either side first. A rejected call
 * (reply result other than 1), Call-Disconnect-Notify, Stop-Control-Connection-Request (it clears every call),
 * GRE idle expiry and {@link #close(String)} release the call: bindings removed from the translation map, gateway
 * IDs returned to the allocator (quarantine), the listener told once. Call-Clear-Request only marks the call
 * {@link CallState#CLEARING}: the PAC's Call-Disconnect-Notify (or the connection's end) releases it.
 *
 * <h2>Verdicts for every message and state</h2>
 * Connection states are {@link ControlConnectionState}; "call messages" are types 7..15.
 * <pre>
 * message                      situation                                          verdict
 * SCCRQ                        IDLE                                               FORWARD, -> WAIT_CTL_REPLY
 * SCCRQ                        any other state (a second SCCRQ)                   PROTOCOL_VIOLATION
 * SCCRP                        WAIT_CTL_REPLY, from the other side                FORWARD, -> ESTABLISHED if result 1,
 *                                                                                 else -> CLOSED
 * SCCRP                        WAIT_CTL_REPLY, from the SCCRQ's sender            PROTOCOL_VIOLATION
 * SCCRP                        IDLE (no request) or after establishment           PROTOCOL_VIOLATION
 * StopCCRQ                     IDLE, WAIT_CTL_REPLY, ESTABLISHED                  FORWARD, release all calls,
 *                                                                                 -> WAIT_STOP_REPLY
 * StopCCRQ                     WAIT_STOP_REPLY or CLOSED (crossing requests)      FORWARD (debug)
 * StopCCRP                     answers the other side's StopCCRQ                  FORWARD, -> CLOSED
 * StopCCRP                     only its own sender sent a StopCCRQ                PROTOCOL_VIOLATION
 * StopCCRP                     no StopCCRQ seen (unsolicited)                     FORWARD (debug), release all calls,
 *                                                                                 -> CLOSED
 * Echo-Request, Echo-Reply     any state (peers echo before SCCRP, too)           FORWARD (debug unless ESTABLISHED)
 * call message                 IDLE or WAIT_CTL_REPLY                             PROTOCOL_VIOLATION
 * call message                 CLOSED                                             PROTOCOL_VIOLATION
 * OCRQ, ICRQ                   WAIT_STOP_REPLY                                    DISCARD
 * OCRQ, ICRQ                   new Call ID, within limits                         FORWARD, new call (WAIT_REPLY),
 *                                                                                 binding to the sender installed
 * OCRQ, ICRQ                   same sender, same Call ID, call still WAIT_REPLY   FORWARD (retransmission, same
 *                                                                                 gateway ID, no new call)
 * OCRQ, ICRQ                   Call ID of the sender's other live call            PROTOCOL_VIOLATION
 * OCRQ, ICRQ                   calls per connection / calls total at the limit,   REFUSE_CALL (CALLS_PER_CONNECTION_
 *                              or no gateway Call ID free                         LIMIT, CALL_LIMIT, CALL_IDS_EXHAUSTED)
 * OCRP, ICRP                   pending call of that type requested by the other   FORWARD; result 1: binding to the
 *                              side (matched by Peer Call ID)                     sender installed, OCRP ->
 *                                                                                 ESTABLISHED, ICRP -> WAIT_CONNECT;
 *                                                                                 other result: call released
 * OCRP, ICRP                   call already answered with the same Call ID        FORWARD (retransmission)
 * OCRP, ICRP                   call already answered with another Call ID         PROTOCOL_VIOLATION
 * OCRP, ICRP                   Peer Call ID is the sender's own request's ID      PROTOCOL_VIOLATION (reply from the
 *                                                                                 side that sent the request)
 * OCRP, ICRP, ICCN             unknown Peer Call ID, recently released (quaran-   DISCARD (late, the call crossed
 *                              tined) gateway ID                                  a teardown)
 * OCRP, ICRP, ICCN             unknown Peer Call ID otherwise                     PROTOCOL_VIOLATION
 * ICCN                         call in WAIT_CONNECT                               FORWARD, -> ESTABLISHED
 * ICCN                         call (or, unmatched, a call of the sender) still   PROTOCOL_VIOLATION (ICCN before
 *                              in WAIT_REPLY                                      ICRP)
 * ICCN                         call ESTABLISHED or CLEARING                       FORWARD (retransmission / race)
 * CCRQ                         call whose PNS is the sender, matched by Call ID   FORWARD, -> CLEARING
 * CCRQ                         Call ID of a call whose PAC is the sender          PROTOCOL_VIOLATION
 * CCRQ, CDN, WEN, SLI          no matching call                                   DISCARD (crossed a teardown)
 * CDN                          matching call (see above)                          FORWARD, call released
 * WEN, SLI                     call matched by Peer Call ID                       FORWARD
 * any                          Call ID or Peer Call ID missing or out of range    PROTOCOL_VIOLATION
 * any                          message type outside 1..15                         PROTOCOL_VIOLATION
 * any                          after close()                                      PROTOCOL_VIOLATION
 * </pre>
 * Every verdict but a plain FORWARD is logged (violations at info, the rest at debug); violations are counted in
 * {@link AlgMetrics#protocolError(String)} under {@value #PROTOCOL_VIOLATION_KIND}, refusals in
 * {@link AlgMetrics#callRefused(RefusalReason)}.
 *
 * <h2>Threads</h2>
 * A session is driven by one thread at a time (its connection's event loop), while
 * {@link SessionRegistry#expireIdleCalls(long)} and snapshots may touch it from another: every public method
 * synchronizes on the session (uncontended in the normal case).
 */
public final class ControlSession {

    private static final Logger logger = LoggerFactory.getLogger(ControlSession.class);

    /** The protocol error kind under which this class counts its {@code PROTOCOL_VIOLATION} verdicts. */
    public static final String PROTOCOL_VIOLATION_KIND = "protocol_violation";

    static final int SCCRQ = 1;
    static final int SCCRP = 2;
    static final int STOP_CCRQ = 3;
    static final int STOP_CCRP = 4;
    static final int ECHO_RQ = 5;
    static final int ECHO_RP = 6;
    static final int OCRQ = 7;
    static final int OCRP = 8;
    static final int ICRQ = 9;
    static final int ICRP = 10;
    static final int ICCN = 11;
    static final int CCRQ = 12;
    static final int CDN = 13;
    static final int WEN = 14;
    static final int SLI = 15;

    private static final String[] NAMES = {"type 0", "SCCRQ", "SCCRP", "StopCCRQ", "StopCCRP", "Echo-Request",
        "Echo-Reply", "OCRQ", "OCRP", "ICRQ", "ICRP", "ICCN", "CCRQ", "CDN", "WEN", "SLI"};

    /** Result code 1: "Successful" (SCCRP), "Connected" (OCRP), "Connect" (ICRP). */
    private static final int RESULT_OK = 1;

    private final SessionRegistry registry;
    private final long id;
    private final InetSocketAddress acceptedPeer;
    private final InetSocketAddress connectedPeer;
    private final int acceptedAddress;
    private final int connectedAddress;
    private final long openedNanos;
    private final List<Call> calls = new ArrayList<>();

    private volatile ControlConnectionState state = ControlConnectionState.IDLE;
    private Side startRequester;
    private final boolean[] stopRequested = new boolean[2];
    private volatile boolean closed;
    private volatile String closeReason;

    ControlSession(SessionRegistry registry, long id, InetSocketAddress acceptedPeer, InetSocketAddress connectedPeer,
            int acceptedAddress, int connectedAddress, long openedNanos) {
        this.registry = registry;
        this.id = id;
        this.acceptedPeer = acceptedPeer;
        this.connectedPeer = connectedPeer;
        this.acceptedAddress = acceptedAddress;
        this.connectedAddress = connectedAddress;
        this.openedNanos = openedNanos;
    }

    /** A number unique within the registry. */
    public long id() {
        return id;
    }

    public SessionRegistry registry() {
        return registry;
    }

    public InetSocketAddress acceptedPeer() {
        return acceptedPeer;
    }

    public InetSocketAddress connectedPeer() {
        return connectedPeer;
    }

    /** The IPv4 address of {@code side} as int (the GRE endpoint of that leg). */
    public int address(Side side) {
        return side == Side.ACCEPTED ? acceptedAddress : connectedAddress;
    }

    public ControlConnectionState state() {
        return state;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why the session was closed, or null while open. */
    public String closeReason() {
        return closeReason;
    }

    /** The live calls, in the order they were requested. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The session's values now. */
    public synchronized ConnectionSnapshot snapshot() {
        List<CallSnapshot> callSnapshots = new ArrayList<>(calls.size());
        for (Call call : calls) {
            callSnapshots.add(call.snapshot());
        }
        return new ConnectionSnapshot(id, acceptedPeer, connectedPeer, state,
                Duration.ofNanos(Math.max(0, registry.nanoTime() - openedNanos)), callSnapshots);
    }

    /**
     * Decides what to do with one control message (see the class documentation for the full table).
     *
     * @param from the side that sent it
     * @param messageType the RFC 2637 control message type, 1..15
     * @param callId the message's Call ID field, {@code -1} if it has none
     * @param peerCallId the message's Peer Call ID field, {@code -1} if it has none
     * @param resultCode the message's Result Code field, {@code -1} if it has none
     */
    public synchronized ControlVerdict onMessage(Side from, int messageType, int callId, int peerCallId, int resultCode) {
        Objects.requireNonNull(from, "from");
        if (closed) {
            return violation(from, messageType, "the control session is closed (" + closeReason + ')');
        }
        switch (messageType) {
            case SCCRQ:
                return onStartRequest(from);
            case SCCRP:
                return onStartReply(from, resultCode);
            case STOP_CCRQ:
                return onStopRequest(from);
            case STOP_CCRP:
                return onStopReply(from);
            case ECHO_RQ:
            case ECHO_RP:
                if (state != ControlConnectionState.ESTABLISHED) {
                    logger.debug("Session {}: {} from {} in state {} forwarded", id, name(messageType), from, state);
                }
                return ControlVerdict.FORWARD_UNCHANGED;
            default:
                break;
        }
        if (messageType < OCRQ || messageType > SLI) {
            return violation(from, messageType, "unknown control message type (expected: 1..15)");
        }
        if (state == ControlConnectionState.IDLE || state == ControlConnectionState.WAIT_CTL_REPLY) {
            return violation(from, messageType, "call message before the control connection was established (state " + state + ')');
        }
        if (state == ControlConnectionState.CLOSED) {
            return violation(from, messageType, "call message after the control connection was stopped");
        }
        switch (messageType) {
            case OCRQ:
                return onCallRequest(from, OCRQ, CallType.OUTGOING, callId);
            case ICRQ:
                return onCallRequest(from, ICRQ, CallType.INCOMING, callId);
            case OCRP:
                return onCallReply(from, OCRP, CallType.OUTGOING, callId, peerCallId, resultCode);
            case ICRP:
                return onCallReply(from, ICRP, CallType.INCOMING, callId, peerCallId, resultCode);
            case ICCN:
                return onIncomingCallConnected(from, peerCallId);
            case CCRQ:
                return onCallClearRequest(from, callId);
            case CDN:
                return onCallDisconnectNotify(from, callId);
            default: // WEN, SLI
                return onPeerCallIdNotice(from, messageType, peerCallId);
        }
    }

    // --- control connection messages

    private ControlVerdict onStartRequest(Side from) {
        if (state != ControlConnectionState.IDLE) {
            return violation(from, SCCRQ, "a second Start-Control-Connection-Request (state " + state + ')');
        }
        startRequester = from;
        state = ControlConnectionState.WAIT_CTL_REPLY;
        return ControlVerdict.FORWARD_UNCHANGED;
    }

    private ControlVerdict onStartReply(Side from, int resultCode) {
        if (state == ControlConnectionState.IDLE) {
            return violation(from, SCCRP, "reply without a Start-Control-Connection-Request");
        }
        if (state != ControlConnectionState.WAIT_CTL_REPLY) {
            return violation(from, SCCRP, "a second Start-Control-Connection-Reply (state " + state + ')');
        }
        if (from == startRequester) {
            return violation(from, SCCRP, "reply from the side that sent the Start-Control-Connection-Request");
        }
        if (resultCode == RESULT_OK) {
            state = ControlConnectionState.ESTABLISHED;
        } else {
            logger.info("Session {}: {} refused the control connection (SCCRP result code {})", id, from, resultCode);
            state = ControlConnectionState.CLOSED;
        }
        return ControlVerdict.FORWARD_UNCHANGED;
    }

    private ControlVerdict onStopRequest(Side from) {
        if (state == ControlConnectionState.WAIT_STOP_REPLY || state == ControlConnectionState.CLOSED) {
            logger.debug("Session {}: StopCCRQ from {} in state {} forwarded", id, from, state);
        } else {
            releaseAll("Stop-Control-Connection-Request from " + from);
            state = ControlConnectionState.WAIT_STOP_REPLY;
        }
        stopRequested[from.ordinal()] = true;
        return ControlVerdict.FORWARD_UNCHANGED;
    }

    private ControlVerdict onStopReply(Side from) {
        if (stopRequested[from.other().ordinal()]) {
            state = ControlConnectionState.CLOSED;
            return ControlVerdict.FORWARD_UNCHANGED;
        }
        if (stopRequested[from.ordinal()]) {
            return violation(from, STOP_CCRP, "reply from the side that sent the Stop-Control-Connection-Request");
        }
        logger.debug("Session {}: unsolicited StopCCRP from {} in state {} forwarded", id, from, state);
        releaseAll("Stop-Control-Connection-Reply from " + from);
        state = ControlConnectionState.CLOSED;
        return ControlVerdict.FORWARD_UNCHANGED;
    }

    // --- call messages

    private ControlVerdict onCallRequest(Side from, int type, CallType callType, int callId) {
        if (state == ControlConnectionState.WAIT_STOP_REPLY) {
            return discard(from, type, "call request while the control connection is stopping", null);
        }
        if (!isCallId(callId)) {
            return violation(from, type, "Call ID " + callId + " (expected: 0..65535)");
        }
        Call existing = find(c -> c.callId(from) == callId);
        if (existing != null) {
            if (existing.type() == callType && existing.requester() == from && existing.state() == CallState.WAIT_REPLY) {
                logger.debug("Session {}: retransmitted {} from {} for {}", id, name(type), from, existing);
                return ControlVerdict.forward(existing.gatewayCallId(from), -1, existing);
            }
            return violation(from, type, "Call ID " + callId + " is already used by call " + existing.id()
                    + " (" + existing.type() + ", " + existing.state() + ')');
        }
        Limits limits = registry.config().limits();
        if (calls.size() >= limits.maxCallsPerConnection()) {
            return refuse(from, type, callId, RefusalReason.CALLS_PER_CONNECTION_LIMIT,
                    "the control connection carries " + calls.size() + " calls (limit " + limits.maxCallsPerConnection() + ')');
        }
        if (!registry.tryReserveCall()) {
            return refuse(from, type, callId, RefusalReason.CALL_LIMIT,
                    "the gateway relays " + limits.maxCalls() + " calls (limit)");
        }
        CallIdAllocator allocator = registry.allocator();
        int first;
        int second;
        try {
            first = allocator.allocate();
            try {
                second = allocator.allocate();
            } catch (CallIdExhaustedException e) {
                allocator.release(first);
                throw e;
            }
        } catch (CallIdExhaustedException e) {
            registry.unreserveCall();
            return refuse(from, type, callId, RefusalReason.CALL_IDS_EXHAUSTED, e.getMessage());
        }
        Call call = new Call(this, registry.nextCallId(), callType, from, first, second, registry.nanoTime());
        call.callId(from, callId);
        install(call, from);
        calls.add(call);
        registry.metrics().callOpened();
        return ControlVerdict.forward(call.gatewayCallId(from), -1, call);
    }

    private ControlVerdict onCallReply(Side from, int type, CallType callType, int callId, int peerCallId, int resultCode) {
        if (!isCallId(callId)) {
            return violation(from, type, "Call ID " + callId + " (expected: 0..65535)");
        }
        if (!isCallId(peerCallId)) {
            return violation(from, type, "Peer Call ID " + peerCallId + " (expected: 0..65535)");
        }
        Side to = from.other();
        Call call = find(c -> c.type() == callType && c.requester() == to && c.gatewayCallId(to) == peerCallId);
        if (call == null) {
            Call own = find(c -> c.type() == callType && c.requester() == from && c.callId(from) == peerCallId);
            if (own != null) {
                return violation(from, type, "reply from the side that sent the request (Peer Call ID "
                        + peerCallId + " is its own Call ID)");
            }
            return unknownPeerCallId(from, type, peerCallId);
        }
        int known = call.callId(from);
        if (known >= 0) {
            if (known != callId) {
                return violation(from, type, "a second reply for call " + call.id() + " with Call ID " + callId
                        + " (the first had " + known + ')');
            }
            logger.debug("Session {}: retransmitted {} from {} for {}", id, name(type), from, call);
            return ControlVerdict.forward(call.gatewayCallId(from), call.callId(to), call);
        }
        call.callId(from, callId);
        ControlVerdict verdict = ControlVerdict.forward(call.gatewayCallId(from), call.callId(to), call);
        if (resultCode != RESULT_OK) {
            release(call, "rejected by " + from + " (" + name(type) + " result code " + resultCode + ')');
            return verdict;
        }
        install(call, from);
        if (call.state() == CallState.WAIT_REPLY) {
            if (callType == CallType.OUTGOING) {
                establish(call);
            } else {
                call.state(CallState.WAIT_CONNECT);
            }
        }
        return verdict;
    }

    private ControlVerdict onIncomingCallConnected(Side from, int peerCallId) {
        if (!isCallId(peerCallId)) {
            return violation(from, ICCN, "Peer Call ID " + peerCallId + " (expected: 0..65535)");
        }
        Side to = from.other();
        Call call = find(c -> c.type() == CallType.INCOMING && c.requester() == from && c.gatewayCallId(to) == peerCallId);
        if (call == null) {
            Call pending = find(c -> c.type() == CallType.INCOMING && c.requester() == from
                    && c.state() == CallState.WAIT_REPLY);
            if (pending != null) {
                return violation(from, ICCN, "Incoming-Call-Connected before Incoming-Call-Reply (call " + pending.id()
                        + " with Call ID " + pending.callId(from) + " has no reply yet)");
            }
            return unknownPeerCallId(from, ICCN, peerCallId);
        }
        switch (call.state()) {
            case WAIT_REPLY:
                return violation(from, ICCN, "Incoming-Call-Connected before Incoming-Call-Reply (call " + call.id() + ')');
            case WAIT_CONNECT:
                establish(call);
                break;
            default:
                logger.debug("Session {}: ICCN from {} for {} forwarded", id, from, call);
                break;
        }
        return ControlVerdict.forward(-1, call.callId(to), call);
    }

    private ControlVerdict onCallClearRequest(Side from, int callId) {
        if (!isCallId(callId)) {
            return violation(from, CCRQ, "Call ID " + callId + " (expected: 0..65535)");
        }
        Call call = find(c -> c.pnsSide() == from && c.callId(from) == callId);
        if (call == null) {
            Call ofPac = find(c -> c.pacSide() == from && c.callId(from) == callId);
            if (ofPac != null) {
                return violation(from, CCRQ, "Call-Clear-Request from the PAC of call " + ofPac.id()
                        + " (expected: from the PNS)");
            }
            return discard(from, CCRQ, "no call with the sender's Call ID " + callId + " (already released?)", null);
        }
        if (call.state() == CallState.CLEARING) {
            logger.debug("Session {}: repeated CCRQ from {} for {}", id, from, call);
        }
        call.state(CallState.CLEARING);
        return ControlVerdict.forward(call.gatewayCallId(from), -1, call);
    }

    private ControlVerdict onCallDisconnectNotify(Side from, int callId) {
        if (!isCallId(callId)) {
            return violation(from, CDN, "Call ID " + callId + " (expected: 0..65535)");
        }
        Side to = from.other();
        ControlVerdict verdict;
        Call call = find(c -> c.callId(from) == callId);
        if (call != null) {
            verdict = ControlVerdict.forward(call.gatewayCallId(from), -1, call);
        } else {
            call = find(c -> c.gatewayCallId(to) == callId && c.callId(to) >= 0);
            if (call == null) {
                return discard(from, CDN, "no call with Call ID " + callId + " (already released?)", null);
            }
            logger.debug("Session {}: CDN from {} carries the receiver's Call ID for {}", id, from, call);
            verdict = ControlVerdict.forward(call.callId(to), -1, call);
        }
        release(call, "Call-Disconnect-Notify from " + from);
        return verdict;
    }

    private ControlVerdict onPeerCallIdNotice(Side from, int type, int peerCallId) {
        if (!isCallId(peerCallId)) {
            return violation(from, type, "Peer Call ID " + peerCallId + " (expected: 0..65535)");
        }
        Side to = from.other();
        Call call = find(c -> c.gatewayCallId(to) == peerCallId && c.callId(to) >= 0);
        if (call == null) {
            return discard(from, type, "no call with Peer Call ID " + peerCallId + " (already released?)", null);
        }
        return ControlVerdict.forward(-1, call.callId(to), call);
    }

    private ControlVerdict unknownPeerCallId(Side from, int type, int peerCallId) {
        if (registry.allocator().isQuarantined(peerCallId)) {
            return discard(from, type, "Peer Call ID " + peerCallId + " belongs to a call released recently", null);
        }
        return violation(from, type, "unknown Peer Call ID " + peerCallId);
    }

    // --- calls

    private Call find(Predicate<Call> predicate) {
        for (Call call : calls) {
            if (predicate.test(call)) {
                return call;
            }
        }
        return null;
    }

    /** Installs the binding that sends GRE to {@code side}, whose Call ID has just become known. */
    private void install(Call call, Side side) {
        GreBinding binding = new GreBinding(address(side.other()), call.gatewayCallId(side),
                address(side), call.callId(side), call);
        if (!registry.translationMap().putIfAbsent(binding)) {
            // gateway Call IDs are live in the allocator, so nobody else can hold this key
            throw new IllegalStateException("translation map already holds a binding for " + binding);
        }
        call.bindingTo(side, binding);
    }

    private void establish(Call call) {
        call.state(CallState.ESTABLISHED);
        registry.metrics().callEstablished();
        CallSnapshot snapshot = call.snapshot();
        registry.notifyListener(listener -> listener.callEstablished(snapshot));
    }

    /**
     * Releases one live call of this session: removes its bindings, returns its gateway Call IDs (quarantine),
     * counts it and tells the listener. For the caller's own teardown decisions; the message handling and
     * {@link SessionRegistry#expireIdleCalls(long)} use it too.
     *
     * @return false if the call was released already
     */
    public synchronized boolean release(Call call, String reason) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(reason, "reason");
        if (call.session() != this) {
            throw new IllegalArgumentException("call: " + call + " (expected: a call of session " + id + ')');
        }
        if (call.state() == CallState.CLOSED) {
            return false;
        }
        calls.remove(call);
        for (Side side : Side.values()) {
            GreBinding binding = call.bindingTo(side);
            if (binding != null) {
                registry.translationMap().remove(binding);
            }
            registry.allocator().release(call.gatewayCallId(side));
        }
        call.state(CallState.CLOSED);
        call.closeReason(reason);
        registry.unreserveCall();
        registry.metrics().callClosed();
        logger.debug("Session {}: {} released: {}", id, call, reason);
        CallSnapshot snapshot = call.snapshot();
        registry.notifyListener(listener -> listener.callClosed(snapshot, reason));
        return true;
    }

    private void releaseAll(String reason) {
        for (Call call : List.copyOf(calls)) {
            release(call, reason);
        }
    }

    /** Releases the calls idle for {@code idleNanos}, adding them to {@code expired}. */
    synchronized void expireIdleCalls(long nowNanos, long idleNanos, List<Call> expired) {
        if (closed) {
            return;
        }
        for (Call call : List.copyOf(calls)) {
            if (call.idleFor(nowNanos, idleNanos)) {
                release(call, "no GRE packet for " + Duration.ofNanos(idleNanos));
                expired.add(call);
            }
        }
    }

    /**
     * Closes the session: releases every call (each reported to the listener), frees the connection's admission
     * slot, reports the connection closed. Idempotent: later calls do nothing and return an empty list.
     *
     * @param reason why (transport closed, timeout, protocol violation, shutdown...), for logs and the listener
     * @return the calls that were live and are now released
     */
    public synchronized List<Call> close(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (closed) {
            return List.of();
        }
        List<Call> released = List.copyOf(calls);
        releaseAll(reason);
        closed = true;
        closeReason = reason;
        state = ControlConnectionState.CLOSED;
        registry.sessionClosed(this);
        ConnectionSnapshot snapshot = snapshot();
        logger.debug("Session {} closed: {}", id, reason);
        registry.notifyListener(listener -> listener.connectionClosed(snapshot, reason));
        return released;
    }

    // --- verdicts

    private ControlVerdict violation(Side from, int type, String what) {
        String reason = name(type) + " from " + from + ": " + what;
        logger.info("Session {} ({} <-> {}): protocol violation: {}", id, acceptedPeer, connectedPeer, reason);
        registry.metrics().protocolError(PROTOCOL_VIOLATION_KIND);
        return ControlVerdict.violation(reason);
    }

    private ControlVerdict discard(Side from, int type, String what, Call call) {
        String reason = name(type) + " from " + from + ": " + what;
        logger.debug("Session {}: discarded {}", id, reason);
        return ControlVerdict.discard(reason, call);
    }

    private ControlVerdict refuse(Side from, int type, int callId, RefusalReason refusal, String what) {
        String reason = name(type) + " from " + from + " with Call ID " + callId + " refused: " + what;
        logger.info("Session {}: {}", id, reason);
        registry.metrics().callRefused(refusal);
        ConnectionSnapshot snapshot = snapshot();
        registry.notifyListener(listener -> listener.callRefused(snapshot, from, callId, refusal));
        return ControlVerdict.refuseCall(refusal, callId, reason);
    }

    private static boolean isCallId(int value) {
        return (value & ~0xFFFF) == 0;
    }

    private static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + type;
    }

    @Override
    public String toString() {
        return "ControlSession#" + id + '(' + acceptedPeer + " <-> " + connectedPeer + ", " + state
                + ", " + calls.size() + " calls)";
    }
}
