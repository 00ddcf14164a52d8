package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.netty.raw.RawGre;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import io.github.pptpalg.netty.testing.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PptpAlgLauncherTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PptpAlgLauncher.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The gateway needs raw GRE sockets: skip without them, or fail when CI requires privileged tests. */
    static void requireRawGre() {
        if (!RawGre.isAvailable()) {
            String reason = "raw GRE sockets are not available: " + RawGre.unavailabilityCause().getMessage();
            if (Boolean.getBoolean("pptpalg.requirePrivileged")) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void helpAndVersionExitWithZero() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("A PPTP application-level gateway"), out());
        assertTrue(out().contains("-p, --proxy=[listenAddress[:port],]peerAddress[:port]"), out());
        assertEquals("", err());

        out.reset();
        assertEquals(0, run("-v"));
        assertEquals("pptp-alg " + LauncherCommandLine.version() + System.lineSeparator(), out());
        assertEquals("", err());
    }

    @Test
    void badOptionExitsWithOneAndOneLine() {
        assertEquals(1, run("-p", "198.18.1.2", "--bogus"));
        assertEquals("pptp-alg: Unknown option: '--bogus'" + System.lineSeparator(), err());
        assertEquals("", out());

        err.reset();
        assertEquals(1, run());
        assertEquals("pptp-alg: no proxy given (expected: at least one -p/--proxy [listenAddress[:port],]peerAddress[:port])"
                + System.lineSeparator(), err());
    }

    @Test
    void listenAddressInUseExitsWithOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("-p", "127.0.0.1:" + taken.getLocalPort() + ",127.0.0.1:1723"));
        }
        String message = err();
        assertTrue(message.startsWith("pptp-alg: "), message);
        assertEquals(1, message.lines().count(), message);
        if (RawGre.isAvailable()) {
            assertTrue(message.contains("Address already in use"), message);
        } else {
            assertTrue(message.contains("raw GRE sockets are not available"), message);
        }
    }

    @Test
    void unwritableCaptureFileIsAStartError() {
        LauncherOptions options = assertInstanceOf(LauncherCommandLine.Run.class, LauncherCommandLine.parse(
                "-p", "127.0.0.1:0,127.0.0.1:1723", "--pcap", directory.resolve("no/such/dir/x.pcap").toString())).options();
        PptpAlgLauncher.LaunchException e = assertThrows(PptpAlgLauncher.LaunchException.class,
                () -> PptpAlgLauncher.Gateway.start(options));
        assertTrue(e.getMessage().startsWith("cannot write the capture file " + directory.resolve("no/such/dir/x.pcap")),
                e.getMessage());
    }

    @Test
    void relaysWithCaptureAndMetricsThenClosesGracefully() throws Exception {
        requireRawGre();
        Path pcap = directory.resolve("relay.pcap");
        int listenPort;
        int pacPort;
        try (ScriptedServer pac = ScriptedServer.open()) {
            LauncherOptions options = assertInstanceOf(LauncherCommandLine.Run.class, LauncherCommandLine.parse(
                    "-p", "127.0.0.1:0," + SessionsJson.address(pac.address()),
                    "--call-id-range", "31000-31999", "--metrics", "127.0.0.1:0", "--pcap", pcap.toString(),
                    "-n")).options();
            PptpAlgLauncher.Gateway gateway = PptpAlgLauncher.Gateway.start(options);
            try {
                InetSocketAddress listen = gateway.alg().listenAddresses().get(0);
                listenPort = listen.getPort();
                pacPort = pac.address().getPort();
                try (ScriptedPeer pns = ScriptedPeer.connect(listen)) {
                    pns.send(ControlMessages.sccrq());
                    ScriptedPeer pacSide = pac.accept();
                    pacSide.acceptControlConnection();
                    assertEquals(ResultCode.OK, pns.expect(StartControlConnectionReply.class).resultCode());

                    pns.send(ControlMessages.ocrq(0x1234));
                    OutgoingCallRequest relayed = pacSide.answerOutgoingCall(700);
                    int gatewayIdTowardsPac = relayed.callId();
                    assertTrue(gatewayIdTowardsPac >= 31000 && gatewayIdTowardsPac <= 31999, relayed::toString);
                    OutgoingCallReply reply = pns.expect(OutgoingCallReply.class);
                    assertEquals(0x1234, reply.peerCallId());
                    int gatewayIdTowardsPns = reply.callId();
                    assertTrue(gatewayIdTowardsPns >= 31000 && gatewayIdTowardsPns <= 31999, reply::toString);

                    HttpClient http = HttpClient.newHttpClient();
                    String base = "http://" + SessionsJson.address(gateway.metricsAddress());
                    HttpResponse<String> sessions = http.send(HttpRequest.newBuilder(URI.create(base + "/sessions")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, sessions.statusCode());
                    JsonArray connections = MetricsHttpServerTest.strictJson(sessions.body()).getAsJsonArray();
                    assertEquals(1, connections.size(), sessions.body());
                    JsonObject connection = connections.get(0).getAsJsonObject();
                    assertEquals(SessionsJson.address(pns.localAddress()), connection.get("acceptedPeer").getAsString());
                    assertEquals(SessionsJson.address(pac.address()), connection.get("connectedPeer").getAsString());
                    JsonObject call = connection.getAsJsonArray("calls").get(0).getAsJsonObject();
                    assertEquals(0x1234, call.get("acceptedCallId").getAsInt());
                    assertEquals(gatewayIdTowardsPac, call.get("acceptedGatewayCallId").getAsInt());
                    assertEquals(700, call.get("connectedCallId").getAsInt());
                    assertEquals(gatewayIdTowardsPns, call.get("connectedGatewayCallId").getAsInt());

                    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    MetricsHttpServerTest.Exposition exposition = MetricsHttpServerTest.Exposition.parse(metrics.body());
                    assertEquals(1.0, exposition.value("pptp_alg_control_connections_active"));
                    assertEquals(1.0, exposition.value("pptp_alg_calls_established_total"));

                    // graceful close (as on SIGTERM): the PAC is asked to clear the call and both peers to stop
                    CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
                    assertEquals(gatewayIdTowardsPac, pacSide.expect(CallClearRequest.class, Duration.ofSeconds(10)).callId());
                    pacSide.send(ControlMessages.cdn(700));
                    assertEquals(gatewayIdTowardsPns, pns.expect(CallDisconnectNotify.class, Duration.ofSeconds(10)).callId());
                    pacSide.expect(StopControlConnectionRequest.class, Duration.ofSeconds(10));
                    pacSide.send(ControlMessages.stopReply());
                    pns.expect(StopControlConnectionRequest.class, Duration.ofSeconds(10));
                    pns.send(ControlMessages.stopReply());
                    closing.get(10, TimeUnit.SECONDS);
                }
            } finally {
                gateway.close();
            }
        }

        PcapWriterTest.requireTshark();
        List<String> lines = PcapWriterTest.tshark(pcap, "-d", "tcp.port==" + listenPort + ",pptp",
                "-d", "tcp.port==" + pacPort + ",pptp", "-Y", "pptp",
                "-T", "fields", "-e", "pptp.control_message_type", "-e", "pptp.call_id");
        // SCCRQ and SCCRP on both legs, then the call: OCRQ with the PNS's and the gateway's Call ID, OCRP likewise
        assertTrue(lines.size() >= 8, lines::toString);
        assertEquals(List.of("1\t", "1\t", "2\t", "2\t"), lines.subList(0, 4));
        assertEquals("7\t4660", lines.get(4));
        assertNotEquals("7\t4660", lines.get(5));
        assertTrue(lines.get(5).startsWith("7\t31"), lines::toString);
        assertEquals("8\t700", lines.get(6));
        assertTrue(lines.get(7).startsWith("8\t31"), lines::toString);
        assertTrue(Files.size(pcap) > PcapWriter.FILE_HEADER_LENGTH);
    }
}
