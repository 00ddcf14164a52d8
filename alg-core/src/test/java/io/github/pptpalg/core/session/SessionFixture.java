package io.github.pptpalg.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/** A registry with a fake clock, a recording listener and helpers to drive sessions message by message. */
final class SessionFixture {

    static final InetSocketAddress ACCEPTED = new InetSocketAddress("198.18.0.5", 40000);
    static final InetSocketAddress CONNECTED = new InetSocketAddress("198.18.1.2", 1723);
    static final int ACCEPTED_ADDRESS = 0xC6120005;
    static final int CONNECTED_ADDRESS = 0xC6120102;
    /** Gateway Call IDs come from this range in the fixture, so IDs below 1000 are never gateway IDs. */
    static final CallIdRange RANGE = new CallIdRange(1000, 1999);

    static final int SCCRQ = 1, SCCRP = 2, STOP_CCRQ = 3, STOP_CCRP = 4, ECHO_RQ = 5, ECHO_RP = 6, OCRQ = 7,
            OCRP = 8, ICRQ = 9, ICRP = 10, ICCN = 11, CCRQ = 12, CDN = 13, WEN = 14, SLI = 15;

    long now = 1_000_000_000L;
    final AlgMetrics metrics = new AlgMetrics();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final SessionRegistry registry;

    SessionFixture() {
        this(b -> b);
    }

    SessionFixture(UnaryOperator<PptpAlgConfig.Builder> configure) {
        PptpAlgConfig config = configure.apply(PptpAlgConfig.builder().addProxy("198.18.1.2").callIdRange(RANGE)).build();
        registry = new SessionRegistry(config, metrics, new SessionListener() {
            @Override
            public void connectionOpened(ConnectionSnapshot connection) {
                events.add("connectionOpened " + connection.id());
            }

            @Override
            public void connectionClosed(ConnectionSnapshot connection, String reason) {
                events.add("connectionClosed " + connection.id() + " " + reason);
            }

            @Override
            public void connectionRefused(InetAddress source, RefusalReason reason) {
                events.add("connectionRefused " + source.getHostAddress() + " " + reason);
            }

            @Override
            public void callEstablished(CallSnapshot call) {
                events.add("callEstablished " + call.id());
            }

            @Override
            public void callClosed(CallSnapshot call, String reason) {
                events.add("callClosed " + call.id() + " " + reason);
            }

            @Override
            public void callRefused(ConnectionSnapshot connection, Side from, int callId, RefusalReason reason) {
                events.add("callRefused " + connection.id() + " " + from + " " + callId + " " + reason);
            }
        }, () -> now);
    }

    ControlSession open() {
        Admission admission = registry.admit(ACCEPTED.getAddress());
        assertTrue(admission.isAdmitted(), admission.toString());
        return registry.open(admission, ACCEPTED, CONNECTED);
    }

    /** A session whose control connection the accepted side started and the connected side accepted. */
    ControlSession established() {
        ControlSession session = open();
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, SCCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, SCCRP, -1, -1, 1));
        assertEquals(ControlConnectionState.ESTABLISHED, session.state());
        return session;
    }

    /** An established outgoing call with PNS {@code pns}: OCRQ(idPns) and OCRP(idPac, result 1). */
    Call outgoingCall(ControlSession session, Side pns, int idPns, int idPac) {
        ControlVerdict request = session.onMessage(pns, OCRQ, idPns, -1, -1);
        assertEquals(ControlVerdict.Kind.FORWARD, request.kind(), request.toString());
        Call call = request.call();
        ControlVerdict reply = session.onMessage(pns.other(), OCRP, idPac, request.callId(), 1);
        assertEquals(ControlVerdict.Kind.FORWARD, reply.kind(), reply.toString());
        assertEquals(CallState.ESTABLISHED, call.state());
        return call;
    }

    /** An established incoming call with PAC {@code pac}: ICRQ(idPac), ICRP(idPns, result 1), ICCN. */
    Call incomingCall(ControlSession session, Side pac, int idPac, int idPns) {
        ControlVerdict request = session.onMessage(pac, ICRQ, idPac, -1, -1);
        Call call = request.call();
        ControlVerdict reply = session.onMessage(pac.other(), ICRP, idPns, request.callId(), 1);
        ControlVerdict connected = session.onMessage(pac, ICCN, -1, reply.callId(), -1);
        assertEquals(ControlVerdict.Kind.FORWARD, connected.kind(), connected.toString());
        assertEquals(CallState.ESTABLISHED, call.state());
        return call;
    }

    static int address(Side side) {
        return side == Side.ACCEPTED ? ACCEPTED_ADDRESS : CONNECTED_ADDRESS;
    }

    /** Asserts that GRE from the other side with {@code to}'s gateway ID is sent to {@code to} with its real ID. */
    void assertBindingTo(Call call, Side to) {
        GreBinding binding = registry.translationMap().lookup(address(to.other()), call.gatewayCallId(to));
        assertNotNull(binding, "binding to " + to + " of " + call);
        assertEquals(address(to), binding.outboundAddress());
        assertEquals(call.callId(to), binding.outboundCallId());
        assertEquals(call, binding.owner());
        assertEquals(binding, call.bindingTo(to));
        assertEquals(to.other().greDirectionFrom(), call.greDirection(binding));
    }

    void assertNoBindingTo(Call call, Side to) {
        assertEquals(null, registry.translationMap().lookup(address(to.other()), call.gatewayCallId(to)),
                "binding to " + to + " of " + call);
    }

    /** Nothing of any call is left: no binding, no live gateway Call ID, no call counted. */
    void assertAllReleased() {
        assertEquals(0, registry.translationMap().size(), "translation map size");
        assertEquals(0, registry.allocator().liveCount(), "allocator liveCount");
        assertEquals(0, registry.callCount(), "registry callCount");
        assertEquals(0, metrics.snapshot().callsActive(), "calls active");
    }

    static void assertForwardUnchanged(ControlVerdict verdict) {
        assertEquals(ControlVerdict.Kind.FORWARD, verdict.kind(), verdict.toString());
        assertEquals(-1, verdict.callId());
        assertEquals(-1, verdict.peerCallId());
    }

    static void assertForward(ControlVerdict verdict, int callId, int peerCallId) {
        assertEquals(ControlVerdict.Kind.FORWARD, verdict.kind(), verdict.toString());
        assertEquals(callId, verdict.callId(), "callId of " + verdict);
        assertEquals(peerCallId, verdict.peerCallId(), "peerCallId of " + verdict);
    }

    static void assertVerdict(ControlVerdict verdict, ControlVerdict.Kind kind, String reason) {
        assertEquals(kind, verdict.kind(), verdict.toString());
        assertEquals(reason, verdict.reason());
    }
}
