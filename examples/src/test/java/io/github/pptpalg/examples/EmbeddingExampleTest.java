package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import io.github.pptpalg.netty.testing.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddingExampleTest {

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    private String nextEvent() throws InterruptedException {
        String event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "no event within 10 s");
        return event;
    }

    @Test
    void configureStartListenReadMetricsClose() throws Exception {
        PptpAlgLauncherTest.requireRawGre();
        try (ScriptedServer pac = ScriptedServer.open()) {
            EmbeddingExample gateway = EmbeddingExample.start(
                    EmbeddingExample.configure("127.0.0.1:0," + SessionsJson.address(pac.address())), events::add);
            try {
                InetSocketAddress listen = gateway.listenAddresses().get(0);
                try (ScriptedPeer pns = ScriptedPeer.connect(listen)) {
                    pns.send(ControlMessages.sccrq());
                    ScriptedPeer pacSide = pac.accept();
                    pacSide.acceptControlConnection();
                    pns.expect(StartControlConnectionReply.class);
                    assertEquals("connection 1 opened: " + SessionsJson.address(pns.localAddress()) + " -> "
                            + SessionsJson.address(pac.address()), nextEvent());

                    pns.send(ControlMessages.ocrq(0x1234));
                    OutgoingCallRequest relayed = pacSide.answerOutgoingCall(700);
                    OutgoingCallReply reply = pns.expect(OutgoingCallReply.class);
                    assertTrue(relayed.callId() >= 40000 && relayed.callId() <= 49999, "the configured range");
                    assertEquals("call 1 established on connection 1: Call ID 4660 shown as " + relayed.callId()
                            + ", Call ID 700 shown as " + reply.callId(), nextEvent());

                    List<ConnectionSnapshot> sessions = gateway.sessions();
                    assertEquals(1, sessions.size());
                    assertEquals(1, sessions.get(0).calls().size());
                    MetricsSnapshot during = gateway.metrics();
                    assertEquals(1, during.controlConnectionsActive());
                    assertEquals(1, during.callsActive());
                    assertEquals(1, during.callsEstablished());

                    // the PNS clears the call, the PAC confirms
                    pns.send(ControlMessages.ccrq(0x1234));
                    assertEquals(relayed.callId(), pacSide.expect(CallClearRequest.class).callId());
                    pacSide.send(ControlMessages.cdn(700));
                    assertEquals(reply.callId(), pns.expect(CallDisconnectNotify.class).callId());
                    String closed = nextEvent();
                    assertTrue(closed.startsWith("call 1 closed after 0 + 0 GRE packets: "), closed);

                    MetricsSnapshot after = gateway.metrics();
                    assertEquals(0, after.callsActive());
                    assertEquals(1, after.callsClosed());
                    assertTrue(EmbeddingExample.summary(after).startsWith(
                            "connections 1 (1 open), calls 1 (1 established, 0 active), GRE packets 0 + 0"),
                            EmbeddingExample.summary(after));
                }
            } finally {
                gateway.close();
            }
            String closed = nextEvent();
            assertTrue(closed.startsWith("connection 1 closed: "), closed);
            assertEquals(0, gateway.metrics().controlConnectionsActive());
        }
    }

    @Test
    void mainRunsForTheGivenTime() throws Exception {
        PptpAlgLauncherTest.requireRawGre();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScriptedServer pac = ScriptedServer.open()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            long start = System.nanoTime();
            EmbeddingExample.main(new String[] {"127.0.0.1:0," + SessionsJson.address(pac.address()), "1"});
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(1)) >= 0);
        } finally {
            System.setOut(original);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("listening on \\[/127\\.0\\.0\\.1:\\d+] for 1 s"), lines.get(0));
        assertEquals("metrics: connections 0 (0 open), calls 0 (0 established, 0 active), GRE packets 0 + 0, dropped 0",
                lines.get(1));
        assertEquals("sessions: []", lines.get(2));
        assertEquals("closed", lines.get(3));
    }
}
