package io.github.pptpalg.examples.it;

import static io.github.pptpalg.examples.it.TsharkDecoding.CCRQ;
import static io.github.pptpalg.examples.it.TsharkDecoding.CDN;
import static io.github.pptpalg.examples.it.TsharkDecoding.OCRP;
import static io.github.pptpalg.examples.it.TsharkDecoding.OCRQ;
import static io.github.pptpalg.examples.it.TsharkDecoding.SCCRP;
import static io.github.pptpalg.examples.it.TsharkDecoding.SCCRQ;
import static io.github.pptpalg.examples.it.TsharkDecoding.STOP_CCRQ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.pptpalg.examples.it.LauncherProcess.Metrics;
import io.github.pptpalg.examples.it.TsharkDecoding.ControlMessage;
import io.github.pptpalg.netty.interop.Exec;
import io.github.pptpalg.netty.interop.InteropCall;
import io.github.pptpalg.netty.interop.Netns;
import io.github.pptpalg.netty.interop.NetnsTopology;
import io.github.pptpalg.netty.interop.PptpClient;
import io.github.pptpalg.netty.interop.Pptpd;
import io.github.pptpalg.netty.interop.Privileged;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The {@code pptp-alg} launcher between real, third-party PPTP peers, started as an operator starts it: a separate
 * process from the shaded jar (or the start script), configured by its command line only, watched over HTTP
 * ({@code /metrics}, {@code /sessions}), stopped with SIGTERM, its {@code --pcap} file read by tshark.
 *
 * <p>The peers: Debian's pptp-linux in client namespaces and pptpd in a server namespace (the alg-netty interop
 * harness); the launcher runs in the root namespace, which joins them with IP forwarding off and no NAT rule, so
 * every byte between the peers crosses the launcher's sockets or nothing does. What the peers really exchanged on
 * the server's link is captured independently with dumpcap.
 */
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class LauncherInteropIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** The launcher's default close drain (5 s) plus the JVM's start of shutdown and exit. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(8);
    private static final int[] SIZES = {40, 41, 64, 127, 128, 255, 256, 500, 576, 1000, 1399, 1400};
    private static final String LEAK_LEVEL_PROPERTY = "io.netty.leakDetection.level";

    private static NetnsTopology topology;

    @TempDir
    Path work;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void createTopology() {
        Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.RAW_SOCKET, Requirement.PPTPD,
                Requirement.PPTP_LINUX, Requirement.PYTHON3, Requirement.TSHARK, Requirement.NFTABLES);
        if (!Privileged.onPath("dumpcap")) { // tshark's capture engine, which captures the server's link
            String reason = "interop prerequisites missing: dumpcap missing (Debian package wireshark-common)";
            if (Privileged.isRequired()) {
                Assertions.fail(reason + " (" + Privileged.REQUIRE_PROPERTY + "=true)");
            }
            Assumptions.abort(reason);
        }
        LauncherProcess.jar(); // fails at once if the jar was not built
        topology = NetnsTopology.builder(NetnsTopology.defaultName("pali")).clients(2).forwarding(false).create();
    }

    @AfterAll
    static void deleteTopology() {
        if (topology != null) {
            topology.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        // no peer of this test may live on into the next one
        await(() -> topology.namespaces().stream().allMatch(ns -> ns.pids().isEmpty()),
                () -> "the peers' processes to end: " + topology.namespaces());
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    /** {@code -p GATEWAY-ADDRESS-OF-CLIENT:1723,SERVER:1723} for each client. */
    private static List<String> proxies(int... clients) {
        List<String> arguments = new ArrayList<>();
        for (int client : clients) {
            arguments.add("-p");
            arguments.add(topology.client(client).gatewayAddress().getHostAddress() + ":" + Pptpd.PORT + ","
                    + topology.server().address().getHostAddress() + ":" + Pptpd.PORT);
        }
        return arguments;
    }

    private PptpClient client(int index) {
        Netns ns = topology.client(index);
        return use(PptpClient.start(ns, ns.gatewayAddress()));
    }

    /** pptpd sees every call coming from the gateway: establish one call at a time. */
    private static InteropCall call(PptpClient client, Pptpd server) {
        return InteropCall.establish(client, server.awaitCall(TIMEOUT), TIMEOUT);
    }

    @Test
    void twoClientsThroughTheLauncherWithMetricsSessionsAndCapture() throws Exception {
        long icmpBefore = topology.icmpProtocolUnreachableSent();
        Path pcap = work.resolve("launcher.pcap");
        Path wire = work.resolve("server-link.pcapng");
        int metricsPort = LauncherProcess.freePort();
        List<String> arguments = new ArrayList<>(proxies(0, 1));
        arguments.addAll(List.of("--metrics", "127.0.0.1:" + metricsPort, "--pcap", pcap.toString()));
        LauncherProcess launcher = use(LauncherProcess.start("launcher", work, LauncherProcess.javaJar(arguments)));
        launcher.awaitMetrics(metricsPort, START_TIMEOUT);
        WireCapture capture = use(WireCapture.start(topology.server().gatewayInterface(), wire));

        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient pns0 = client(0);
        InteropCall one = call(pns0, server);
        PptpClient pns1 = client(1);
        InteropCall two = call(pns1, server);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> exchangeAllSizes(one, 1));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> exchangeAllSizes(two, 2));
        a.get(20, TimeUnit.SECONDS);
        b.get(20, TimeUnit.SECONDS);
        assertEquals(0, one.client().pending() + one.server().pending() + two.client().pending()
                + two.server().pending(), "frames delivered to the wrong call");

        // live: the operator's view over HTTP
        Metrics live = Metrics.get(metricsPort);
        assertEquals("gauge", live.types().get("pptp_alg_calls_active"), live.types().toString());
        assertEquals("counter", live.types().get("pptp_alg_gre_packets_total"), live.types().toString());
        assertEquals(2, live.value("pptp_alg_calls_active"), live.samples().toString());
        assertEquals(2, live.value("pptp_alg_control_connections_active"), live.samples().toString());
        assertEquals(2, live.value("pptp_alg_calls_established_total"), live.samples().toString());
        for (String direction : List.of("accepted_to_connected", "connected_to_accepted")) {
            long packets = live.value("pptp_alg_gre_packets_total{direction=\"" + direction + "\"}");
            assertTrue(packets >= 2 * SIZES.length, direction + ": " + packets + " GRE packets");
            assertTrue(live.value("pptp_alg_gre_bytes_total{direction=\"" + direction + "\"}") > packets * 40, direction);
        }
        assertEquals(0, live.value("pptp_alg_gre_dropped_total{reason=\"malformed\"}"), live.samples().toString());
        List<CallIds> calls = sessions(metricsPort, 2);
        Map<String, CallIds> byClient = new HashMap<>();
        for (CallIds call : calls) {
            assertTrue(call.gatewayIdsIn(1, 65535), call.toString());
            assertTrue(call.acceptedToConnectedPackets() >= SIZES.length && call.connectedToAcceptedPackets() >= SIZES.length,
                    call.toString());
            byClient.put(call.clientAddress(), call);
        }
        Set<Integer> gatewayIds = new HashSet<>();
        calls.forEach(c -> {
            gatewayIds.add(c.acceptedGatewayCallId());
            gatewayIds.add(c.connectedGatewayCallId());
        });
        assertEquals(4, gatewayIds.size(), "the gateway handed out one Call ID twice: " + calls);
        CallIds call0 = byClient.get(topology.client(0).address().getHostAddress());
        CallIds call1 = byClient.get(topology.client(1).address().getHostAddress());
        assertTrue(call0 != null && call1 != null, "/sessions does not name both clients: " + calls);

        // hang up: the gateway forgets both calls
        assertTrue(pns0.hangUp(TIMEOUT), "pptp did not hang up: " + pns0.log());
        assertTrue(pns1.hangUp(TIMEOUT), "pptp did not hang up: " + pns1.log());
        await(() -> {
            Metrics m = Metrics.get(metricsPort);
            return m.value("pptp_alg_calls_active") == 0 && m.value("pptp_alg_control_connections_active") == 0;
        }, () -> "/metrics to show no live call: " + Metrics.get(metricsPort).samples());
        Metrics after = Metrics.get(metricsPort);
        assertEquals(2, after.value("pptp_alg_calls_closed_total"), after.samples().toString());
        assertEquals("[]", LauncherProcess.get(metricsPort, "/sessions", "application/json; charset=utf-8").strip());

        // SIGTERM: a graceful stop with the documented status, the capture file closed
        long start = System.nanoTime();
        int status = launcher.terminate(EXIT_TIMEOUT);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(LauncherProcess.EXIT_STATUS_SIGTERM, status, launcher.describe());
        assertTrue(launcher.stderr().contains("Capture file closed"), launcher.describe());
        assertEquals(icmpBefore, topology.icmpProtocolUnreachableSent(), "ICMP protocol-unreachable from the gateway host");
        // the hang-ups came last: once both CCRQs are in the file, so is everything before them
        capture.awaitFrames("pptp.control_message_type == " + CCRQ, 2);
        capture.close();

        TsharkDecoding decoded = TsharkDecoding.read(pcap);
        for (CallIds call : List.of(call0, call1)) {
            assertCapturedByLauncher(decoded, call);
        }
        TsharkDecoding onTheWire = TsharkDecoding.read(wire);
        assertWhatPptpdSaw(onTheWire, List.of(call0, call1));
        System.out.printf("launcher: SIGTERM to exit %d ms; capture %d frames, server link %d frames%n", millis,
                decoded.frames().size(), onTheWire.frames().size());
    }

    /**
     * The launcher's capture has both legs of {@code call}: the peers' own Call IDs where they talk to the gateway,
     * the gateway's Call IDs where the gateway speaks for the other side, in the control messages and GRE keys.
     */
    private static void assertCapturedByLauncher(TsharkDecoding capture, CallIds call) {
        String client = call.clientAddress();
        String server = topology.server().address().getHostAddress();
        String summary = capture.summary();
        assertFalse(capture.control(SCCRQ, client, null).isEmpty(), "SCCRQ from " + client + ": " + summary);
        assertFalse(capture.control(SCCRP, null, client).isEmpty(), "SCCRP to " + client + ": " + summary);
        assertTrue(capture.control(SCCRQ, null, server).size() >= 2, "SCCRQ to the server: " + summary);
        assertTrue(capture.control(SCCRP, server, null).size() >= 2, "SCCRP from the server: " + summary);
        // the client's request, and the same request as the server got it
        assertTrue(capture.control(OCRQ, client, null).contains(new ControlMessage(OCRQ, call.acceptedCallId(), -1)),
                "OCRQ from " + client + " with Call ID " + call.acceptedCallId() + ": " + summary);
        assertTrue(capture.control(OCRQ, null, server).contains(new ControlMessage(OCRQ, call.acceptedGatewayCallId(), -1)),
                "OCRQ to the server with Call ID " + call.acceptedGatewayCallId() + ": " + summary);
        // the server's reply, and the same reply as the client got it
        assertTrue(capture.control(OCRP, server, null).contains(
                new ControlMessage(OCRP, call.connectedCallId(), call.acceptedGatewayCallId())),
                "OCRP from the server, Call ID " + call.connectedCallId() + ", Peer Call ID " + call.acceptedGatewayCallId()
                        + ": " + summary);
        assertTrue(capture.control(OCRP, null, client).contains(
                new ControlMessage(OCRP, call.connectedGatewayCallId(), call.acceptedCallId())),
                "OCRP to " + client + ", Call ID " + call.connectedGatewayCallId() + ", Peer Call ID " + call.acceptedCallId()
                        + ": " + summary);
        // the hang-up
        assertTrue(capture.control(CCRQ, client, null).contains(new ControlMessage(CCRQ, call.acceptedCallId(), -1)),
                "CCRQ from " + client + ": " + summary);
        assertTrue(capture.control(CCRQ, null, server).contains(new ControlMessage(CCRQ, call.acceptedGatewayCallId(), -1)),
                "CCRQ to the server with Call ID " + call.acceptedGatewayCallId() + ": " + summary);
        // GRE: what reaches the gateway carries its own Call IDs, what it sends the peers' own
        assertGre(capture, client, null, call.connectedGatewayCallId(), "from the client");
        assertGre(capture, null, server, call.connectedCallId(), "to the server");
        assertGre(capture, server, null, call.acceptedGatewayCallId(), "from the server");
        assertGre(capture, null, client, call.acceptedCallId(), "to the client");
        assertEquals(List.of(), capture.gre(client, null, f -> f.greCallId() != call.connectedGatewayCallId()),
                "GRE from " + client + " with another key than " + call.connectedGatewayCallId());
        assertEquals(List.of(), capture.gre(null, client, f -> f.greCallId() != call.acceptedCallId()),
                "GRE to " + client + " with another key than " + call.acceptedCallId());
    }

    private static void assertGre(TsharkDecoding capture, String source, String destination, int callId, String what) {
        int packets = capture.gre(source, destination, f -> f.greCallId() == callId).size();
        assertTrue(packets >= SIZES.length, packets + " GRE packets " + what + " with Call ID " + callId + " in "
                + capture.file() + " (expected: at least " + SIZES.length + ")");
    }

    /**
     * What pptpd saw on its link, captured there by dumpcap, independently of the launcher: requests bearing the
     * gateway's Call IDs that {@code /sessions} reported, its own replies bearing the Call IDs {@code /sessions}
     * reported for the connected side, and GRE keyed with those alone.
     */
    private static void assertWhatPptpdSaw(TsharkDecoding wire, List<CallIds> calls) {
        String server = topology.server().address().getHostAddress();
        String gateway = topology.server().gatewayAddress().getHostAddress();
        String summary = wire.summary();
        Set<Integer> gatewayIds = new HashSet<>();
        Set<Integer> serverIds = new HashSet<>();
        for (CallIds call : calls) {
            gatewayIds.add(call.acceptedGatewayCallId());
            serverIds.add(call.connectedCallId());
            assertTrue(wire.control(OCRQ, gateway, server).contains(new ControlMessage(OCRQ, call.acceptedGatewayCallId(), -1)),
                    "pptpd got no OCRQ with Call ID " + call.acceptedGatewayCallId() + ": " + summary);
            assertTrue(wire.control(OCRP, server, gateway).contains(
                    new ControlMessage(OCRP, call.connectedCallId(), call.acceptedGatewayCallId())),
                    "pptpd sent no OCRP with Call ID " + call.connectedCallId() + ": " + summary);
            assertTrue(wire.control(CCRQ, gateway, server).contains(new ControlMessage(CCRQ, call.acceptedGatewayCallId(), -1)),
                    "pptpd got no CCRQ with Call ID " + call.acceptedGatewayCallId() + ": " + summary);
            assertTrue(wire.gre(server, gateway, f -> f.greCallId() == call.acceptedGatewayCallId()).size() >= SIZES.length,
                    "pptpd's GRE with Call ID " + call.acceptedGatewayCallId() + ": " + summary);
            assertTrue(wire.gre(gateway, server, f -> f.greCallId() == call.connectedCallId()).size() >= SIZES.length,
                    "GRE to pptpd with Call ID " + call.connectedCallId() + ": " + summary);
        }
        assertEquals(2, wire.control(SCCRQ, gateway, server).size(), summary);
        assertEquals(2, wire.control(OCRQ, gateway, server).size(), summary);
        assertEquals(List.of(), wire.gre(server, null, f -> !gatewayIds.contains(f.greCallId())),
                "pptpd sent GRE keyed with other Call IDs than the gateway's " + gatewayIds);
        assertEquals(List.of(), wire.gre(null, server, f -> !serverIds.contains(f.greCallId())),
                "pptpd got GRE keyed with other Call IDs than its own " + serverIds);
    }

    @Test
    void twoLauncherProcessesWithDisjointCallIdRangesCarryCallsAtOnce() throws Exception {
        int portA = LauncherProcess.freePort();
        Path pcapA = work.resolve("launcher-a.pcap");
        List<String> argumentsA = new ArrayList<>(proxies(0));
        argumentsA.addAll(List.of("--call-id-range", "1-32767", "--metrics", "127.0.0.1:" + portA, "--pcap", pcapA.toString()));
        LauncherProcess launcherA = use(LauncherProcess.start("launcher-a", work, LauncherProcess.javaJar(argumentsA)));
        int portB = LauncherProcess.freePort();
        List<String> argumentsB = new ArrayList<>(proxies(1));
        argumentsB.addAll(List.of("--call-id-range", "32768-65535", "--metrics", "127.0.0.1:" + portB));
        // the second one through the start script, with the JVM options an operator gives in JAVA_OPTS: here Netty's
        // leak detector at the level the tests run with
        String leakLevel = System.getProperty(LEAK_LEVEL_PROPERTY);
        Map<String, String> environment = new HashMap<>(Map.of("JAVA_HOME", System.getProperty("java.home")));
        if (leakLevel != null) {
            environment.put("JAVA_OPTS", "-D" + LEAK_LEVEL_PROPERTY + "=" + leakLevel);
        }
        LauncherProcess launcherB = use(LauncherProcess.start("launcher-b", work, LauncherProcess.startScript(argumentsB),
                environment));
        launcherA.awaitMetrics(portA, START_TIMEOUT);
        launcherB.awaitMetrics(portB, START_TIMEOUT);

        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient pns0 = client(0);
        InteropCall one = call(pns0, server);
        PptpClient pns1 = client(1);
        InteropCall two = call(pns1, server);
        CompletableFuture<Void> x = CompletableFuture.runAsync(() -> exchangeAllSizes(one, 7));
        CompletableFuture<Void> y = CompletableFuture.runAsync(() -> exchangeAllSizes(two, 8));
        x.get(20, TimeUnit.SECONDS);
        y.get(20, TimeUnit.SECONDS);

        CallIds callA = sessions(portA, 1).get(0);
        CallIds callB = sessions(portB, 1).get(0);
        assertEquals(topology.client(0).address().getHostAddress(), callA.clientAddress(), callA.toString());
        assertEquals(topology.client(1).address().getHostAddress(), callB.clientAddress(), callB.toString());
        assertTrue(callA.gatewayIdsIn(1, 32767), callA.toString());
        assertTrue(callB.gatewayIdsIn(32768, 65535), callB.toString());
        for (int port : new int[] {portA, portB}) {
            Metrics m = Metrics.get(port);
            assertEquals(1, m.value("pptp_alg_calls_active"), m.samples().toString());
            // the kernel filter keeps the other process's Call IDs away from this process's raw socket
            assertEquals(0, m.value("pptp_alg_gre_dropped_total{reason=\"not_for_this_instance\"}"), m.samples().toString());
            assertTrue(m.value("pptp_alg_gre_packets_total{direction=\"accepted_to_connected\"}") >= SIZES.length,
                    m.samples().toString());
            assertTrue(m.value("pptp_alg_gre_packets_total{direction=\"connected_to_accepted\"}") >= SIZES.length,
                    m.samples().toString());
        }

        // SIGTERM to the first while its call is live: it tells both peers, and the other process carries on
        long start = System.nanoTime();
        assertEquals(LauncherProcess.EXIT_STATUS_SIGTERM, launcherA.terminate(EXIT_TIMEOUT), launcherA.describe());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        await(() -> pns0.processes().isEmpty(), () -> "pptp-linux to end after the launcher's close: " + pns0.log());
        await(() -> server.controlConnections().size() == 1, () -> "pptpd to end the first control connection: "
                + server.controlConnections());
        byte[] frame = frame(new Random(9), 1400, 9);
        assertArrayEquals(frame, two.clientToServer(frame, TIMEOUT), "the second launcher's call after the first stopped");
        assertArrayEquals(frame, two.serverToClient(frame, TIMEOUT), "the second launcher's call after the first stopped");

        assertToldBothPeers(TsharkDecoding.read(pcapA), callA);

        assertEquals(LauncherProcess.EXIT_STATUS_SIGTERM, launcherB.terminate(EXIT_TIMEOUT), launcherB.describe());
        await(() -> pns1.processes().isEmpty(), () -> "pptp-linux to end after the launcher's close: " + pns1.log());
        await(() -> server.controlConnections().isEmpty(), () -> "pptpd to end the second control connection");
        for (LauncherProcess launcher : List.of(launcherA, launcherB)) {
            assertFalse(launcher.stderr().contains("LEAK:"), launcher.describe());
            assertTrue(launcher.stderr().contains("Stopped"), launcher.describe());
        }
        System.out.printf("launcher with a live call: SIGTERM to exit %d ms%n", millis);
    }

    /**
     * A launcher stopped during {@code call} told both peers, speaking for the other side with the Call IDs each
     * knows: the client got Call-Disconnect-Notify and Stop-Control-Connection-Request, the server
     * Call-Clear-Request and Stop-Control-Connection-Request.
     */
    private static void assertToldBothPeers(TsharkDecoding capture, CallIds call) {
        String client = call.clientAddress();
        String server = topology.server().address().getHostAddress();
        String summary = capture.summary();
        assertEquals(List.of(new ControlMessage(CDN, call.connectedGatewayCallId(), -1)), capture.control(CDN, null, client),
                "Call-Disconnect-Notify to the client: " + summary);
        assertEquals(1, capture.control(STOP_CCRQ, null, client).size(), "Stop-Control-Connection-Request to the client: "
                + summary);
        assertEquals(List.of(new ControlMessage(CCRQ, call.acceptedGatewayCallId(), -1)), capture.control(CCRQ, null, server),
                "Call-Clear-Request to the server: " + summary);
        assertEquals(1, capture.control(STOP_CCRQ, null, server).size(), "Stop-Control-Connection-Request to the server: "
                + summary);
    }

    /** One call as {@code GET /sessions} reports it. */
    record CallIds(String clientAddress, String serverPeer, int acceptedCallId, int acceptedGatewayCallId,
                   int connectedCallId, int connectedGatewayCallId, long acceptedToConnectedPackets,
                   long connectedToAcceptedPackets) {

        boolean gatewayIdsIn(int lowest, int highest) {
            return acceptedGatewayCallId >= lowest && acceptedGatewayCallId <= highest
                    && connectedGatewayCallId >= lowest && connectedGatewayCallId <= highest;
        }
    }

    /**
     * {@code GET /sessions}, parsed by an independent JSON parser: {@code connections} established control
     * connections to pptpd, one established outgoing call each, from the client side; their Call IDs.
     */
    private static List<CallIds> sessions(int port, int connections) {
        String json = LauncherProcess.get(port, "/sessions", "application/json; charset=utf-8");
        JsonArray array = JsonParser.parseString(json).getAsJsonArray();
        assertEquals(connections, array.size(), json);
        String server = topology.server().address().getHostAddress() + ":" + Pptpd.PORT;
        List<CallIds> calls = new ArrayList<>();
        for (JsonElement element : array) {
            JsonObject connection = element.getAsJsonObject();
            assertEquals("ESTABLISHED", connection.get("state").getAsString(), json);
            assertEquals(server, connection.get("connectedPeer").getAsString(), json);
            String acceptedPeer = connection.get("acceptedPeer").getAsString();
            JsonArray callsOfConnection = connection.getAsJsonArray("calls");
            assertEquals(1, callsOfConnection.size(), json);
            JsonObject call = callsOfConnection.get(0).getAsJsonObject();
            assertEquals("OUTGOING", call.get("type").getAsString(), json);
            assertEquals("ACCEPTED", call.get("pnsSide").getAsString(), json);
            assertEquals("ESTABLISHED", call.get("state").getAsString(), json);
            calls.add(new CallIds(acceptedPeer.substring(0, acceptedPeer.lastIndexOf(':')), connection.get("connectedPeer").getAsString(),
                    call.get("acceptedCallId").getAsInt(), call.get("acceptedGatewayCallId").getAsInt(),
                    call.get("connectedCallId").getAsInt(), call.get("connectedGatewayCallId").getAsInt(),
                    call.getAsJsonObject("acceptedToConnected").get("packets").getAsLong(),
                    call.getAsJsonObject("connectedToAccepted").get("packets").getAsLong()));
        }
        return calls;
    }

    private static void exchangeAllSizes(InteropCall call, int tag) {
        Random random = new Random(tag);
        for (int size : SIZES) {
            byte[] up = frame(random, size, tag);
            assertArrayEquals(up, call.clientToServer(up, TIMEOUT), "call " + tag + ", client -> server, " + size);
            byte[] down = frame(random, size, tag);
            assertArrayEquals(down, call.serverToClient(down, TIMEOUT), "call " + tag + ", server -> client, " + size);
        }
    }

    /** A PPP frame (IPv4 protocol) of {@code size} bytes with a tag, rich in bytes that need escaping. */
    private static byte[] frame(Random random, int size, int tag) {
        byte[] frame = new byte[size];
        random.nextBytes(frame);
        frame[0] = (byte) 0xFF;
        frame[1] = 0x03;
        frame[2] = 0x00;
        frame[3] = 0x21;
        frame[4] = (byte) tag;
        for (int i = 5; i < size; i += 7) {
            frame[i] = (byte) (i % 2 == 0 ? 0x7E : 0x7D);
        }
        return frame;
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out waiting for " + what.get());
            }
            LauncherProcess.sleep(20);
        }
    }

    /**
     * dumpcap on one root-namespace interface (PPTP control and GRE only), into a file; {@link #close()} stops it
     * with SIGTERM, which makes it flush and finish the file.
     */
    private static final class WireCapture implements AutoCloseable {

        private final Process process;
        private final Path file;
        private final Path log;

        private WireCapture(Process process, Path file, Path log) {
            this.process = process;
            this.file = file;
            this.log = log;
        }

        static WireCapture start(String networkInterface, Path file) {
            Path log = file.resolveSibling(file.getFileName() + ".log");
            Process process;
            try {
                process = new ProcessBuilder("dumpcap", "-q", "-i", networkInterface, "-f", "tcp port 1723 or ip proto 47",
                        "-w", file.toString())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start dumpcap", e);
            }
            WireCapture capture = new WireCapture(process, file, log);
            try {
                // dumpcap names its file once it captures
                await(() -> read(log).contains("File: ") || !process.isAlive(), () -> "dumpcap to start: " + read(log));
                if (!process.isAlive()) {
                    throw new AssertionFailedError("dumpcap ended (exit " + process.exitValue() + "): " + read(log));
                }
            } catch (RuntimeException | Error e) {
                capture.close();
                throw e;
            }
            return capture;
        }

        /**
         * Waits until tshark finds {@code count} frames matching {@code displayFilter} in the file being written.
         * Needed before {@link #close()}: dumpcap drops what the kernel still holds in a capture block that was not
         * handed over yet when it stops, and the hand-over can take hundreds of milliseconds.
         */
        void awaitFrames(String displayFilter, int count) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String frames = "";
            while (System.nanoTime() < deadline) {
                Exec.Result result = Exec.run(Duration.ofSeconds(10), List.of("tshark", "-n", "-r", file.toString(),
                        "-Y", displayFilter, "-T", "fields", "-e", "frame.number"));
                frames = result.stdout().strip();
                if (!frames.isEmpty() && frames.split("\n").length >= count) {
                    return;
                }
                LauncherProcess.sleep(100);
            }
            throw new AssertionFailedError("dumpcap did not write " + count + " frames matching " + displayFilter
                    + " to " + file + " (frames: [" + frames + "]): " + read(log));
        }

        /** Stops dumpcap (SIGTERM: it finishes the file), SIGKILL after 5 s. Idempotent. */
        @Override
        public void close() {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
