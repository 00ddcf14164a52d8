package io.github.pptpalg.netty.control;

import static io.github.pptpalg.netty.control.TestGateway.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.core.session.Call;
import io.github.pptpalg.netty.PacketTap;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful close, keep-alive, GRE idle teardown and the packet tap of the control plane. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlRelayLifecycleTest {

    private TestGateway gateway;

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Call IDs of one established outgoing call: the client's 7, the server's 700, and the gateway's two. */
    private record Ids(int gA, int gC) {
    }

    private static Ids outgoingCall(Leg leg) {
        leg.client().send(ControlMessages.ocrq(7));
        int gA = leg.server().expect(OutgoingCallRequest.class).callId();
        leg.server().send(ControlMessages.ocrp(700, gA));
        int gC = leg.client().expect(OutgoingCallReply.class).callId();
        return new Ids(gA, gC);
    }

    @Test
    void closeWithALiveCallTellsBothPeersAndCompletesWhenTheyAnswer() throws Exception {
        Duration drain = Duration.ofSeconds(4);
        gateway = TestGateway.start(b -> b.timeouts(Timeouts.defaults().withCloseDrain(drain)));
        Leg leg = gateway.establish("127.0.0.2");
        Ids ids = outgoingCall(leg);

        long start = System.nanoTime();
        CompletableFuture<Void> closed = gateway.alg.close();
        ScriptedPeer client = leg.client();
        CallDisconnectNotify cdn = client.expect(CallDisconnectNotify.class);
        assertEquals(ids.gC(), cdn.callId(), "the client (PNS) gets a CDN with the Call ID it knows");
        assertEquals(ResultCode.CDN_ADMIN_SHUTDOWN, cdn.resultCode());
        assertEquals(StopReason.STOP_LOCAL_SHUTDOWN, client.expect(StopControlConnectionRequest.class).reason());
        ScriptedPeer server = leg.server();
        assertEquals(ids.gA(), server.expect(CallClearRequest.class).callId(), "the server (PAC) gets a CCRQ");
        assertEquals(StopReason.STOP_LOCAL_SHUTDOWN, server.expect(StopControlConnectionRequest.class).reason());
        assertTrue(!closed.isDone(), "close completed before the peers answered");

        client.send(ControlMessages.stopReply());
        server.send(ControlMessages.stopReply());
        client.expectEof();
        server.expectEof();
        closed.get(drain.toMillis(), TimeUnit.MILLISECONDS);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsed < drain.toMillis(), "close took " + elapsed + " ms though both peers answered at once");
        assertEquals(0, gateway.metrics().callsActive());
        assertEquals(0, gateway.metrics().controlConnectionsActive());
        assertEquals(List.of(), gateway.alg.sessions());
        assertThrows(RuntimeException.class, () -> ScriptedPeer.connect(gateway.address()).close(),
                "the listener is closed");
    }

    @Test
    void closeWithSilentPeersWaitsForTheDrainDeadlineOnly() throws Exception {
        Duration drain = Duration.ofSeconds(1);
        gateway = TestGateway.start(b -> b.timeouts(Timeouts.defaults().withCloseDrain(drain)));
        Leg leg = gateway.establish("127.0.0.2");
        outgoingCall(leg);

        long start = System.nanoTime();
        CompletableFuture<Void> closed = gateway.alg.close();
        // neither peer answers: each gets its notices, then the end of the connection at the deadline
        List<Object> toClient = List.copyOf(leg.client().receiveUntilEof(drain.multipliedBy(3)));
        long clientEof = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<Object> toServer = List.copyOf(leg.server().receiveUntilEof(drain.multipliedBy(3)));
        assertEquals(List.of(CallDisconnectNotify.class, StopControlConnectionRequest.class),
                toClient.stream().map(Object::getClass).toList());
        assertEquals(List.of(CallClearRequest.class, StopControlConnectionRequest.class),
                toServer.stream().map(Object::getClass).toList());
        assertTrue(clientEof >= drain.toMillis() - 100, "closed after " + clientEof + " ms, before the deadline");
        closed.get(drain.toMillis() + 3000, TimeUnit.MILLISECONDS);
    }

    /**
     * Keep-alive with an 8 s control idle timeout (through the control plane's test constructor: the configuration
     * does not allow less than 120 s). A side silent for 4 s gets an Echo-Request from the gateway, whose reply is
     * not forwarded; a side silent for 8 s is closed, and the other side is told.
     */
    @Test
    void keepAliveEchoesSilentSidesAndDropsTheOneThatStopsAnswering() throws Exception {
        gateway = TestGateway.startPlane(Duration.ofSeconds(8), null);
        Leg leg = gateway.establish("127.0.0.2");
        Ids ids = outgoingCall(leg);
        ScriptedPeer client = leg.client().timeout(Duration.ofSeconds(8));
        ScriptedPeer server = leg.server().timeout(Duration.ofSeconds(8));

        // both sides fall silent: the gateway echoes each, and swallows the replies
        long c1 = client.expect(EchoRequest.class).identifier();
        client.send(ControlMessages.echoReply(c1));
        long s1 = server.expect(EchoRequest.class).identifier();
        server.send(ControlMessages.echoReply(s1));
        client.send(ControlMessages.echoRequest(5));
        assertEquals(5, server.expect(EchoRequest.class).identifier(), "the client's Echo-Reply was forwarded");
        Thread.sleep(2000); // the sides fall idle at different times
        server.send(ControlMessages.echoReply(5));
        assertEquals(5, client.expect(EchoReply.class).identifier(), "the server's Echo-Reply was swallowed");

        // the client stops answering, the server goes on: the client is dropped, the server told
        client.expect(EchoRequest.class);
        long s2 = server.expect(EchoRequest.class).identifier();
        server.send(ControlMessages.echoReply(s2));
        client.expectEof(Duration.ofSeconds(8));
        assertEquals(ids.gA(), server.expect(CallClearRequest.class).callId());
        server.expect(StopControlConnectionRequest.class);
        server.send(ControlMessages.stopReply());
        server.expectEof();
        assertEquals(0, gateway.metrics().callsActive());
    }

    /**
     * Keep-alive counts bytes arriving, not whole messages: a side that trickles a message a byte at a time for
     * longer than half the idle timeout (8 s here) gets no Echo-Request, while the silent other side does; the
     * message, once complete, is relayed as usual.
     */
    @Test
    void bytesShortOfAMessageKeepASideFromBeingIdle() throws Exception {
        gateway = TestGateway.startPlane(Duration.ofSeconds(8), null);
        Leg leg = gateway.establish("127.0.0.2");
        ScriptedPeer client = leg.client();
        ScriptedPeer server = leg.server().timeout(Duration.ofSeconds(8));
        byte[] echo = ScriptedPeer.encode(ControlMessages.echoRequest(7));

        // 12 of its 16 bytes, one every 500 ms: 6 s, well past the 4 s after which a silent side is echoed
        for (int i = 0; i < 12; i++) {
            client.expectNothing(Duration.ofMillis(500));
            client.sendRaw(new byte[] {echo[i]});
        }
        long s1 = server.expect(EchoRequest.class).identifier();
        server.send(ControlMessages.echoReply(s1));
        client.expectNothing(Duration.ofMillis(500));
        client.sendRaw(Arrays.copyOfRange(echo, 12, echo.length));
        assertEquals(7, server.expect(EchoRequest.class).identifier(), "the trickled Echo-Request was not relayed");
        client.expectNothing(Duration.ofMillis(500));
    }

    @Test
    void greIdleExpiryClearsTheCallOnBothSidesAndKeepsTheConnection() {
        gateway = TestGateway.startPlane(Timeouts.defaults().controlIdle(), null);
        Leg leg = gateway.establish("127.0.0.2");
        Ids ids = outgoingCall(leg);
        int client = ipv4(leg.client().localAddress());
        int server = ipv4(leg.server().localAddress());
        GreBinding toClient = gateway.registry.translationMap().lookup(server, ids.gA());
        GreBinding toServer = gateway.registry.translationMap().lookup(client, ids.gC());
        assertNotNull(toClient, "binding for GRE from the server");
        assertNotNull(toServer, "binding for GRE from the client");
        assertEquals(List.of(client, 7), List.of(toClient.outboundAddress(), toClient.outboundCallId()));
        assertEquals(List.of(server, 700), List.of(toServer.outboundAddress(), toServer.outboundCallId()));

        // no GRE at all: as seen after the GRE idle timeout, the call expires
        List<Call> expired = gateway.registry.expireIdleCalls(
                System.nanoTime() + Timeouts.defaults().greIdle().toNanos() + 1);
        assertEquals(1, expired.size());
        gateway.plane.tearDownExpired(expired);
        assertEquals(ids.gC(), leg.client().expect(CallDisconnectNotify.class).callId());
        assertEquals(ids.gA(), leg.server().expect(CallClearRequest.class).callId());
        assertNull(gateway.registry.translationMap().lookup(server, ids.gA()));
        assertNull(gateway.registry.translationMap().lookup(client, ids.gC()));

        // the PAC's late answer is not forwarded; the control connection goes on
        leg.server().send(ControlMessages.cdn(700));
        leg.server().send(ControlMessages.echoRequest(9));
        assertEquals(9, leg.client().expect(EchoRequest.class).identifier());
        Ids again = outgoingCall(leg);
        assertTrue(again.gA() != ids.gA() && again.gC() != ids.gC(), "a new call gets new gateway IDs: " + again);
        assertEquals(0, gateway.metrics().protocolErrorsTotal());
    }

    /** Without the GRE plane nothing counts GRE packets, so calls must not expire for GRE idleness. */
    @Test
    void withoutTheGrePlaneCallsDoNotExpire() {
        gateway = TestGateway.start(b -> b.timeouts(Timeouts.defaults().withGreIdle(Duration.ofMillis(500))));
        Leg leg = gateway.establish("127.0.0.2");
        outgoingCall(leg);
        leg.client().expectNothing(millis(2000));
        leg.server().expectNothing(millis(100));
        assertEquals(1, gateway.metrics().callsActive());
    }

    @Test
    void packetTapSeesTheControlBytesOnBothLegs() {
        record Seen(InetSocketAddress source, InetSocketAddress destination, byte[] bytes) {
        }
        List<Seen> seen = new CopyOnWriteArrayList<>();
        PacketTap tap = new PacketTap() {
            @Override
            public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
                seen.add(new Seen(source, destination, ByteBufUtil.getBytes(message)));
            }

            @Override
            public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
                throw new AssertionError("no GRE expected");
            }
        };
        gateway = TestGateway.startPlane(Timeouts.defaults().controlIdle(), tap);
        ScriptedPeer client = gateway.connect("127.0.0.2");
        byte[] sccrq = client.send(ControlMessages.sccrq());
        ScriptedPeer server = gateway.pac.accept();
        server.expect(StartControlConnectionRequest.class);

        Seen received = seen.stream().filter(s -> s.source().equals(client.localAddress())).findFirst().orElseThrow();
        assertEquals(gateway.address(), received.destination());
        assertArrayEquals(sccrq, received.bytes());
        Seen sent = seen.stream().filter(s -> s.destination().equals(server.localAddress())).findFirst().orElseThrow();
        assertEquals(server.remoteAddress(), sent.source());
        assertArrayEquals(sccrq, sent.bytes());
    }

    private static int ipv4(InetSocketAddress address) {
        byte[] b = address.getAddress().getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }
}
