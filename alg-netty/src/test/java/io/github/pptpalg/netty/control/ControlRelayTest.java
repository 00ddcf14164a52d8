package io.github.pptpalg.netty.control;

import static io.github.pptpalg.netty.control.TestGateway.RANGE;
import static io.github.pptpalg.netty.control.TestGateway.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.IncomingCallConnected;
import io.github.pptpalg.codec.pptp.IncomingCallReply;
import io.github.pptpalg.codec.pptp.IncomingCallRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.SetLinkInfo;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.WanErrorNotify;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.CallState;
import io.github.pptpalg.core.session.CallType;
import io.github.pptpalg.core.session.ControlConnectionState;
import io.github.pptpalg.core.session.Side;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control relay between scripted peers over loopback: what is relayed unchanged, what is translated. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlRelayTest {

    private TestGateway gateway;

    @BeforeEach
    void startGateway() {
        gateway = TestGateway.start();
    }

    @AfterEach
    void closeGateway() {
        gateway.close();
    }

    @Test
    void startControlConnectionAndEchoesAreRelayedByteForByte() {
        ScriptedPeer client = gateway.connect("127.0.0.2");
        byte[] sccrq = client.send(ControlMessages.sccrq());
        ScriptedPeer server = gateway.pac.accept();
        server.expect(StartControlConnectionRequest.class);
        assertArrayEquals(sccrq, server.lastFrame(), "SCCRQ at the server");

        byte[] sccrp = server.send(ControlMessages.sccrp());
        client.expect(StartControlConnectionReply.class);
        assertArrayEquals(sccrp, client.lastFrame(), "SCCRP at the client");

        byte[] clientEcho = client.send(ControlMessages.echoRequest(0x01020304L));
        server.expect(EchoRequest.class);
        assertArrayEquals(clientEcho, server.lastFrame(), "Echo-Request client -> server");
        byte[] serverAnswer = server.send(ControlMessages.echoReply(0x01020304L));
        client.expect(EchoReply.class);
        assertArrayEquals(serverAnswer, client.lastFrame(), "Echo-Reply server -> client");

        byte[] serverEcho = server.send(ControlMessages.echoRequest(0xFEDCBA98L));
        client.expect(EchoRequest.class);
        assertArrayEquals(serverEcho, client.lastFrame(), "Echo-Request server -> client");
        byte[] clientAnswer = client.send(ControlMessages.echoReply(0xFEDCBA98L));
        server.expect(EchoReply.class);
        assertArrayEquals(clientAnswer, server.lastFrame(), "Echo-Reply client -> server");

        assertEquals(ControlConnectionState.ESTABLISHED, gateway.session(client).state());
        assertEquals(1, gateway.metrics().controlConnectionsActive());
    }

    @Test
    void outgoingCallIsTranslatedBothWaysAndClearedByCallClearRequest() {
        Leg leg = gateway.establish("127.0.0.2");
        OutgoingCallRequest ocrq = ControlMessages.ocrq(7);
        leg.client().send(ocrq);
        OutgoingCallRequest atServer = leg.server().expect(OutgoingCallRequest.class);
        int gA = atServer.callId();
        assertTrue(RANGE.contains(gA), "OCRQ's Call ID at the server " + gA + " in " + RANGE);
        assertEquals(ocrq.withCallId(gA), atServer, "OCRQ at the server: only the Call ID rewritten");

        OutgoingCallReply ocrp = ControlMessages.ocrp(700, gA);
        leg.server().send(ocrp);
        OutgoingCallReply atClient = leg.client().expect(OutgoingCallReply.class);
        int gC = atClient.callId();
        assertTrue(RANGE.contains(gC), "OCRP's Call ID at the client " + gC + " in " + RANGE);
        assertNotEquals(gA, gC);
        assertEquals(ocrp.withCallId(gC).withPeerCallId(7), atClient,
                "OCRP at the client: Call ID rewritten, Peer Call ID back to the client's own");

        List<CallSnapshot> calls = gateway.calls(leg.client());
        assertEquals(1, calls.size(), calls::toString);
        CallSnapshot call = calls.get(0);
        assertEquals(CallType.OUTGOING, call.type());
        assertEquals(Side.ACCEPTED, call.pnsSide());
        assertEquals(CallState.ESTABLISHED, call.state());
        assertEquals(List.of(7, gA, 700, gC), List.of(call.acceptedCallId(), call.acceptedGatewayCallId(),
                call.connectedCallId(), call.connectedGatewayCallId()));
        assertEquals(1, gateway.metrics().callsActive());
        assertEquals(1, gateway.metrics().callsEstablished());
        assertEquals(2, gateway.alg.greBindings(), "GRE bindings of the call, one per direction");

        leg.client().send(ControlMessages.ccrq(7));
        assertEquals(gA, leg.server().expect(CallClearRequest.class).callId(), "CCRQ's Call ID at the server");
        leg.server().send(ControlMessages.cdn(700));
        CallDisconnectNotify cdn = leg.client().expect(CallDisconnectNotify.class);
        assertEquals(ControlMessages.cdn(700).withCallId(gC), cdn, "CDN at the client");
        assertEquals(List.of(), gateway.calls(leg.client()), "no live call after the CDN");
        assertEquals(0, gateway.alg.greBindings(), "GRE bindings after the CDN");
        assertEquals(0, gateway.metrics().callsActive());
        assertEquals(1, gateway.metrics().callsClosed());

        // the same Call ID again, at once: a new call with new gateway IDs (the old ones are in quarantine)
        leg.client().send(ControlMessages.ocrq(7));
        int gA2 = leg.server().expect(OutgoingCallRequest.class).callId();
        assertTrue(RANGE.contains(gA2));
        assertTrue(gA2 != gA && gA2 != gC, "new gateway ID " + gA2 + " differs from the quarantined " + gA + ", " + gC);
        leg.server().send(ControlMessages.ocrp(701, gA2));
        OutgoingCallReply second = leg.client().expect(OutgoingCallReply.class);
        assertEquals(7, second.peerCallId());
        assertEquals(CallState.ESTABLISHED, gateway.calls(leg.client()).get(0).state());
        assertEquals(2, gateway.metrics().callsTotal());
    }

    @Test
    void incomingCallsAndSeveralCallsOnOneControlConnection() {
        Leg leg = gateway.establish("127.0.0.2");
        ScriptedPeer client = leg.client();
        ScriptedPeer server = leg.server();

        // incoming call: the server is the PAC
        server.send(ControlMessages.icrq(500));
        IncomingCallRequest icrq = client.expect(IncomingCallRequest.class);
        int gC1 = icrq.callId();
        assertTrue(RANGE.contains(gC1));
        assertEquals(ControlMessages.icrq(500).withCallId(gC1), icrq);
        client.send(ControlMessages.icrp(9, gC1));
        IncomingCallReply icrp = server.expect(IncomingCallReply.class);
        int gA1 = icrp.callId();
        assertTrue(RANGE.contains(gA1));
        assertEquals(ControlMessages.icrp(9, gC1).withCallId(gA1).withPeerCallId(500), icrp);
        server.send(ControlMessages.iccn(gA1));
        assertEquals(ControlMessages.iccn(9), client.expect(IncomingCallConnected.class));

        // Set-Link-Info from the PNS, WAN-Error-Notify from the PAC: Peer Call IDs translated
        client.send(ControlMessages.sli(gC1));
        assertEquals(ControlMessages.sli(500), server.expect(SetLinkInfo.class));
        server.send(ControlMessages.wen(gA1));
        assertEquals(ControlMessages.wen(9), client.expect(WanErrorNotify.class));

        // an outgoing call and a second incoming call on the same control connection
        client.send(ControlMessages.ocrq(10));
        int gA2 = server.expect(OutgoingCallRequest.class).callId();
        server.send(ControlMessages.ocrp(501, gA2));
        OutgoingCallReply ocrp = client.expect(OutgoingCallReply.class);
        int gC2 = ocrp.callId();
        assertEquals(10, ocrp.peerCallId());
        server.send(ControlMessages.icrq(502));
        int gC3 = client.expect(IncomingCallRequest.class).callId();
        client.send(ControlMessages.icrp(11, gC3));
        int gA3 = server.expect(IncomingCallReply.class).callId();
        server.send(ControlMessages.iccn(gA3));
        assertEquals(11, client.expect(IncomingCallConnected.class).peerCallId());

        Set<Integer> gatewayIds = new HashSet<>(List.of(gA1, gC1, gA2, gC2, gA3, gC3));
        assertEquals(6, gatewayIds.size(), "distinct gateway IDs " + gatewayIds);
        List<CallSnapshot> calls = gateway.calls(client);
        assertEquals(3, calls.size(), calls::toString);
        assertTrue(calls.stream().allMatch(c -> c.state() == CallState.ESTABLISHED), calls::toString);
        assertEquals(List.of(CallType.INCOMING, CallType.OUTGOING, CallType.INCOMING),
                calls.stream().map(CallSnapshot::type).toList());
        assertEquals(List.of(Side.ACCEPTED, Side.ACCEPTED, Side.ACCEPTED),
                calls.stream().map(CallSnapshot::pnsSide).toList(), "the client is the PNS of every call");

        // SLI and WEN of the second incoming call reach its own peers' IDs, not the first call's
        client.send(ControlMessages.sli(gC3));
        assertEquals(502, server.expect(SetLinkInfo.class).peerCallId());
        server.send(ControlMessages.wen(gA3));
        assertEquals(11, client.expect(WanErrorNotify.class).peerCallId());

        // CDN with the PAC's own Call ID (RFC 2637 section 2.13)
        server.send(ControlMessages.cdn(500));
        assertEquals(gC1, client.expect(CallDisconnectNotify.class).callId());
        // CDN with the receiver's Call ID as the sender knows it (accel-ppp): back to the client's own ID
        server.send(ControlMessages.cdn(gA2));
        assertEquals(10, client.expect(CallDisconnectNotify.class).callId());

        calls = gateway.calls(client);
        assertEquals(1, calls.size(), calls::toString);
        assertEquals(List.of(11, gA3, 502, gC3), List.of(calls.get(0).acceptedCallId(),
                calls.get(0).acceptedGatewayCallId(), calls.get(0).connectedCallId(),
                calls.get(0).connectedGatewayCallId()));

        // the stop from the client ends the connection on both legs
        leg.stop();
        assertEquals(0, gateway.metrics().callsActive());
        assertEquals(3, gateway.metrics().callsClosed());
    }

    @Test
    void twoClientsWithTheSameCallIdGetDistinctGatewayIds() {
        Leg first = gateway.establish("127.0.0.2");
        Leg second = gateway.establish("127.0.0.3");
        first.client().send(ControlMessages.ocrq(7));
        second.client().send(ControlMessages.ocrq(7));
        int gA1 = first.server().expect(OutgoingCallRequest.class).callId();
        int gA2 = second.server().expect(OutgoingCallRequest.class).callId();
        assertNotEquals(gA1, gA2, "gateway IDs of the same client Call ID on two connections");
        first.server().send(ControlMessages.ocrp(700, gA1));
        second.server().send(ControlMessages.ocrp(700, gA2));
        OutgoingCallReply r1 = first.client().expect(OutgoingCallReply.class);
        OutgoingCallReply r2 = second.client().expect(OutgoingCallReply.class);
        assertEquals(7, r1.peerCallId());
        assertEquals(7, r2.peerCallId());
        assertEquals(4, Set.of(gA1, gA2, r1.callId(), r2.callId()).size());

        assertEquals("127.0.0.2", gateway.session(first.client()).acceptedPeer().getAddress().getHostAddress());
        assertEquals("127.0.0.3", gateway.session(second.client()).acceptedPeer().getAddress().getHostAddress());
        assertEquals(gA1, gateway.calls(first.client()).get(0).acceptedGatewayCallId());
        assertEquals(gA2, gateway.calls(second.client()).get(0).acceptedGatewayCallId());

        // each call's teardown stays on its own connection
        first.client().send(ControlMessages.ccrq(7));
        assertEquals(gA1, first.server().expect(CallClearRequest.class).callId());
        second.server().expectNothing(millis(200));
        assertEquals(1, gateway.calls(second.client()).size());
    }
}
