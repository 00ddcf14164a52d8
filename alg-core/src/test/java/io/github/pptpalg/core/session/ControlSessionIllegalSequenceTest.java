package io.github.pptpalg.core.session;

import static io.github.pptpalg.core.session.SessionFixture.CCRQ;
import static io.github.pptpalg.core.session.SessionFixture.CDN;
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
import static io.github.pptpalg.core.session.SessionFixture.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.pptpalg.core.session.ControlVerdict.Kind;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every out-of-order or illegal message, each with its verdict and reason text. */
class ControlSessionIllegalSequenceTest {

    private static final Side A = Side.ACCEPTED;
    private static final Side C = Side.CONNECTED;

    /** Runs the steps on a fresh fixture; the last step's verdict is checked. */
    private static Arguments illegal(String name, Function<SessionFixture, ControlVerdict> steps, Kind kind, String reason) {
        return Arguments.of(name, steps, kind, reason);
    }

    static Stream<Arguments> sequences() {
        return Stream.of(
                illegal("OCRQ before SCCRQ", f -> f.open().onMessage(A, OCRQ, 1, -1, -1), Kind.PROTOCOL_VIOLATION,
                        "OCRQ from ACCEPTED: call message before the control connection was established (state IDLE)"),
                illegal("ICRQ before SCCRP", f -> {
                    ControlSession s = f.open();
                    s.onMessage(A, SCCRQ, -1, -1, -1);
                    return s.onMessage(C, ICRQ, 1, -1, -1);
                }, Kind.PROTOCOL_VIOLATION,
                        "ICRQ from CONNECTED: call message before the control connection was established (state WAIT_CTL_REPLY)"),
                illegal("second SCCRQ from the same side", f -> f.established().onMessage(A, SCCRQ, -1, -1, -1),
                        Kind.PROTOCOL_VIOLATION,
                        "SCCRQ from ACCEPTED: a second Start-Control-Connection-Request (state ESTABLISHED)"),
                illegal("SCCRQ from both sides", f -> {
                    ControlSession s = f.open();
                    s.onMessage(A, SCCRQ, -1, -1, -1);
                    return s.onMessage(C, SCCRQ, -1, -1, -1);
                }, Kind.PROTOCOL_VIOLATION,
                        "SCCRQ from CONNECTED: a second Start-Control-Connection-Request (state WAIT_CTL_REPLY)"),
                illegal("SCCRP without SCCRQ", f -> f.open().onMessage(C, SCCRP, -1, -1, 1), Kind.PROTOCOL_VIOLATION,
                        "SCCRP from CONNECTED: reply without a Start-Control-Connection-Request"),
                illegal("SCCRP from the requester", f -> {
                    ControlSession s = f.open();
                    s.onMessage(A, SCCRQ, -1, -1, -1);
                    return s.onMessage(A, SCCRP, -1, -1, 1);
                }, Kind.PROTOCOL_VIOLATION,
                        "SCCRP from ACCEPTED: reply from the side that sent the Start-Control-Connection-Request"),
                illegal("second SCCRP", f -> f.established().onMessage(C, SCCRP, -1, -1, 1), Kind.PROTOCOL_VIOLATION,
                        "SCCRP from CONNECTED: a second Start-Control-Connection-Reply (state ESTABLISHED)"),
                illegal("StopCCRP from the stop requester", f -> {
                    ControlSession s = f.established();
                    s.onMessage(A, STOP_CCRQ, -1, -1, -1);
                    return s.onMessage(A, STOP_CCRP, -1, -1, -1);
                }, Kind.PROTOCOL_VIOLATION,
                        "StopCCRP from ACCEPTED: reply from the side that sent the Stop-Control-Connection-Request"),
                illegal("call message after the connection stopped", f -> {
                    ControlSession s = f.established();
                    s.onMessage(A, STOP_CCRQ, -1, -1, -1);
                    s.onMessage(C, STOP_CCRP, -1, -1, -1);
                    return s.onMessage(A, OCRQ, 1, -1, -1);
                }, Kind.PROTOCOL_VIOLATION, "OCRQ from ACCEPTED: call message after the control connection was stopped"),
                illegal("any message after close()", f -> {
                    ControlSession s = f.established();
                    s.close("transport closed");
                    return s.onMessage(C, 5, -1, -1, -1);
                }, Kind.PROTOCOL_VIOLATION, "Echo-Request from CONNECTED: the control session is closed (transport closed)"),
                illegal("message type 16", f -> f.established().onMessage(A, 16, -1, -1, -1), Kind.PROTOCOL_VIOLATION,
                        "type 16 from ACCEPTED: unknown control message type (expected: 1..15)"),
                illegal("message type 0", f -> f.established().onMessage(A, 0, -1, -1, -1), Kind.PROTOCOL_VIOLATION,
                        "type 0 from ACCEPTED: unknown control message type (expected: 1..15)"),
                illegal("OCRQ without a Call ID", f -> f.established().onMessage(A, OCRQ, -1, -1, -1),
                        Kind.PROTOCOL_VIOLATION, "OCRQ from ACCEPTED: Call ID -1 (expected: 0..65535)"),
                illegal("OCRP without a Peer Call ID", f -> f.established().onMessage(C, OCRP, 5, -1, 1),
                        Kind.PROTOCOL_VIOLATION, "OCRP from CONNECTED: Peer Call ID -1 (expected: 0..65535)"),
                illegal("OCRP with a Call ID out of range", f -> f.established().onMessage(C, OCRP, 65536, 1000, 1),
                        Kind.PROTOCOL_VIOLATION, "OCRP from CONNECTED: Call ID 65536 (expected: 0..65535)"),
                illegal("OCRP for an unknown Peer Call ID", f -> f.established().onMessage(C, OCRP, 5, 777, 1),
                        Kind.PROTOCOL_VIOLATION, "OCRP from CONNECTED: unknown Peer Call ID 777"),
                illegal("ICRP for an unknown Peer Call ID", f -> f.established().onMessage(A, ICRP, 5, 1500, 1),
                        Kind.PROTOCOL_VIOLATION, "ICRP from ACCEPTED: unknown Peer Call ID 1500"),
                illegal("OCRP from the side that sent the OCRQ", f -> {
                    ControlSession s = f.established();
                    s.onMessage(A, OCRQ, 100, -1, -1);
                    return s.onMessage(A, OCRP, 5, 100, 1);
                }, Kind.PROTOCOL_VIOLATION,
                        "OCRP from ACCEPTED: reply from the side that sent the request (Peer Call ID 100 is its own Call ID)"),
                illegal("OCRP answering an incoming call", f -> {
                    ControlSession s = f.established();
                    ControlVerdict request = s.onMessage(A, ICRQ, 100, -1, -1);
                    return s.onMessage(C, OCRP, 5, request.callId(), 1);
                }, Kind.PROTOCOL_VIOLATION, null),
                illegal("second OCRP with another Call ID", f -> {
                    ControlSession s = f.established();
                    ControlVerdict request = s.onMessage(A, OCRQ, 100, -1, -1);
                    s.onMessage(C, OCRP, 200, request.callId(), 1);
                    return s.onMessage(C, OCRP, 201, request.callId(), 1);
                }, Kind.PROTOCOL_VIOLATION, null),
                illegal("OCRQ reusing the Call ID of an established call", f -> {
                    ControlSession s = f.established();
                    f.outgoingCall(s, A, 100, 200);
                    return s.onMessage(A, OCRQ, 100, -1, -1);
                }, Kind.PROTOCOL_VIOLATION, null),
                illegal("ICCN before ICRP", f -> {
                    ControlSession s = f.established();
                    s.onMessage(C, ICRQ, 9, -1, -1);
                    return s.onMessage(C, ICCN, -1, 0, -1);
                }, Kind.PROTOCOL_VIOLATION, null),
                illegal("ICCN for an unknown call", f -> f.established().onMessage(C, ICCN, -1, 42, -1),
                        Kind.PROTOCOL_VIOLATION, "ICCN from CONNECTED: unknown Peer Call ID 42"),
                illegal("CCRQ from the PAC", f -> {
                    ControlSession s = f.established();
                    f.outgoingCall(s, A, 100, 200);
                    return s.onMessage(C, CCRQ, 200, -1, -1);
                }, Kind.PROTOCOL_VIOLATION, null),
                // tolerated: discarded, the connection stays
                illegal("CCRQ for an unknown call", f -> f.established().onMessage(A, CCRQ, 55, -1, -1), Kind.DISCARD,
                        "CCRQ from ACCEPTED: no call with the sender's Call ID 55 (already released?)"),
                illegal("CDN for an unknown call", f -> f.established().onMessage(C, CDN, 55, -1, -1), Kind.DISCARD,
                        "CDN from CONNECTED: no call with Call ID 55 (already released?)"),
                illegal("WEN for an unknown call", f -> f.established().onMessage(C, WEN, -1, 55, -1), Kind.DISCARD,
                        "WEN from CONNECTED: no call with Peer Call ID 55 (already released?)"),
                illegal("SLI for an unknown call", f -> f.established().onMessage(A, SLI, -1, 55, -1), Kind.DISCARD,
                        "SLI from ACCEPTED: no call with Peer Call ID 55 (already released?)"),
                illegal("OCRQ while stopping", f -> {
                    ControlSession s = f.established();
                    s.onMessage(C, STOP_CCRQ, -1, -1, -1);
                    return s.onMessage(A, OCRQ, 1, -1, -1);
                }, Kind.DISCARD, "OCRQ from ACCEPTED: call request while the control connection is stopping"),
                illegal("OCRP for a call released by StopCCRQ", f -> {
                    ControlSession s = f.established();
                    ControlVerdict request = s.onMessage(A, OCRQ, 1, -1, -1);
                    s.onMessage(A, STOP_CCRQ, -1, -1, -1);
                    return s.onMessage(C, OCRP, 2, request.callId(), 1);
                }, Kind.DISCARD, null),
                illegal("CDN after the gateway released the call", f -> {
                    ControlSession s = f.established();
                    Call call = f.outgoingCall(s, A, 100, 200);
                    s.release(call, "gateway decision");
                    return s.onMessage(C, CDN, 200, -1, -1);
                }, Kind.DISCARD, "CDN from CONNECTED: no call with Call ID 200 (already released?)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void illegalSequenceGetsItsVerdict(String name, Function<SessionFixture, ControlVerdict> steps, Kind kind, String reason) {
        SessionFixture f = new SessionFixture();
        long errorsBefore = f.metrics.snapshot().protocolErrorsTotal();
        ControlVerdict verdict = steps.apply(f);
        if (reason != null) {
            assertVerdict(verdict, kind, reason);
        } else {
            assertEquals(kind, verdict.kind(), verdict.toString());
        }
        assertEquals(-1, verdict.callId());
        assertEquals(-1, verdict.peerCallId());
        long errors = f.metrics.snapshot().protocolErrors().getOrDefault(ControlSession.PROTOCOL_VIOLATION_KIND, 0L);
        assertEquals(kind == Kind.PROTOCOL_VIOLATION ? errorsBefore + 1 : errorsBefore, errors);
    }

    @org.junit.jupiter.api.Test
    void reasonsOfTheUnnamedCases() {
        SessionFixture f = new SessionFixture();
        ControlSession s = f.established();
        ControlVerdict request = s.onMessage(A, OCRQ, 100, -1, -1);
        Call call = request.call();
        s.onMessage(C, OCRP, 200, request.callId(), 1);
        assertVerdict(s.onMessage(C, OCRP, 201, request.callId(), 1), Kind.PROTOCOL_VIOLATION,
                "OCRP from CONNECTED: a second reply for call " + call.id() + " with Call ID 201 (the first had 200)");
        assertVerdict(s.onMessage(A, OCRQ, 100, -1, -1), Kind.PROTOCOL_VIOLATION,
                "OCRQ from ACCEPTED: Call ID 100 is already used by call " + call.id() + " (OUTGOING, ESTABLISHED)");
        assertVerdict(s.onMessage(C, CCRQ, 200, -1, -1), Kind.PROTOCOL_VIOLATION,
                "CCRQ from CONNECTED: Call-Clear-Request from the PAC of call " + call.id() + " (expected: from the PNS)");
        ControlVerdict incoming = s.onMessage(C, ICRQ, 9, -1, -1);
        assertVerdict(s.onMessage(C, ICCN, -1, 0, -1), Kind.PROTOCOL_VIOLATION,
                "ICCN from CONNECTED: Incoming-Call-Connected before Incoming-Call-Reply (call " + incoming.call().id()
                        + " with Call ID 9 has no reply yet)");
        // the violations changed nothing
        assertEquals(CallState.ESTABLISHED, call.state());
        assertEquals(CallState.WAIT_REPLY, incoming.call().state());
        assertEquals(3, f.registry.translationMap().size());
    }
}
