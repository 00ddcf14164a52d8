package io.github.pptpalg.core.session;

import static io.github.pptpalg.core.session.SessionFixture.CDN;
import static io.github.pptpalg.core.session.SessionFixture.ICRQ;
import static io.github.pptpalg.core.session.SessionFixture.OCRP;
import static io.github.pptpalg.core.session.SessionFixture.OCRQ;
import static io.github.pptpalg.core.session.SessionFixture.SCCRP;
import static io.github.pptpalg.core.session.SessionFixture.SCCRQ;
import static io.github.pptpalg.core.session.SessionFixture.assertForward;
import static io.github.pptpalg.core.session.SessionFixture.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.Timeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {

    private static final long SECOND = 1_000_000_000L;

    // --- admission

    @Test
    void accessListDeniesBeforeAnyLimit() throws Exception {
        SessionFixture f = new SessionFixture(b -> b.accessList(AccessList.parse("198.18.0.0/24")));
        Admission denied = f.registry.admit(InetAddress.getByName("198.18.9.9"));
        assertFalse(denied.isAdmitted());
        assertEquals(RefusalReason.ACL_DENIED, denied.refusalReason());
        assertEquals(1, f.metrics.snapshot().aclDenials());
        assertEquals(List.of("connectionRefused 198.18.9.9 ACL_DENIED"), f.events);
        assertTrue(f.registry.admit(InetAddress.getByName("198.18.0.77")).isAdmitted());
    }

    @Test
    void totalAndPerSourceConnectionLimitsCountAdmissionsAndSessions() throws Exception {
        SessionFixture f = new SessionFixture(b -> b.limits(Limits.defaults()
                .withMaxControlConnections(3).withMaxControlConnectionsPerSource(2)));
        InetAddress one = SessionFixture.ACCEPTED.getAddress();
        InetAddress two = InetAddress.getByName("198.18.0.6");
        Admission first = f.registry.admit(one);
        ControlSession session = f.registry.open(f.registry.admit(one), SessionFixture.ACCEPTED, SessionFixture.CONNECTED);
        Admission thirdFromOne = f.registry.admit(one);
        assertEquals(RefusalReason.PER_SOURCE_LIMIT, thirdFromOne.refusalReason());
        Admission fromTwo = f.registry.admit(two);
        assertTrue(fromTwo.isAdmitted());
        Admission fourth = f.registry.admit(InetAddress.getByName("198.18.0.7"));
        assertEquals(RefusalReason.CONNECTION_LIMIT, fourth.refusalReason());

        // giving slots back makes room again
        assertTrue(first.refuse(RefusalReason.AUTHORIZATION_DENIED));
        assertFalse(first.refuse(RefusalReason.AUTHORIZATION_DENIED), "refused once only");
        assertTrue(f.registry.admit(one).isAdmitted());
        session.close("transport closed");
        assertTrue(f.registry.admit(InetAddress.getByName("198.18.0.7")).isAdmitted());

        var snapshot = f.metrics.snapshot();
        assertEquals(1, snapshot.controlConnectionsRefused(RefusalReason.PER_SOURCE_LIMIT));
        assertEquals(1, snapshot.controlConnectionsRefused(RefusalReason.CONNECTION_LIMIT));
        assertEquals(1, snapshot.controlConnectionsRefused(RefusalReason.AUTHORIZATION_DENIED));
        assertEquals(1, snapshot.controlConnectionsTotal());
        assertEquals(0, snapshot.controlConnectionsActive());
        assertTrue(f.events.contains("connectionRefused 198.18.0.5 AUTHORIZATION_DENIED"), f.events.toString());
    }

    @Test
    void openChecksTheAdmissionAndTheAddresses() throws Exception {
        SessionFixture f = new SessionFixture();
        Admission admission = f.registry.admit(SessionFixture.ACCEPTED.getAddress());
        IllegalArgumentException wrongSource = assertThrows(IllegalArgumentException.class, () -> f.registry.open(
                admission, new InetSocketAddress("198.18.0.99", 1), SessionFixture.CONNECTED));
        assertEquals("acceptedPeer: /198.18.0.99:1 (expected: the admission's source 198.18.0.5)", wrongSource.getMessage());
        IllegalArgumentException ipv6 = assertThrows(IllegalArgumentException.class, () -> f.registry.open(
                admission, SessionFixture.ACCEPTED, new InetSocketAddress("::1", 1723)));
        assertTrue(ipv6.getMessage().startsWith("connectedPeer: "), ipv6.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.registry.open(
                admission, SessionFixture.ACCEPTED, InetSocketAddress.createUnresolved("pac.example", 1723)));

        f.registry.open(admission, SessionFixture.ACCEPTED, SessionFixture.CONNECTED);
        assertThrows(IllegalStateException.class,
                () -> f.registry.open(admission, SessionFixture.ACCEPTED, SessionFixture.CONNECTED));
        assertThrows(IllegalStateException.class, () -> admission.refuse(RefusalReason.PEER_UNREACHABLE));
        assertThrows(IllegalArgumentException.class, () -> admission.refuse(RefusalReason.CALL_LIMIT));
        Admission refused = f.registry.admit(SessionFixture.ACCEPTED.getAddress());
        refused.refuse(RefusalReason.PEER_UNREACHABLE);
        assertThrows(IllegalStateException.class,
                () -> f.registry.open(refused, SessionFixture.ACCEPTED, SessionFixture.CONNECTED));
        assertEquals(1, f.registry.connectionCount());
    }

    // --- call limits

    @Test
    void callsPerConnectionLimitRefusesTheCall() {
        SessionFixture f = new SessionFixture(b -> b.limits(Limits.defaults().withMaxCallsPerConnection(1)));
        ControlSession session = f.established();
        f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        ControlVerdict verdict = session.onMessage(Side.ACCEPTED, OCRQ, 3, -1, -1);
        assertVerdict(verdict, ControlVerdict.Kind.REFUSE_CALL,
                "OCRQ from ACCEPTED with Call ID 3 refused: the control connection carries 1 calls (limit 1)");
        assertEquals(RefusalReason.CALLS_PER_CONNECTION_LIMIT, verdict.refusalReason());
        assertEquals(0, verdict.callId(), "the negative reply's Call ID");
        assertEquals(3, verdict.peerCallId(), "the negative reply's Peer Call ID: the sender's Call ID");
        assertNull(verdict.call());
        assertEquals(2, f.registry.translationMap().size());
        assertEquals(2, f.registry.allocator().liveCount());
        assertEquals(1, session.calls().size());
        assertEquals(1, f.metrics.snapshot().callsRefused(RefusalReason.CALLS_PER_CONNECTION_LIMIT));
        assertEquals(1, f.metrics.snapshot().callsTotal());
        assertEquals("callRefused " + session.id() + " ACCEPTED 3 CALLS_PER_CONNECTION_LIMIT", f.events.get(f.events.size() - 1));

        // after the first call is gone, there is room again
        session.onMessage(Side.CONNECTED, CDN, 2, -1, -1);
        assertEquals(ControlVerdict.Kind.FORWARD, session.onMessage(Side.ACCEPTED, OCRQ, 3, -1, -1).kind());
    }

    @Test
    void callLimitCountsCallsOfAllConnections() {
        SessionFixture f = new SessionFixture(b -> b.limits(Limits.defaults().withMaxCalls(1)));
        ControlSession one = f.established();
        ControlSession two = f.established();
        f.incomingCall(one, Side.CONNECTED, 1, 2);
        ControlVerdict verdict = two.onMessage(Side.CONNECTED, ICRQ, 5, -1, -1);
        assertEquals(ControlVerdict.Kind.REFUSE_CALL, verdict.kind());
        assertEquals(RefusalReason.CALL_LIMIT, verdict.refusalReason());
        assertEquals("ICRQ from CONNECTED with Call ID 5 refused: the gateway relays 1 calls (limit)", verdict.reason());
        assertEquals(1, f.registry.callCount());
        one.close("transport closed");
        assertEquals(ControlVerdict.Kind.FORWARD, two.onMessage(Side.CONNECTED, ICRQ, 5, -1, -1).kind());
    }

    @Test
    void exhaustedCallIdsRefuseTheCallAndLeakNothing() {
        // three gateway IDs: the first call takes two, the second finds one and needs two
        SessionFixture f = new SessionFixture(b -> b.callIdRange(new CallIdRange(1000, 1002)));
        ControlSession session = f.established();
        f.outgoingCall(session, Side.ACCEPTED, 1, 2);
        ControlVerdict verdict = session.onMessage(Side.ACCEPTED, OCRQ, 3, -1, -1);
        assertEquals(ControlVerdict.Kind.REFUSE_CALL, verdict.kind());
        assertEquals(RefusalReason.CALL_IDS_EXHAUSTED, verdict.refusalReason());
        assertTrue(verdict.reason().startsWith("OCRQ from ACCEPTED with Call ID 3 refused: "), verdict.reason());
        assertEquals(2, f.registry.allocator().liveCount());
        assertEquals(1, f.registry.callCount());
        assertEquals(1, f.metrics.snapshot().callsActive());
        assertEquals(1, f.metrics.snapshot().callsRefused(RefusalReason.CALL_IDS_EXHAUSTED));
        session.close("done");
        f.assertAllReleased();
    }

    // --- GRE idle expiry

    @Test
    void callWithoutGreForTheIdleTimeoutExpires() {
        SessionFixture f = new SessionFixture(b -> b.timeouts(Timeouts.defaults().withGreIdle(Duration.ofSeconds(30))));
        ControlSession session = f.established();
        Call call = f.outgoingCall(session, Side.ACCEPTED, 100, 200);
        Call other = f.outgoingCall(session, Side.ACCEPTED, 101, 201);

        f.now += 20 * SECOND;
        assertEquals(List.of(), f.registry.expireIdleCalls(f.now));
        call.bindingTo(Side.CONNECTED).countPacket(100); // GRE on the first call only
        f.now += 15 * SECOND; // 35 s since creation
        assertEquals(List.of(other), f.registry.expireIdleCalls(f.now));
        assertEquals(CallState.CLOSED, other.state());
        assertEquals("no GRE packet for PT30S", other.closeReason());
        assertEquals(CallState.ESTABLISHED, call.state(), "its counter moved since the last look");

        f.now += 29 * SECOND;
        assertEquals(List.of(), f.registry.expireIdleCalls(f.now));
        f.now += 1 * SECOND;
        assertEquals(List.of(call), f.registry.expireIdleCalls(f.now));
        f.assertAllReleased();
        assertEquals(ControlConnectionState.ESTABLISHED, session.state(), "the control connection stays");
        assertTrue(f.events.contains("callClosed " + call.id() + " no GRE packet for PT30S"), f.events.toString());

        // the peers' answers to the gateway's teardown are discarded
        assertEquals(ControlVerdict.Kind.DISCARD, session.onMessage(Side.CONNECTED, CDN, 200, -1, -1).kind());
        assertEquals(ControlVerdict.Kind.DISCARD,
                session.onMessage(Side.CONNECTED, OCRP, 200, call.gatewayCallId(Side.ACCEPTED), 1).kind());
    }

    @Test
    void pendingCallsExpireToo() {
        SessionFixture f = new SessionFixture(b -> b.timeouts(Timeouts.defaults().withGreIdle(Duration.ofSeconds(30))));
        ControlSession session = f.established();
        ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, 100, -1, -1);
        f.now += 30 * SECOND;
        assertEquals(List.of(request.call()), f.registry.expireIdleCalls(f.now));
        // a reply arriving late for the expired call is discarded, not a violation
        assertVerdict(session.onMessage(Side.CONNECTED, OCRP, 200, request.callId(), 1), ControlVerdict.Kind.DISCARD,
                "OCRP from CONNECTED: Peer Call ID " + request.callId() + " belongs to a call released recently");
        f.assertAllReleased();
    }

    @Test
    void zeroGreIdleNeverExpires() {
        SessionFixture f = new SessionFixture(b -> b.timeouts(Timeouts.defaults().withGreIdle(Duration.ZERO)));
        ControlSession session = f.established();
        f.outgoingCall(session, Side.ACCEPTED, 100, 200);
        f.now += 100_000 * SECOND;
        assertEquals(List.of(), f.registry.expireIdleCalls(f.now));
        assertEquals(1, f.registry.callCount());
    }

    // --- concurrency

    @Test
    void sessionsOnManyThreadsShareTheRegistryAndLeaveNothingBehind() throws Exception {
        SessionFixture f = new SessionFixture(b -> b.limits(Limits.unlimited()).callIdRange(new CallIdRange(1, 65535))
                .callIdQuarantine(Duration.ZERO));
        int threads = 4;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        ControlSession session = f.registry.open(f.registry.admit(SessionFixture.ACCEPTED.getAddress()),
                                SessionFixture.ACCEPTED, SessionFixture.CONNECTED);
                        session.onMessage(Side.ACCEPTED, SCCRQ, -1, -1, -1);
                        session.onMessage(Side.CONNECTED, SCCRP, -1, -1, 1);
                        for (int c = 0; c < 3; c++) {
                            ControlVerdict request = session.onMessage(Side.ACCEPTED, OCRQ, c, -1, -1);
                            assertEquals(ControlVerdict.Kind.FORWARD, request.kind());
                            assertForward(session.onMessage(Side.CONNECTED, OCRP, 10 + c, request.callId(), 1),
                                    request.call().gatewayCallId(Side.CONNECTED), c);
                        }
                        f.registry.expireIdleCalls(f.now);
                        f.registry.sessions();
                        if (i % 2 == 0) {
                            session.onMessage(Side.CONNECTED, CDN, 10, -1, -1);
                        }
                        session.close("done");
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        f.assertAllReleased();
        assertEquals(0, f.registry.connectionCount());
        var snapshot = f.metrics.snapshot();
        assertEquals(threads * rounds, snapshot.controlConnectionsTotal());
        assertEquals(0, snapshot.controlConnectionsActive());
        assertEquals(threads * rounds * 3L, snapshot.callsTotal());
        assertEquals(threads * rounds * 3L, snapshot.callsClosed());
        // every slot was given back: a limit of 1 per source admits again
        assertTrue(f.registry.admit(SessionFixture.ACCEPTED.getAddress()).isAdmitted());
    }
}
