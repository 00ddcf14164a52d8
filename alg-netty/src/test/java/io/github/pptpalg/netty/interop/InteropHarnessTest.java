package io.github.pptpalg.netty.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the interop harness with no gateway at all: pptp-linux in client namespaces calls
 * pptpd in the server namespace, the root namespace merely routing between them
 * (per-interface forwarding), and PPP frames cross both ways unchanged.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InteropHarnessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int[] SIZES = {40, 41, 64, 127, 128, 255, 256, 257, 500, 576, 1000, 1279, 1399, 1400};

    private static NetnsTopology topology;

    @BeforeAll
    static void createTopology() {
        Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.PPTPD, Requirement.PPTP_LINUX,
                Requirement.PYTHON3, Requirement.NFTABLES);
        topology = NetnsTopology.builder(NetnsTopology.defaultName("pag")).clients(2).forwarding(true).create();
    }

    @AfterAll
    static void deleteTopology() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void carriesFramesOf40To1400BytesBothWaysUnchanged() {
        long icmpBefore = topology.icmpProtocolUnreachableSent();
        try (Pptpd server = Pptpd.start(topology.server());
             PptpClient client = PptpClient.start(topology.client(0), topology.server().address())) {
            InteropCall call = InteropCall.establish(client, server, TIMEOUT);
            assertEquals(topology.client(0).address().getHostAddress(), call.server().pppdOption("ipparam"));
            Random random = new Random(1723);
            for (int size : SIZES) {
                byte[] up = frame(random, size);
                assertArrayEquals(up, call.clientToServer(up, TIMEOUT), "client -> server, " + size + " bytes");
                byte[] down = frame(random, size);
                assertArrayEquals(down, call.serverToClient(down, TIMEOUT), "server -> client, " + size + " bytes");
            }
            // a burst each way at once: order and content kept
            List<byte[]> ups = new ArrayList<>();
            List<byte[]> downs = new ArrayList<>();
            for (int size : SIZES) {
                ups.add(frame(random, size));
                downs.add(frame(random, size));
            }
            for (int i = 0; i < SIZES.length; i++) {
                call.client().send(ups.get(i));
                call.server().send(downs.get(i));
            }
            for (int i = 0; i < SIZES.length; i++) {
                assertArrayEquals(ups.get(i), call.server().receive(TIMEOUT), "burst frame " + i + " client -> server");
                assertArrayEquals(downs.get(i), call.client().receive(TIMEOUT), "burst frame " + i + " server -> client");
            }
            assertEquals(0, call.client().pending());
            assertEquals(0, call.server().pending());
            assertEquals(0, call.client().badFcs() + call.server().badFcs());
        }
        assertEquals(icmpBefore, topology.icmpProtocolUnreachableSent(), "ICMP protocol-unreachable from the root namespace");
    }

    @Test
    void twoClientsAtOnceKeepTheirCallsApart() throws Exception {
        try (Pptpd server = Pptpd.start(topology.server());
             PptpClient first = PptpClient.start(topology.client(0), topology.server().address());
             PptpClient second = PptpClient.start(topology.client(1), topology.server().address())) {
            InteropCall one = InteropCall.establish(first,
                    server.awaitCallFrom(topology.client(0).address(), TIMEOUT), TIMEOUT);
            InteropCall two = InteropCall.establish(second,
                    server.awaitCallFrom(topology.client(1).address(), TIMEOUT), TIMEOUT);
            assertEquals(2, server.controlConnections().size(), "pptpctrl processes");
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> exchange(one, 1, 30));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> exchange(two, 2, 30));
            a.get(20, TimeUnit.SECONDS);
            b.get(20, TimeUnit.SECONDS);
            assertEquals(0, one.server().pending() + one.client().pending() + two.server().pending() + two.client().pending());
        }
    }

    /** Sends {@code count} tagged frames each way on {@code call} and checks each arrives, in order, only there. */
    private static void exchange(InteropCall call, int tag, int count) {
        Random random = new Random(tag);
        for (int i = 0; i < count; i++) {
            byte[] up = frame(random, 40 + random.nextInt(1361));
            up[4] = (byte) tag;
            byte[] down = frame(random, 40 + random.nextInt(1361));
            down[4] = (byte) tag;
            call.client().send(up);
            call.server().send(down);
            assertArrayEquals(up, call.server().receive(TIMEOUT), "call " + tag + " frame " + i + " client -> server");
            assertArrayEquals(down, call.client().receive(TIMEOUT), "call " + tag + " frame " + i + " server -> client");
        }
    }

    @Test
    void teardownLeavesNoProcessNamespaceInterfaceOrTable() throws Exception {
        NetnsTopology own = NetnsTopology.builder(NetnsTopology.defaultName("pag")).clients(1).forwarding(true).create();
        Pptpd server;
        List<ProcessHandle> serverProcesses;
        try {
            server = Pptpd.start(own.server());
            PptpClient client = PptpClient.start(own.client(0), own.server().address());
            InteropCall call = InteropCall.establish(client, server, TIMEOUT);
            assertEquals(2, client.processes().size(), "pptp and its call manager: " + client.processes());
            assertEquals(3, server.processes().size(), "pptpd, pptpctrl, fake pppd: " + server.processes());

            // pptp-linux hangs up when its PPP side closes; pptpd ends the call and its pptpctrl
            assertTrue(client.hangUp(TIMEOUT), "pptp still running: " + client.processes());
            assertTrue(call.server().awaitPeerClosed(TIMEOUT), "the fake pppd saw no hang-up");
            assertTrue(InteropFiles.waitGone(server.controlConnections(), TIMEOUT), "pptpctrl still running");
            assertEquals(List.of(), own.client(0).pids(), "processes left in the client namespace");
            assertEquals(List.of(server.pid()), own.server().pids(), "only pptpd itself is left in the server namespace");
            client.close();
            serverProcesses = server.processes();
            // the topology's close kills what is still running (pptpd here) before deleting namespaces
        } finally {
            own.close();
        }
        assertTrue(InteropFiles.waitGone(serverProcesses, TIMEOUT), "pptpd survived the topology's close");
        assertFalse(server.isAlive());
        server.close();
        String namespaces = Exec.run("ip", "netns", "list").orThrow().stdout();
        for (Netns ns : own.namespaces()) {
            assertFalse(namespaces.contains(ns.name()), ns.name() + " still listed: " + namespaces);
            assertFalse(Exec.run("ip", "link", "show", ns.gatewayInterface()).succeeded(), ns.gatewayInterface() + " left");
        }
        assertFalse(Exec.run("nft", "list", "table", "ip", own.name()).succeeded(), "nft table left");
        assertFalse(Files.exists(server.directory()), "pptpd work directory left");
        own.close(); // idempotent
    }

    @Test
    void icmpCountersSeeGreThatNobodyTakes() {
        Assumptions.assumeFalse(hasRawGreSocket(), "another raw GRE socket in the root namespace would take the packets");
        String send = "import socket,sys\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)\n"
                + "for _ in range(3): s.sendto(bytes.fromhex('3001880b0004abcd00000001deadbeef'), (sys.argv[1], 0))\n";
        Netns client = topology.client(0);

        long rootBefore = topology.icmpProtocolUnreachableSent();
        client.exec(InteropFiles.PYTHON, "-c", send, client.gatewayAddress().getHostAddress()).orThrow();
        assertTrue(awaitAbove(topology::icmpProtocolUnreachableSent, rootBefore),
                "no ICMP protocol-unreachable counted in the root namespace");

        long clientBefore = client.icmpDestinationUnreachableSent();
        Exec.run(InteropFiles.PYTHON, "-c", send, client.address().getHostAddress()).orThrow();
        assertTrue(awaitAbove(client::icmpDestinationUnreachableSent, clientBefore),
                "no ICMP destination-unreachable counted in " + client);
        assertNotEquals(0, topology.icmpProtocolUnreachableSent());
    }

    private static boolean awaitAbove(java.util.function.LongSupplier counter, long before) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (counter.getAsLong() > before) {
                return true;
            }
            InteropFiles.sleep(20);
        }
        return false;
    }

    private static boolean hasRawGreSocket() {
        try {
            return Files.readAllLines(Path.of("/proc/net/raw")).stream().skip(1)
                    .anyMatch(line -> line.trim().split("\\s+")[1].endsWith(":002F"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A PPP frame (address/control, IPv4 protocol) of {@code size} bytes, rich in bytes that need escaping. */
    private static byte[] frame(Random random, int size) {
        byte[] frame = new byte[size];
        random.nextBytes(frame);
        for (int i = 4; i < size; i += 7) {
            frame[i] = (byte) new int[] {0x7E, 0x7D, 0x00, 0x11, 0x13, 0x20}[random.nextInt(6)];
        }
        frame[0] = (byte) 0xFF;
        frame[1] = 0x03;
        frame[2] = 0x00;
        frame[3] = 0x21;
        return frame;
    }
}
