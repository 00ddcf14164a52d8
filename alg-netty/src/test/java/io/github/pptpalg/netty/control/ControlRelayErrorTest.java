package io.github.pptpalg.netty.control;

import static io.github.pptpalg.netty.control.TestGateway.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.SetLinkInfo;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.codec.pptp.WanErrorNotify;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.session.ControlSession;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failures confined to one control connection: malformed input, protocol violations found by the core session,
 * and a peer that stops reading (back-pressure, nothing dropped).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlRelayErrorTest {

    private TestGateway gateway;

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** An established outgoing call from {@code client} ({@code callId}) answered with {@code pacCallId}. */
    private record Call(Leg leg, int callId, int pacCallId, int gA, int gC) {
    }

    private static Call outgoingCall(Leg leg, int callId, int pacCallId) {
        leg.client().send(ControlMessages.ocrq(callId));
        int gA = leg.server().expect(OutgoingCallRequest.class).callId();
        leg.server().send(ControlMessages.ocrp(pacCallId, gA));
        int gC = leg.client().expect(OutgoingCallReply.class).callId();
        return new Call(leg, callId, pacCallId, gA, gC);
    }

    /** The call goes on: messages both ways, then its teardown, all translated. */
    private static void assertCallGoesOn(Call call) {
        ScriptedPeer client = call.leg().client();
        ScriptedPeer server = call.leg().server();
        client.send(ControlMessages.echoRequest(77));
        assertEquals(77, server.expect(EchoRequest.class).identifier());
        server.send(ControlMessages.echoReply(77));
        assertEquals(77, client.expect(EchoReply.class).identifier());
        client.send(ControlMessages.sli(call.gC()));
        assertEquals(call.pacCallId(), server.expect(SetLinkInfo.class).peerCallId());
        server.send(ControlMessages.wen(call.gA()));
        assertEquals(call.callId(), client.expect(WanErrorNotify.class).peerCallId());
        client.send(ControlMessages.ccrq(call.callId()));
        assertEquals(call.gA(), server.expect(CallClearRequest.class).callId());
        server.send(ControlMessages.cdn(call.pacCallId()));
        assertEquals(call.gC(), client.expect(CallDisconnectNotify.class).callId());
    }

    static Stream<Arguments> malformed() {
        byte[] badCookie = ScriptedPeer.encode(ControlMessages.echoRequest(1));
        badCookie[4] = (byte) 0xDE;
        badCookie[5] = (byte) 0xAD;
        byte[] tooLong = ScriptedPeer.encode(ControlMessages.echoRequest(1));
        tooLong[0] = (byte) (2000 >> 8);   // Length 2000 > the default limit of 1024
        tooLong[1] = (byte) 2000;
        byte[] typeZero = ScriptedPeer.encode(ControlMessages.echoRequest(1));
        typeZero[8] = 0;
        typeZero[9] = 0;
        return Stream.of(
                Arguments.of("bad magic cookie", badCookie, "bad_magic_cookie"),
                Arguments.of("length 2000", tooLong, "length_too_long"),
                Arguments.of("control message type 0", typeZero, "bad_control_message_type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessageClosesOnlyItsConnectionAndTheServerIsTold(String what, byte[] bytes, String kind) {
        gateway = TestGateway.start();
        Call victim = outgoingCall(gateway.establish("127.0.0.2"), 7, 700);
        Call bystander = outgoingCall(gateway.establish("127.0.0.3"), 7, 700);

        victim.leg().client().sendRaw(bytes);
        victim.leg().client().expectEof();
        ScriptedPeer server = victim.leg().server();
        assertEquals(victim.gA(), server.expect(CallClearRequest.class).callId(), "CCRQ for the live call");
        assertEquals(StopReason.STOP_PROTOCOL, server.expect(StopControlConnectionRequest.class).reason());
        server.send(ControlMessages.stopReply());
        server.expectEof();

        assertCallGoesOn(bystander);
        MetricsSnapshot m = gateway.metrics();
        assertEquals(Map.of(kind, 1L), m.protocolErrors(), "protocol errors by kind");
        gateway.awaitMetrics(s -> s.controlConnectionsActive() == 1, "the victim's connection closed");
    }

    @Test
    void violationFromTheServerClosesItAndTellsTheClient() {
        gateway = TestGateway.start();
        Call victim = outgoingCall(gateway.establish("127.0.0.2"), 7, 700);
        Call bystander = outgoingCall(gateway.establish("127.0.0.3"), 7, 700);

        // an Outgoing-Call-Reply for a Call ID the gateway never gave out
        victim.leg().server().send(ControlMessages.ocrp(701, 12345));
        // the offender is told why (its framing was fine), then cut off
        assertEquals(StopReason.STOP_PROTOCOL,
                victim.leg().server().expect(StopControlConnectionRequest.class).reason());
        victim.leg().server().expectEof();
        ScriptedPeer client = victim.leg().client();
        CallDisconnectNotify cdn = client.expect(CallDisconnectNotify.class);
        assertEquals(victim.gC(), cdn.callId(), "CDN for the live call, with the Call ID the client knows");
        assertEquals(StopReason.STOP_PROTOCOL, client.expect(StopControlConnectionRequest.class).reason());
        client.send(ControlMessages.stopReply());
        client.expectEof();

        assertCallGoesOn(bystander);
        assertEquals(Map.of(ControlSession.PROTOCOL_VIOLATION_KIND, 1L), gateway.metrics().protocolErrors());
    }

    @Test
    void violationFromTheClientClosesItAndTellsTheServer() {
        gateway = TestGateway.start();
        Call victim = outgoingCall(gateway.establish("127.0.0.2"), 7, 700);
        Call bystander = outgoingCall(gateway.establish("127.0.0.3"), 7, 700);

        // a second Start-Control-Connection-Request on an established connection
        victim.leg().client().send(ControlMessages.sccrq());
        assertEquals(StopReason.STOP_PROTOCOL,
                victim.leg().client().expect(StopControlConnectionRequest.class).reason());
        victim.leg().client().expectEof();
        ScriptedPeer server = victim.leg().server();
        assertEquals(victim.gA(), server.expect(CallClearRequest.class).callId());
        assertEquals(StopReason.STOP_PROTOCOL, server.expect(StopControlConnectionRequest.class).reason());
        server.send(ControlMessages.stopReply());
        server.expectEof();

        assertCallGoesOn(bystander);
        assertEquals(Map.of(ControlSession.PROTOCOL_VIOLATION_KIND, 1L), gateway.metrics().protocolErrors());
    }

    /**
     * The server stops reading while the client floods Echo-Requests. The gateway must stop reading the client
     * (its memory stays bounded: the client's writes block after a bounded number of bytes), and must not drop
     * anything: once the server reads again, every echo arrives, in order.
     *
     * <p>The bound: what the kernel may buffer on the path (the sockets of both legs; on loopback Linux grows the
     * gateway's receive and send buffers up to {@code tcp_rmem[2]} and {@code tcp_wmem[2]}) plus 1 MiB for the
     * gateway itself (its 32 KiB write high-water mark and one read). The client offers more than that, so a
     * gateway that kept reading and queued the messages in memory would let the client write everything.
     */
    @Test
    void peerThatStopsReadingPushesBackToTheClientAndNothingIsDropped() throws Exception {
        gateway = TestGateway.start();
        int smallBuffer = 8192;
        Leg leg = gateway.establish(gateway.connect(new ScriptedPeer.Options()
                .localAddress("127.0.0.2").sendBufferSize(smallBuffer)));

        // the client's send buffer, the gateway's receive and send buffers, the server's receive buffer (it does
        // not grow while the server does not read)
        long kernelBound = 2L * smallBuffer + maxSocketBuffer("tcp_rmem") + maxSocketBuffer("tcp_wmem")
                + defaultSocketBuffer("tcp_rmem");
        long bound = kernelBound + (1 << 20);
        int messageLength = 1024;             // the largest the gateway accepts: an Echo-Request with a trailer
        int total = (int) ((bound + (16 << 20)) / messageLength);
        byte[] trailer = new byte[messageLength - 16];
        for (int i = 0; i < trailer.length; i++) {
            trailer[i] = (byte) (i * 31 + 7);
        }
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    leg.client().send(ControlMessages.echoRequest(i).toBuilder().trailer(trailer).build());
                    written.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "echo-flood");
        writer.setDaemon(true);
        writer.start();
        try {
            // wait until the writer makes no progress for 500 ms
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (written.get() != last) {
                last = written.get();
                assertTrue(System.nanoTime() < deadline, "the client's writes never blocked");
                Thread.sleep(500);
            }
            long stalledAt = written.get() * messageLength;
            assertEquals(null, failure.get());
            assertTrue(written.get() < total, "the client wrote all " + total + " messages: no back-pressure");
            assertTrue(stalledAt <= bound, "bytes written before blocking: " + stalledAt + " (expected: <= " + bound
                    + ", kernel buffers " + kernelBound + " + 1 MiB)");

            // the server reads again: every echo, in order, trailer intact
            ScriptedPeer server = leg.server().timeout(millis(10_000));
            for (int i = 0; i < total; i++) {
                EchoRequest echo = server.expect(EchoRequest.class);
                if (echo.identifier() != i || !Arrays.equals(trailer, echo.trailer())) {
                    throw new AssertionError("echo #" + i + ": " + echo);
                }
            }
            writer.join(10_000);
            assertEquals(null, failure.get());
            assertEquals(total, written.get());
            server.expectNothing(millis(100));
        } finally {
            writer.interrupt();
        }

        // the connection still works both ways
        leg.server().send(ControlMessages.echoRequest(0xFFFFFFFFL));
        assertEquals(0xFFFFFFFFL, leg.client().expect(EchoRequest.class).identifier());
        assertEquals(0, gateway.metrics().protocolErrorsTotal());
    }

    /** The largest buffer Linux's TCP autotuning gives a socket: the third value of {@code net.ipv4.<name>}. */
    private static long maxSocketBuffer(String name) throws IOException {
        return socketBufferSysctl(name)[2];
    }

    /** The initial buffer of a TCP socket: the second value of {@code net.ipv4.<name>}. */
    private static long defaultSocketBuffer(String name) throws IOException {
        return socketBufferSysctl(name)[1];
    }

    private static long[] socketBufferSysctl(String name) throws IOException {
        // Files.readString reads /proc files short; readAllLines does not
        String line = Files.readAllLines(Path.of("/proc/sys/net/ipv4/" + name)).get(0).trim();
        return Arrays.stream(line.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }
}
