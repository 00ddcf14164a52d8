package io.github.pptpalg.netty.gre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.raw.GreTestNetwork;
import io.github.pptpalg.netty.raw.RawGreSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GRE plane relaying between two peer namespaces, with the root namespace (this JVM) as the
 * gateway: peer 0 plays the accepted side, peer 1 the connected side. Needs root; skips with the
 * reason otherwise, or fails when {@code pptpalg.requirePrivileged=true}.
 */
class GrePlanePrivilegedTest {

    private static final int PACKETS = 50;
    private static final int PAYLOAD = 100;
    private static final int ACCEPTED_PEER_CALL_ID = 9; // idA
    private static final int CONNECTED_PEER_CALL_ID = 7; // idC

    @ParameterizedTest(name = "{0} GRE loop(s)")
    @ValueSource(ints = {1, 2})
    void relaysBothWaysWithTheCallIdRewritten(int loops) throws Exception {
        GreTestNetwork.requireNamespaces();
        try (GreTestNetwork network = GreTestNetwork.create("grp", 2)) {
            int accepted = Ipv4Addresses.parse(network.peerAddress(0));
            int connected = Ipv4Addresses.parse(network.peerAddress(1));
            CallIdTranslationMap map = new CallIdTranslationMap();
            CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(40300, 40301));
            AlgMetrics metrics = new AlgMetrics();
            int gatewayForConnected = allocator.allocate(); // gC: what the accepted peer sends with
            int gatewayForAccepted = allocator.allocate(); // gA: what the connected peer sends with
            GreBinding toConnected = new GreBinding(accepted, gatewayForConnected, connected, CONNECTED_PEER_CALL_ID,
                    GreDirection.ACCEPTED_TO_CONNECTED);
            GreBinding toAccepted = new GreBinding(connected, gatewayForAccepted, accepted, ACCEPTED_PEER_CALL_ID,
                    GreDirection.CONNECTED_TO_ACCEPTED);
            assertTrue(map.putIfAbsent(toConnected));
            assertTrue(map.putIfAbsent(toAccepted));
            GrePlane plane = GrePlane.builder().translationMap(map).allocator(allocator).metrics(metrics)
                    .directions(binding -> (GreDirection) binding.owner()).loops(loops).build();
            try {
                plane.start().get(10, TimeUnit.SECONDS);
                assertEquals(loops, plane.sockets().size());
                GreTestNetwork.GreReceiver atConnected = network.startReceiver(1, PACKETS, Duration.ofSeconds(8));
                GreTestNetwork.GreReceiver atAccepted = network.startReceiver(0, PACKETS, Duration.ofSeconds(8));

                // A live Call ID from the wrong peer is dropped, not relayed.
                network.sendGre(0, network.rootAddress(0), 5, PAYLOAD, gatewayForAccepted);
                network.sendGre(0, network.rootAddress(0), PACKETS, PAYLOAD, gatewayForConnected);
                network.sendGre(1, network.rootAddress(1), PACKETS, PAYLOAD, gatewayForAccepted);

                assertEquals(expected(network.rootAddress(1), CONNECTED_PEER_CALL_ID),
                        atConnected.packets(Duration.ofSeconds(10)), "at the connected peer");
                assertEquals(expected(network.rootAddress(0), ACCEPTED_PEER_CALL_ID),
                        atAccepted.packets(Duration.ofSeconds(10)), "at the accepted peer");

                MetricsSnapshot snapshot = metrics.snapshot();
                assertEquals(PACKETS, snapshot.grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
                assertEquals(PACKETS, snapshot.grePackets(GreDirection.CONNECTED_TO_ACCEPTED));
                assertEquals((long) PACKETS * (20 + 12 + PAYLOAD), snapshot.greBytes(GreDirection.ACCEPTED_TO_CONNECTED));
                assertEquals(PACKETS, toConnected.packets());
                assertEquals(PACKETS, toAccepted.packets());
                assertEquals(5, snapshot.greDropped(GreDropReason.WRONG_SOURCE_ADDRESS));
                long sent = 0;
                for (RawGreSocket socket : plane.sockets()) {
                    sent += socket.sentDatagrams();
                    assertTrue(socket.receivedDatagrams() > 0, "every loop has its slice of the traffic: " + socket);
                }
                assertEquals(2 * PACKETS, sent);
            } finally {
                plane.close().get(10, TimeUnit.SECONDS);
            }
            for (RawGreSocket socket : plane.sockets()) {
                assertTrue(socket.isClosed(), socket.toString());
            }
        }
    }

    /** One line per packet, in order: from the gateway's address on that link, the peer's own Call ID. */
    private static List<String> expected(String gatewayAddress, int callId) {
        List<String> lines = new ArrayList<>();
        for (int sequence = 0; sequence < PACKETS; sequence++) {
            lines.add(gatewayAddress + " " + callId + " " + sequence + " " + (12 + PAYLOAD));
        }
        return lines;
    }
}
