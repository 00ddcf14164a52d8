package io.github.pptpalg.netty.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Subnet;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.netty.PptpAlg;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

/**
 * The gateway between real, third-party PPTP peers: Debian's pptp-linux in client namespaces, pptpd in the
 * server namespace, and {@link PptpAlg} in the test JVM, whose (root) namespace joins them with IP forwarding
 * off and no NAT rule: every byte between the peers crosses the gateway's sockets or nothing does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int[] SIZES = {40, 41, 64, 127, 128, 255, 256, 500, 576, 1000, 1399, 1400};

    private static NetnsTopology topology;
    private final InteropResources opened = new InteropResources();

    @BeforeAll
    static void createTopology() {
        Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.PPTPD, Requirement.PPTP_LINUX,
                Requirement.PYTHON3, Requirement.NFTABLES);
        topology = NetnsTopology.builder(NetnsTopology.defaultName("pagw")).clients(2).forwarding(false).create();
    }

    @AfterAll
    static void deleteTopology() {
        if (topology != null) {
            topology.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        opened.closeAll(topology);
    }

    private <T extends AutoCloseable> T use(T resource) {
        return opened.use(resource);
    }

    /** A gateway listening on each client's side of the root namespace, relaying to pptpd. */
    private PptpAlg gateway(PptpAlgConfig.Builder builder, int... clients) {
        InetSocketAddress server = new InetSocketAddress(topology.server().address(), Pptpd.PORT);
        for (int client : clients) {
            builder.addProxy(new ProxyPair(
                    new InetSocketAddress(topology.client(client).gatewayAddress(), Pptpd.PORT), server));
        }
        PptpAlg alg = PptpAlg.builder(builder.build()).build();
        opened.gateway(alg);
        alg.start().join();
        return alg;
    }

    private PptpAlg gateway(int... clients) {
        return gateway(PptpAlgConfig.builder(), clients);
    }

    private PptpClient client(int index) {
        Netns ns = topology.client(index);
        return use(PptpClient.start(ns, ns.gatewayAddress()));
    }

    /** pptpd sees the gateway's address on the server side as the client of every call. */
    private InteropCall call(PptpClient client, Pptpd server) {
        return InteropCall.establish(client, server.awaitCall(TIMEOUT), TIMEOUT);
    }

    @Test
    void twoClientsAtOnceCarryFramesOf40To1400BytesBothWays() throws Exception {
        long icmpBefore = topology.icmpProtocolUnreachableSent();
        PptpAlg alg = gateway(0, 1);
        Pptpd server = use(Pptpd.start(topology.server()));
        InteropCall one = call(client(0), server);
        InteropCall two = call(client(1), server);

        List<ConnectionSnapshot> sessions = alg.sessions();
        assertEquals(2, sessions.size(), "control connections: " + sessions);
        for (ConnectionSnapshot session : sessions) {
            assertEquals(1, session.calls().size(), "calls of " + session);
            CallSnapshot call = session.calls().get(0);
            assertTrue(alg.config().callIdRange().contains(call.acceptedGatewayCallId()), call.toString());
            assertTrue(alg.config().callIdRange().contains(call.connectedGatewayCallId()), call.toString());
        }
        assertNotEquals(sessions.get(0).calls().get(0).acceptedGatewayCallId(),
                sessions.get(1).calls().get(0).acceptedGatewayCallId(), "pptpd must see two distinct Call IDs");

        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> exchangeAllSizes(one, 1));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> exchangeAllSizes(two, 2));
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        assertEquals(0, one.client().pending() + one.server().pending() + two.client().pending()
                + two.server().pending(), "frames delivered to the wrong call");

        MetricsSnapshot m = alg.metrics();
        assertTrue(m.grePackets(GreDirection.ACCEPTED_TO_CONNECTED) >= 2 * SIZES.length, m.toString());
        assertTrue(m.grePackets(GreDirection.CONNECTED_TO_ACCEPTED) >= 2 * SIZES.length, m.toString());
        assertEquals(0, m.greDropped(GreDropReason.MALFORMED) + m.greDropped(GreDropReason.TRUNCATED), m.toString());
        assertEquals(icmpBefore, topology.icmpProtocolUnreachableSent(), "ICMP protocol-unreachable from the gateway");
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

    @Test
    void twoClientsWithTheSameCallIdReachTheServerAsTwoCalls() throws Exception {
        PptpAlg alg = gateway(0, 1);
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient.Options sameRandom = PptpClient.options().fixedRandomByte(0x5C);
        InteropCall one = InteropCall.establish(use(PptpClient.start(topology.client(0),
                topology.client(0).gatewayAddress(), sameRandom)), server.awaitCall(TIMEOUT), TIMEOUT);
        InteropCall two = InteropCall.establish(use(PptpClient.start(topology.client(1),
                topology.client(1).gatewayAddress(), sameRandom)), server.awaitCall(TIMEOUT), TIMEOUT);
        List<ConnectionSnapshot> sessions = alg.sessions();
        assertEquals(2, sessions.size());
        CallSnapshot first = sessions.get(0).calls().get(0);
        CallSnapshot second = sessions.get(1).calls().get(0);
        assertEquals(first.acceptedCallId(), second.acceptedCallId(), "the clients were to pick the same Call ID");
        assertNotEquals(first.acceptedGatewayCallId(), second.acceptedGatewayCallId(),
                "pptpd must see two distinct Call IDs");
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> exchangeAllSizes(one, 11));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> exchangeAllSizes(two, 12));
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        assertEquals(0, one.client().pending() + one.server().pending() + two.client().pending()
                + two.server().pending(), "frames delivered to the wrong call");
    }

    @Test
    void hangUpReleasesEverythingAndANewCallWorksAtOnce() {
        PptpAlg alg = gateway(0);
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient first = client(0);
        InteropCall call = call(first, server);
        byte[] frame = frame(new Random(3), 300, 3);
        assertArrayEquals(frame, call.clientToServer(frame, TIMEOUT));
        assertEquals(2, alg.greBindings());

        assertTrue(first.hangUp(TIMEOUT), "pptp did not hang up");
        await(() -> alg.sessions().isEmpty() && alg.greBindings() == 0, "the gateway to forget the call: "
                + alg.sessions() + ", bindings " + alg.greBindings());
        MetricsSnapshot m = alg.metrics();
        assertEquals(0, m.callsActive(), m.toString());
        assertEquals(0, m.controlConnectionsActive(), m.toString());
        assertEquals(1, m.callsClosed(), m.toString());

        InteropCall again = call(client(0), server);
        byte[] second = frame(new Random(4), 1400, 4);
        assertArrayEquals(second, again.serverToClient(second, TIMEOUT));
        assertEquals(2, alg.greBindings());
    }

    @Test
    void closeTellsBothPeersAndCompletesWithinTheDrainDeadline() throws Exception {
        PptpAlg alg = gateway(0);
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient client = client(0);
        call(client, server);
        long start = System.nanoTime();
        alg.close().get(10, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < alg.config().timeouts().closeDrain().toMillis() + 1000, "close took " + millis + " ms");
        assertEquals(0, alg.greBindings());
        assertTrue(alg.sessions().isEmpty(), alg.sessions().toString());
        // pptp-linux got Call-Disconnect-Notify and Stop-Control-Connection-Request and ends; pptpd got
        // Call-Clear-Request and Stop-Control-Connection-Request and ends its control connection process
        await(() -> client.processes().isEmpty(), "pptp-linux to end: " + client.log());
        await(() -> server.controlConnections().isEmpty(), "pptpd's control connection to end");
    }

    @Test
    void strayGreIsDroppedCountedAndNeverReachesAPeer() {
        long icmpBefore = topology.icmpProtocolUnreachableSent();
        PptpAlg alg = gateway(0, 1);
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient client = client(0);
        InteropCall call = call(client, server);
        CallSnapshot snapshot = alg.sessions().get(0).calls().get(0);
        int presentedToClient = snapshot.connectedGatewayCallId(); // the key client 0 puts on its GRE
        CallIdRange range = alg.config().callIdRange();
        int unknown = presentedToClient == range.highest() ? range.lowest() : range.highest();

        // the right key from the wrong source: client 1's namespace
        sendGre(topology.client(1), topology.client(1).gatewayAddress(), presentedToClient, 5);
        // a key in the gateway's range that no call owns, from the right source
        sendGre(topology.client(0), topology.client(0).gatewayAddress(), unknown, 5);
        await(() -> alg.metrics().greDropped(GreDropReason.WRONG_SOURCE_ADDRESS) == 5
                && alg.metrics().greDropped(GreDropReason.NO_MATCHING_CALL) == 5,
                "the drops to be counted: " + alg.metrics());

        // the call still works and nothing stray reached either peer
        byte[] frame = frame(new Random(5), 200, 5);
        assertArrayEquals(frame, call.clientToServer(frame, TIMEOUT));
        assertArrayEquals(frame, call.serverToClient(frame, TIMEOUT));
        assertEquals(0, call.server().pending() + call.client().pending());
        assertEquals(0, call.server().badFcs() + call.client().badFcs());

        // after the hang-up, the dead call's key is quarantined
        assertTrue(client.hangUp(TIMEOUT));
        await(() -> alg.greBindings() == 0, "the bindings to go");
        sendGre(topology.client(0), topology.client(0).gatewayAddress(), presentedToClient, 3);
        await(() -> alg.metrics().greDropped(GreDropReason.QUARANTINED_CALL_ID) == 3,
                "quarantined drops: " + alg.metrics());
        assertEquals(icmpBefore, topology.icmpProtocolUnreachableSent(), "ICMP protocol-unreachable from the gateway");
    }

    @Test
    void accessListDeniesOneClientAndAdmitsTheOther() {
        Subnet second = Subnet.parse(topology.client(1).address().getHostAddress() + "/32");
        PptpAlg alg = gateway(PptpAlgConfig.builder().accessList(AccessList.of(second)), 0, 1);
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient denied = client(0);
        InteropCall admitted = call(client(1), server);
        byte[] frame = frame(new Random(6), 600, 6);
        assertArrayEquals(frame, admitted.clientToServer(frame, TIMEOUT));
        await(() -> alg.metrics().controlConnectionsRefused(RefusalReason.ACL_DENIED) >= 1,
                "the ACL denial to be counted: " + alg.metrics());
        assertThrows(AssertionFailedError.class, () -> InteropCall.establish(denied, server.awaitCall(
                Duration.ofSeconds(2)), Duration.ofSeconds(2)), "the denied client got a call");
        assertEquals(1, alg.sessions().size());
        assertEquals(topology.client(1).address(), alg.sessions().get(0).acceptedPeer().getAddress());
    }

    @Test
    void twoInstancesWithDisjointCallIdRangesBothCarryCalls() throws Exception {
        CallIdRange lower = new CallIdRange(1, 32767);
        CallIdRange upper = new CallIdRange(32768, 65535);
        PptpAlg a = gateway(PptpAlgConfig.builder().callIdRange(lower), 0);
        PptpAlg b = gateway(PptpAlgConfig.builder().callIdRange(upper), 1);
        Pptpd server = use(Pptpd.start(topology.server()));
        InteropCall one = call(client(0), server);
        InteropCall two = call(client(1), server);
        CompletableFuture<Void> x = CompletableFuture.runAsync(() -> exchangeAllSizes(one, 7));
        CompletableFuture<Void> y = CompletableFuture.runAsync(() -> exchangeAllSizes(two, 8));
        x.get(30, TimeUnit.SECONDS);
        y.get(30, TimeUnit.SECONDS);
        CallSnapshot callA = a.sessions().get(0).calls().get(0);
        CallSnapshot callB = b.sessions().get(0).calls().get(0);
        assertTrue(lower.contains(callA.acceptedGatewayCallId()) && lower.contains(callA.connectedGatewayCallId()));
        assertTrue(upper.contains(callB.acceptedGatewayCallId()) && upper.contains(callB.connectedGatewayCallId()));
        for (PptpAlg alg : List.of(a, b)) {
            MetricsSnapshot m = alg.metrics();
            // the kernel filter keeps the other instance's Call IDs away from this instance's socket
            assertEquals(0, m.greDropped(GreDropReason.NOT_FOR_THIS_INSTANCE), "an instance saw the other's GRE: " + m);
            assertTrue(m.grePackets(GreDirection.ACCEPTED_TO_CONNECTED) >= SIZES.length, m.toString());
        }
    }

    /** Sends {@code count} enhanced-GRE packets with Call ID {@code key} from {@code ns} to {@code to}. */
    static void sendGre(Netns ns, InetAddress to, int key, int count) {
        String script = "import socket,struct,sys\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)\n"
                + "key = int(sys.argv[2])\n"
                + "for i in range(int(sys.argv[3])):\n"
                + "    payload = b'\\xff\\x03\\xc0\\x21stray' + bytes([i])\n"
                + "    hdr = struct.pack('!BBHHHI', 0x30, 0x01, 0x880b, len(payload), key, 0x7000 + i)\n"
                + "    s.sendto(hdr + payload, (sys.argv[1], 0))\n";
        ns.exec(InteropFiles.PYTHON, "-c", script, to.getHostAddress(), String.valueOf(key), String.valueOf(count))
                .orThrow();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out waiting for " + what);
            }
            InteropFiles.sleep(20);
        }
    }

    /** A PPP frame (IPv4 protocol) of {@code size} bytes with a tag, rich in bytes that need escaping. */
    static byte[] frame(Random random, int size, int tag) {
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
}
