package io.github.pptpalg.core.session;

import static io.github.pptpalg.core.session.SessionFixture.CCRQ;
import static io.github.pptpalg.core.session.SessionFixture.CDN;
import static io.github.pptpalg.core.session.SessionFixture.ECHO_RP;
import static io.github.pptpalg.core.session.SessionFixture.ECHO_RQ;
import static io.github.pptpalg.core.session.SessionFixture.ICCN;
import static io.github.pptpalg.core.session.SessionFixture.ICRP;
import static io.github.pptpalg.core.session.SessionFixture.ICRQ;
import static io.github.pptpalg.core.session.SessionFixture.OCRP;
import static io.github.pptpalg.core.session.SessionFixture.OCRQ;
import static io.github.pptpalg.core.session.SessionFixture.SCCRP;
import static io.github.pptpalg.core.session.SessionFixture.SCCRQ;
import static io.github.pptpalg.core.session.SessionFixture.SLI;
import static io.github.pptpalg.core.session.SessionFixture.STOP_CCRP;
import static io.github.pptpalg.core.session.SessionFixture.STOP_CCRQ;
import static io.github.pptpalg.core.session.SessionFixture.WEN;
import static io.github.pptpalg.core.session.SessionFixture.assertForward;
import static io.github.pptpalg.core.session.SessionFixture.assertForwardUnchanged;
import static io.github.pptpalg.core.session.SessionFixture.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ControlSessionTest {

    private final SessionFixture f = new SessionFixture();

    @ParameterizedTest
    @EnumSource(Side.class)
    void outgoingCallTranslatesBothWaysAndInstallsBindingsStepByStep(Side pns) {
        Side pac = pns.other();
        ControlSession session = f.established();

        ControlVerdict request = session.onMessage(pns, OCRQ, 100, -1, -1);
        Call call = request.call();
        assertEquals(CallType.OUTGOING, call.type());
        assertEquals(pns, call.pnsSide());
        assertEquals(pac, call.pacSide());
        assertEquals(CallState.WAIT_REPLY, call.state());
        // the PNS's own ID is replaced by the gateway ID presented to the PAC
        assertForward(request, call.gatewayCallId(pns), -1);
        assertTrue(SessionFixture.RANGE.contains(call.gatewayCallId(pns)));
        assertTrue(SessionFixture.RANGE.contains(call.gatewayCallId(pac)));
        assertNotEquals(call.gatewayCallId(pns), call.gatewayCallId(pac));
        assertEquals(100, call.callId(pns));
        assertEquals(-1, call.callId(pac));
        // GRE to the PNS works already, GRE to the PAC not yet
        assertEquals(1, f.registry.translationMap().size());
        f.assertBindingTo(call, pns);
        f.assertNoBindingTo(call, pac);
        assertEquals(2, f.registry.allocator().liveCount());

        ControlVerdict reply = session.onMessage(pac, OCRP, 200, call.gatewayCallId(pns), 1);
        // the PAC's own ID becomes the gateway ID shown to the PNS, the Peer Call ID the PNS's real ID
        assertForward(reply, call.gatewayCallId(pac), 100);
        assertSame(call, reply.call());
        assertEquals(CallState.ESTABLISHED, call.state());
        assertEquals(200, call.callId(pac));
        assertEquals(2, f.registry.translationMap().size());
        f.assertBindingTo(call, pns);
        f.assertBindingTo(call, pac);
        assertEquals(List.of("connectionOpened 1", "callEstablished " + call.id()), f.events);

        MetricsSnapshot metrics = f.metrics.snapshot();
        assertEquals(1, metrics.callsTotal());
        assertEquals(1, metrics.callsActive());
        assertEquals(1, metrics.callsEstablished());
        assertEquals(List.of(call), session.calls());
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void incomingCallTranslatesBothWaysAndInstallsBindingsStepByStep(Side pac) {
        Side pns = pac.other();
        ControlSession session = f.established();

        ControlVerdict request = session.onMessage(pac, ICRQ, 300, -1, -1);
        Call call = request.call();
        assertEquals(CallType.INCOMING, call.type());
        assertEquals(pns, call.pnsSide());
        assertEquals(pac, call.requester());
        assertForward(request, call.gatewayCallId(pac), -1);
        f.assertBindingTo(call, pac);
        f.assertNoBindingTo(call, pns);

        ControlVerdict reply = session.onMessage(pns, ICRP, 400, call.gatewayCallId(pac), 1);
        assertForward(reply, call.gatewayCallId(pns), 300);
        assertEquals(CallState.WAIT_CONNECT, call.state());
        f.assertBindingTo(call, pac);
        f.assertBindingTo(call, pns);
        assertEquals(0, f.metrics.snapshot().callsEstablished());

        ControlVerdict connected = session.onMessage(pac, ICCN, -1, call.gatewayCallId(pns), -1);
        assertForward(connected, -1, 400);
        assertEquals(CallState.ESTABLISHED, call.state());
        assertEquals(1, f.metrics.snapshot().callsEstablished());
        assertEquals(2, f.registry.translationMap().size());
    }

    @Test
    void greCountersOfTheBindingsShowInTheCall() {
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        call.bindingTo(Side.CONNECTED).countPacket(100);
        call.bindingTo(Side.CONNECTED).countPacket(50);
        call.bindingTo(Side.ACCEPTED).countPacket(70);
        assertEquals(2, call.packetsFrom(Side.ACCEPTED));
        assertEquals(150, call.bytesFrom(Side.ACCEPTED));
        assertEquals(1, call.packetsFrom(Side.CONNECTED));
        assertEquals(70, call.bytesFrom(Side.CONNECTED));
        assertEquals(GreDirection.ACCEPTED_TO_CONNECTED, call.greDirection(call.bindingTo(Side.CONNECTED)));
        CallSnapshot snapshot = call.snapshot();
        assertEquals(2, snapshot.acceptedToConnectedPackets());
        assertEquals(150, snapshot.acceptedToConnectedBytes());
        assertEquals(1, snapshot.connectedToAcceptedPackets());
        assertEquals(70, snapshot.connectedToAcceptedBytes());
        assertEquals(1, snapshot.acceptedCallId());
        assertEquals(call.gatewayCallId(Side.ACCEPTED), snapshot.acceptedGatewayCallId());
        assertEquals(2, snapshot.connectedCallId());
        assertEquals(call.gatewayCallId(Side.CONNECTED), snapshot.connectedGatewayCallId());
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void rejectedOutgoingCallIsForwardedTranslatedAndReleased(Side pns) {
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(pns, OCRQ, 100, -1, -1);
        Call call = request.call();
        ControlVerdict reply = session.onMessage(pns.other(), OCRP, 0, request.callId(), 4);
        assertForward(reply, call.gatewayCallId(pns.other()), 100);
        assertEquals(CallState.CLOSED, call.state());
        assertEquals("rejected by " + pns.other() + " (OCRP result code 4)", call.closeReason());
        assertTrue(f.registry.allocator().isQuarantined(call.gatewayCallId(pns)));
        assertTrue(f.registry.allocator().isQuarantined(call.gatewayCallId(pns.other())));
        f.assertAllReleased();
        assertEquals(List.of(), session.calls());
        assertEquals("callClosed " + call.id() + " rejected by " + pns.other() + " (OCRP result code 4)",
                f.events.get(f.events.size() - 1));
        assertEquals(0, f.metrics.snapshot().callsEstablished());
        assertEquals(1, f.metrics.snapshot().callsClosed());
    }

    @Test
    void rejectedIncomingCallIsReleased() {
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.CONNECTED, ICRQ, 9, -1, -1);
        Call call = request.call();
        ControlVerdict reply = session.onMessage(Side.ACCEPTED, ICRP, 5, request.callId(), 3);
        assertForward(reply, call.gatewayCallId(Side.ACCEPTED), 9);
        assertEquals(CallState.CLOSED, call.state());
        f.assertAllReleased();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void callClearRequestThenCallDisconnectNotifyReleasesTheCall(Side pns) {
        Side pac = pns.other();
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, pns, 100, 200);

        ControlVerdict clear = session.onMessage(pns, CCRQ, 100, -1, -1);
        assertForward(clear, call.gatewayCallId(pns), -1);
        assertEquals(CallState.CLEARING, call.state());
        assertEquals(2, f.registry.translationMap().size(), "bindings stay until the CDN");

        ControlVerdict disconnect = session.onMessage(pac, CDN, 200, -1, -1);
        assertForward(disconnect, call.gatewayCallId(pac), -1);
        assertEquals(CallState.CLOSED, call.state());
        assertEquals("Call-Disconnect-Notify from " + pac, call.closeReason());
        f.assertAllReleased();
    }

    @Test
    void callDisconnectNotifyAloneReleasesTheCall() {
        ControlSession session = f.established();
        Call call = f.incomingCall(session, Side.CONNECTED, 7, 8);
        ControlVerdict disconnect = session.onMessage(Side.CONNECTED, CDN, 7, -1, -1);
        assertForward(disconnect, call.gatewayCallId(Side.CONNECTED), -1);
        f.assertAllReleased();
        assertEquals(1, f.metrics.snapshot().callsClosed());
    }

    @Test
    void callDisconnectNotifyFromThePnsWithItsOwnIdIsTolerated() {
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, Side.ACCEPTED, 100, 200);
        ControlVerdict disconnect = session.onMessage(Side.ACCEPTED, CDN, 100, -1, -1);
        assertForward(disconnect, call.gatewayCallId(Side.ACCEPTED), -1);
        f.assertAllReleased();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void callDisconnectNotifyWithTheReceiversIdIsTranslatedBackToIt(Side pac) {
        // accel-ppp puts the PNS's Call ID (as the PAC knows it: a gateway ID) into its CDN
        Side pns = pac.other();
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, pns, 100, 200);
        ControlVerdict disconnect = session.onMessage(pac, CDN, call.gatewayCallId(pns), -1, -1);
        assertForward(disconnect, 100, -1);
        f.assertAllReleased();
    }

    @Test
    void stopControlConnectionReleasesEveryCall() {
        ControlSession session = f.established();
        Call first = f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        Call second = f.incomingCall(session, Side.CONNECTED, 3, 4);
        assertEquals(4, f.registry.translationMap().size());

        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, STOP_CCRQ, -1, -1, -1));
        assertEquals(ControlConnectionState.WAIT_STOP_REPLY, session.state());
        assertEquals(CallState.CLOSED, first.state());
        assertEquals(CallState.CLOSED, second.state());
        assertEquals("Stop-Control-Connection-Request from ACCEPTED", first.closeReason());
        f.assertAllReleased();

        assertForwardUnchanged(session.onMessage(Side.CONNECTED, STOP_CCRP, -1, -1, -1));
        assertEquals(ControlConnectionState.CLOSED, session.state());
        assertFalse(session.isClosed(), "the transport is still up until close()");
    }

    @Test
    void crossingStopRequestsAreBothForwardedAndAnswered() {
        ControlSession session = f.established();
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, STOP_CCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, STOP_CCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, STOP_CCRP, -1, -1, -1));
        assertEquals(ControlConnectionState.CLOSED, session.state());
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, STOP_CCRP, -1, -1, -1));
    }

    @Test
    void unsolicitedStopReplyIsForwardedAndClearsCalls() {
        ControlSession session = f.established();
        f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, STOP_CCRP, -1, -1, -1));
        assertEquals(ControlConnectionState.CLOSED, session.state());
        f.assertAllReleased();
    }

    @Test
    void closeReleasesEverythingOnceAndIsIdempotent() {
        ControlSession session = f.established();
        Call first = f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        Call second = f.outgoingCall(session, Side.CONNECTED, 3, 4);
        ControlVerdict pending = session.onMessage(Side.ACCEPTED, ICRQ, 5, -1, -1);
        Call third = pending.call();
        f.events.clear();

        List<Call> released = session.close("transport closed");
        assertEquals(List.of(first, second, third), released);
        f.assertAllReleased();
        assertTrue(session.isClosed());
        assertEquals("transport closed", session.closeReason());
        assertEquals(ControlConnectionState.CLOSED, session.state());
        assertEquals(0, f.registry.connectionCount());
        assertEquals(List.of(), f.registry.sessions());
        assertEquals(0, f.metrics.snapshot().controlConnectionsActive());
        assertEquals(List.of(
                "callClosed " + first.id() + " transport closed",
                "callClosed " + second.id() + " transport closed",
                "callClosed " + third.id() + " transport closed",
                "connectionClosed " + session.id() + " transport closed"), f.events);

        assertEquals(List.of(), session.close("again"));
        assertEquals(4, f.events.size(), "no second notification");
        assertEquals("transport closed", session.closeReason());
        assertEquals(0, f.metrics.snapshot().controlConnectionsActive());
        assertEquals(3, f.metrics.snapshot().callsClosed());
        assertFalse(session.release(first, "again"));
    }

    @Test
    void retransmittedRequestAndReplyReuseTheTranslation() {
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, 100, -1, -1);
        ControlVerdict again = session.onMessage(Side.ACCEPTED, OCRQ, 100, -1, -1);
        assertForward(again, request.callId(), -1);
        assertSame(request.call(), again.call());
        assertEquals(1, session.calls().size());
        assertEquals(1, f.registry.translationMap().size());
        assertEquals(2, f.registry.allocator().liveCount());

        ControlVerdict reply = session.onMessage(Side.CONNECTED, OCRP, 200, request.callId(), 1);
        ControlVerdict replyAgain = session.onMessage(Side.CONNECTED, OCRP, 200, request.callId(), 1);
        assertForward(replyAgain, reply.callId(), 100);
        assertEquals(2, f.registry.translationMap().size());
        assertEquals(1, f.metrics.snapshot().callsEstablished());
        assertEquals(1, f.metrics.snapshot().callsTotal());
    }

    @Test
    void retransmittedIncomingRequestAndConnectedReuseTheTranslation() {
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.CONNECTED, ICRQ, 9, -1, -1);
        assertForward(session.onMessage(Side.CONNECTED, ICRQ, 9, -1, -1), request.callId(), -1);
        ControlVerdict reply = session.onMessage(Side.ACCEPTED, ICRP, 5, request.callId(), 1);
        assertForward(session.onMessage(Side.ACCEPTED, ICRP, 5, request.callId(), 1), reply.callId(), 9);
        assertForward(session.onMessage(Side.CONNECTED, ICCN, -1, reply.callId(), -1), -1, 5);
        assertForward(session.onMessage(Side.CONNECTED, ICCN, -1, reply.callId(), -1), -1, 5);
        assertEquals(1, session.calls().size());
        assertEquals(1, f.metrics.snapshot().callsEstablished());
    }

    @Test
    void twoCallsOnOneConnectionAreIndependent() {
        ControlSession session = f.established();
        Call first = f.outgoingCall(session, Side.ACCEPTED, 100, 200);
        Call second = f.outgoingCall(session, Side.ACCEPTED, 101, 201);
        assertEquals(4, f.registry.translationMap().size());
        assertEquals(4, List.of(first.gatewayCallId(Side.ACCEPTED), first.gatewayCallId(Side.CONNECTED),
                second.gatewayCallId(Side.ACCEPTED), second.gatewayCallId(Side.CONNECTED)).stream().distinct().count());

        // the Peer Call ID picks the call
        assertForward(session.onMessage(Side.ACCEPTED, SLI, -1, second.gatewayCallId(Side.CONNECTED), -1), -1, 201);
        assertForward(session.onMessage(Side.ACCEPTED, SLI, -1, first.gatewayCallId(Side.CONNECTED), -1), -1, 200);

        assertForward(session.onMessage(Side.CONNECTED, CDN, 200, -1, -1), first.gatewayCallId(Side.CONNECTED), -1);
        assertEquals(CallState.CLOSED, first.state());
        assertEquals(CallState.ESTABLISHED, second.state());
        assertEquals(2, f.registry.translationMap().size());
        f.assertBindingTo(second, Side.ACCEPTED);
        f.assertBindingTo(second, Side.CONNECTED);
        f.assertNoBindingTo(first, Side.ACCEPTED);
        assertEquals(List.of(second), session.calls());
        assertEquals(2, f.registry.allocator().liveCount());
    }

    @Test
    void wanErrorNotifyAndSetLinkInfoTranslateThePeerCallId() {
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, Side.CONNECTED, 100, 200); // PNS connected, PAC accepted
        // WEN from the PAC carries the PNS's ID as the PAC knows it
        assertForward(session.onMessage(Side.ACCEPTED, WEN, -1, call.gatewayCallId(Side.CONNECTED), -1), -1, 100);
        // SLI from the PNS carries the PAC's ID as the PNS knows it
        assertForward(session.onMessage(Side.CONNECTED, SLI, -1, call.gatewayCallId(Side.ACCEPTED), -1), -1, 200);
    }

    @Test
    void echoIsForwardedInAnyState() {
        ControlSession session = f.open();
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, ECHO_RQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, SCCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, ECHO_RP, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, SCCRP, -1, -1, 1));
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, ECHO_RQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, STOP_CCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, ECHO_RQ, -1, -1, -1));
    }

    @Test
    void theConnectedSideMayStartTheControlConnection() {
        ControlSession session = f.open();
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, SCCRQ, -1, -1, -1));
        assertForwardUnchanged(session.onMessage(Side.ACCEPTED, SCCRP, -1, -1, 1));
        assertEquals(ControlConnectionState.ESTABLISHED, session.state());
    }

    @Test
    void negativeStartReplyClosesTheControlConnection() {
        ControlSession session = f.open();
        session.onMessage(Side.ACCEPTED, SCCRQ, -1, -1, -1);
        assertForwardUnchanged(session.onMessage(Side.CONNECTED, SCCRP, -1, -1, 2));
        assertEquals(ControlConnectionState.CLOSED, session.state());
    }

    @Test
    void clearRequestBeforeTheReplyThenLateReplyThenDisconnect() {
        // pptp-linux may send CCRQ right after its OCRQ, before any reply (interop notes)
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, 100, -1, -1);
        Call call = request.call();
        assertForward(session.onMessage(Side.ACCEPTED, CCRQ, 100, -1, -1), request.callId(), -1);
        assertEquals(CallState.CLEARING, call.state());
        ControlVerdict reply = session.onMessage(Side.CONNECTED, OCRP, 200, request.callId(), 1);
        assertForward(reply, call.gatewayCallId(Side.CONNECTED), 100);
        assertEquals(CallState.CLEARING, call.state());
        assertEquals(0, f.metrics.snapshot().callsEstablished());
        assertForward(session.onMessage(Side.CONNECTED, CDN, 200, -1, -1), reply.callId(), -1);
        f.assertAllReleased();
    }

    @Test
    void snapshotsDescribeTheSession() {
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, Side.ACCEPTED, 100, 200);
        f.now += 5_000_000_000L;
        List<ConnectionSnapshot> sessions = f.registry.sessions();
        assertEquals(1, sessions.size());
        ConnectionSnapshot snapshot = sessions.get(0);
        assertEquals(session.id(), snapshot.id());
        assertEquals(SessionFixture.ACCEPTED, snapshot.acceptedPeer());
        assertEquals(SessionFixture.CONNECTED, snapshot.connectedPeer());
        assertEquals(ControlConnectionState.ESTABLISHED, snapshot.state());
        assertEquals(5, snapshot.age().toSeconds());
        assertEquals(1, snapshot.calls().size());
        CallSnapshot callSnapshot = snapshot.calls().get(0);
        assertEquals(call.id(), callSnapshot.id());
        assertEquals(session.id(), callSnapshot.connectionId());
        assertEquals(CallType.OUTGOING, callSnapshot.type());
        assertEquals(Side.ACCEPTED, callSnapshot.pnsSide());
        assertEquals(CallState.ESTABLISHED, callSnapshot.state());
        assertEquals(100, callSnapshot.acceptedCallId());
        assertEquals(200, callSnapshot.connectedCallId());
    }

    @Test
    void idAsSeenByGivesWhatEachSideKnows() {
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, 100, -1, -1);
        Call call = request.call();
        assertEquals(100, call.idAsSeenBy(Side.ACCEPTED, Side.ACCEPTED));
        assertEquals(request.callId(), call.idAsSeenBy(Side.ACCEPTED, Side.CONNECTED));
        assertEquals(-1, call.idAsSeenBy(Side.CONNECTED, Side.ACCEPTED), "no reply yet");
        session.onMessage(Side.CONNECTED, OCRP, 200, request.callId(), 1);
        assertEquals(call.gatewayCallId(Side.CONNECTED), call.idAsSeenBy(Side.CONNECTED, Side.ACCEPTED));
        assertEquals(200, call.idAsSeenBy(Side.CONNECTED, Side.CONNECTED));
    }

    @Test
    void aFailingListenerDoesNotBreakTheSession() {
        SessionRegistry registry = new SessionRegistry(f.registry.config(), f.metrics, new SessionListener() {
            @Override
            public void callEstablished(CallSnapshot call) {
                throw new IllegalStateException("listener bug");
            }
        });
        ControlSession session = registry.open(registry.admit(SessionFixture.ACCEPTED.getAddress()),
                SessionFixture.ACCEPTED, SessionFixture.CONNECTED);
        session.onMessage(Side.ACCEPTED, SCCRQ, -1, -1, -1);
        session.onMessage(Side.CONNECTED, SCCRP, -1, -1, 1);
        ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, 1, -1, -1);
        assertForward(session.onMessage(Side.CONNECTED, OCRP, 2, request.callId(), 1),
                request.call().gatewayCallId(Side.CONNECTED), 1);
        assertEquals(CallState.ESTABLISHED, request.call().state());
        session.close("done");
        assertEquals(0, registry.translationMap().size());
    }

    @Test
    void releaseRejectsAForeignCall() {
        ControlSession one = f.established();
        ControlSession two = f.established();
        Call call = f.outgoingCall(one, Side.ACCEPTED, 1, 2);
        try {
            two.release(call, "x");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("call: Call#"), e.getMessage());
            assertEquals(CallState.ESTABLISHED, call.state());
            return;
        }
        throw new AssertionError("expected IllegalArgumentException");
    }

    @Test
    void verdictRequiresRefusalReasonExactlyForRefuseCall() {
        assertNull(ControlVerdict.FORWARD_UNCHANGED.refusalReason());
        try {
            new ControlVerdict(ControlVerdict.Kind.REFUSE_CALL, 0, 1, "x", null, null);
        } catch (IllegalArgumentException e) {
            assertEquals("refusalReason: null (expected: set for REFUSE_CALL only)", e.getMessage());
            return;
        }
        throw new AssertionError("expected IllegalArgumentException");
    }
}
