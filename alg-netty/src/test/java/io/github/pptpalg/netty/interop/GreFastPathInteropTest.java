package io.github.pptpalg.netty.interop;

import static io.github.pptpalg.netty.interop.GatewayInteropTest.await;
import static io.github.pptpalg.netty.interop.GatewayInteropTest.frame;
import static io.github.pptpalg.netty.interop.GatewayInteropTest.sendGre;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.netty.PptpAlg;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel GRE fast path ({@code PptpAlgConfig.greOffloadInterfaces}) between real pptp-linux clients and
 * pptpd: calls work as without it, their GRE is relayed by the tc program (the fast-path counters say so),
 * and everything the program must not relay still reaches the raw socket and is dropped and counted there.
 * The root namespace (the gateway) forwards IPv4 on the test's own veths only, as the fast path requires.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GreFastPathInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int[] SIZES = {40, 64, 255, 576, 1000, 1400};

    private static NetnsTopology topology;
    private final InteropResources opened = new InteropResources();

    @BeforeAll
    static void createTopology() {
        Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.PPTPD, Requirement.PPTP_LINUX,
                Requirement.PYTHON3, Requirement.NFTABLES);
        topology = NetnsTopology.builder(NetnsTopology.defaultName("pafp")).clients(2).forwarding(true).create();
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

    private static List<String> allInterfaces() {
        List<String> interfaces = new ArrayList<>();
        for (Netns ns : topology.namespaces()) {
            interfaces.add(ns.gatewayInterface());
        }
        return interfaces;
    }

    private PptpAlg gateway(List<String> offload) {
        PptpAlgConfig.Builder builder = PptpAlgConfig.builder().greOffloadInterfaces(offload);
        InetSocketAddress server = new InetSocketAddress(topology.server().address(), Pptpd.PORT);
        for (Netns client : topology.clients()) {
            builder.addProxy(new ProxyPair(new InetSocketAddress(client.gatewayAddress(), Pptpd.PORT), server));
        }
        PptpAlg alg = PptpAlg.builder(builder.build()).build();
        opened.gateway(alg);
        return alg;
    }

    private InteropCall call(int client, Pptpd server) {
        Netns ns = topology.client(client);
        return InteropCall.establish(use(PptpClient.start(ns, ns.gatewayAddress())), server.awaitCall(TIMEOUT), TIMEOUT);
    }

    @Test
    void establishedCallsAreRelayedInTheKernelAndCountedAsBefore() throws Exception {
        long icmpBefore = topology.icmpProtocolUnreachableSent();
        // what reaches pptpd must look as the raw socket sends it: TTL the gateway host's default
        int ttl = Integer.parseInt(Netns.root().exec("cat", "/proc/sys/net/ipv4/ip_default_ttl").orThrow().stdout().strip());
        Netns serverNs = topology.server();
        serverNs.exec("nft", "add table ip ttlcheck").orThrow();
        serverNs.exec("nft", "add chain ip ttlcheck in { type filter hook input priority 0 ; }").orThrow();
        serverNs.exec("nft", "add rule ip ttlcheck in ip protocol gre ip ttl " + ttl + " counter").orThrow();
        serverNs.exec("nft", "add rule ip ttlcheck in ip protocol gre ip ttl != " + ttl + " counter").orThrow();
        use(() -> serverNs.exec("nft", "delete table ip ttlcheck"));
        PptpAlg alg = gateway(allInterfaces());
        alg.start().join();
        Pptpd server = use(Pptpd.start(topology.server()));
        InteropCall one = call(0, server);
        InteropCall two = call(1, server);
        assertEquals(4, alg.greFastPathBindings(), "two bindings per call in the kernel's map");

        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> exchange(one, 21));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> exchange(two, 22));
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        assertEquals(0, one.client().pending() + one.server().pending() + two.client().pending()
                + two.server().pending(), "frames delivered to the wrong call");
        assertEquals(0, one.server().badFcs() + one.client().badFcs() + two.server().badFcs() + two.client().badFcs());

        MetricsSnapshot m = alg.metrics();
        for (GreDirection direction : GreDirection.values()) {
            long fast = m.greFastPathPackets(direction);
            long all = m.grePackets(direction);
            assertTrue(fast >= 2 * SIZES.length, direction + ": fast path relayed " + fast + " of " + all + ": " + m);
            assertTrue(fast * 10 >= all * 9, direction + ": only " + fast + " of " + all + " through the fast path");
        }
        // the per-call counters (idle timeout, /sessions) include the kernel's packets
        for (var session : alg.sessions()) {
            CallSnapshot call = session.calls().get(0);
            assertTrue(call.acceptedToConnectedPackets() >= SIZES.length, call.toString());
            assertTrue(call.connectedToAcceptedPackets() >= SIZES.length, call.toString());
        }
        assertEquals(0, m.greDropped(GreDropReason.MALFORMED) + m.greDropped(GreDropReason.TRUNCATED), m.toString());
        assertEquals(icmpBefore, topology.icmpProtocolUnreachableSent(), "ICMP protocol-unreachable from the gateway");
        String counters = serverNs.exec("nft", "list table ip ttlcheck").orThrow().stdout();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(counters);
        assertTrue(matcher.find(), counters);
        long right = Long.parseLong(matcher.group(1));
        assertTrue(matcher.find(), counters);
        long wrong = Long.parseLong(matcher.group(1));
        assertTrue(right >= 2 * 2 * SIZES.length, "GRE with TTL " + ttl + " at pptpd: " + counters);
        assertEquals(0, wrong, "GRE with another TTL reached pptpd: " + counters);
    }

    @Test
    void whatTheFastPathMustNotRelayReachesTheRawSocketAndIsDropped() {
        PptpAlg alg = gateway(allInterfaces());
        alg.start().join();
        Pptpd server = use(Pptpd.start(topology.server()));
        PptpClient client = use(PptpClient.start(topology.client(0), topology.client(0).gatewayAddress()));
        InteropCall call = InteropCall.establish(client, server.awaitCall(TIMEOUT), TIMEOUT);
        int key = alg.sessions().get(0).calls().get(0).connectedGatewayCallId(); // the key client 0 sends with

        // the live key from the wrong source, and malformed GRE with the live key from the right source
        sendGre(topology.client(1), topology.client(1).gatewayAddress(), key, 4);
        sendMalformedGre(topology.client(0), topology.client(0).gatewayAddress(), key, 3);
        await(() -> alg.metrics().greDropped(GreDropReason.WRONG_SOURCE_ADDRESS) == 4
                && alg.metrics().greDropped(GreDropReason.MALFORMED) == 3, "the drops to be counted: " + alg.metrics());
        byte[] frame = frame(new Random(9), 300, 9);
        assertArrayEquals(frame, call.clientToServer(frame, TIMEOUT));
        assertEquals(0, call.server().pending() + call.server().badFcs(), "stray GRE reached pptpd");

        // after the hang-up the kernel's map forgets the call: its key is quarantined in the raw socket's eyes
        assertTrue(client.hangUp(TIMEOUT));
        await(() -> alg.greBindings() == 0 && alg.greFastPathBindings() == 0, "the bindings to go");
        sendGre(topology.client(0), topology.client(0).gatewayAddress(), key, 3);
        await(() -> alg.metrics().greDropped(GreDropReason.QUARANTINED_CALL_ID) == 3,
                "quarantined drops: " + alg.metrics());
    }

    @Test
    void startFailsWithWhatIsMissing() {
        String unknown = topology.name() + "zz";
        assertStartFails(List.of(unknown), "GRE fast path: no network interface " + unknown + " (in this network namespace)");
        assertStartFails(List.of("lo"), "GRE fast path: interface lo has link type 772 (expected: Ethernet, 1)");
        String first = topology.client(0).gatewayInterface();
        NetnsTopology.writeSysctl("/proc/sys/net/ipv4/conf/" + first + "/forwarding", "0");
        try {
            assertStartFails(List.of(first), "GRE fast path: IPv4 forwarding is off on " + first);
        } finally {
            NetnsTopology.writeSysctl("/proc/sys/net/ipv4/conf/" + first + "/forwarding", "1");
        }
    }

    private void assertStartFails(List<String> interfaces, String messageStart) {
        PptpAlg alg = gateway(interfaces);
        CompletionException e = assertThrows(CompletionException.class, () -> alg.start().join());
        String message = e.getCause().getMessage();
        assertTrue(message.startsWith(messageStart), message);
        // nothing stays: the listeners are free for the next gateway
        assertTrue(alg.listenAddresses().isEmpty(), alg.listenAddresses().toString());
    }

    private static void exchange(InteropCall call, int tag) {
        Random random = new Random(tag);
        for (int round = 0; round < 2; round++) {
            for (int size : SIZES) {
                byte[] up = frame(random, size, tag);
                assertArrayEquals(up, call.clientToServer(up, TIMEOUT), "call " + tag + ", client -> server, " + size);
                byte[] down = frame(random, size, tag);
                assertArrayEquals(down, call.serverToClient(down, TIMEOUT), "call " + tag + ", server -> client, " + size);
            }
        }
    }

    /** GRE whose Payload Length runs past the packet (malformed), with Call ID {@code key}. */
    private static void sendMalformedGre(Netns ns, InetAddress to, int key, int count) {
        String script = "import socket,struct,sys\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)\n"
                + "for i in range(int(sys.argv[3])):\n"
                + "    payload = b'\\xff\\x03\\x00\\x21short'\n"
                + "    hdr = struct.pack('!BBHHHI', 0x30, 0x01, 0x880b, len(payload) + 100, int(sys.argv[2]), 0x7100 + i)\n"
                + "    s.sendto(hdr + payload, (sys.argv[1], 0))\n";
        ns.exec(InteropFiles.PYTHON, "-c", script, to.getHostAddress(), String.valueOf(key), String.valueOf(count))
                .orThrow();
    }
}
