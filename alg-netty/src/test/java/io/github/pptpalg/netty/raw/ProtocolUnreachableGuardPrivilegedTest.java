package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The protocol-unreachable guard against the real kernel: a relaying socket whose receive queue is
 * full (it is never read) makes the kernel answer further GRE with ICMP protocol-unreachable, unless
 * the guard is open. Needs root; skips with the reason otherwise, or fails when
 * {@code pptpalg.requirePrivileged=true}.
 */
class ProtocolUnreachableGuardPrivilegedTest {

    private static final int CALL_ID = 40100;
    private static final int PACKETS = 300;

    private static final GreDatagramHandler IGNORE = (ByteBuf buffer, int offset, int bytesRead,
            GreSendQueue sendQueue) -> {
    };

    @Test
    void aFullReceiveQueueDrawsNoIcmpWhileTheGuardIsOpenAndDoesWithoutIt() throws Exception {
        GreTestNetwork.requireNamespaces();
        try (GreTestNetwork network = GreTestNetwork.create("gug", 1)) {
            // The smallest queue, never read: full after a handful of packets.
            RawGreSocket full = RawGreSocket.open(GreCallIdFilter.forRange(CALL_ID, CALL_ID),
                    RawGreSocketOptions.defaults().withReceiveBufferSize(4096), IGNORE);
            try {
                String root = network.rootAddress(0);
                long rawDropsBefore = rawDrops();

                ProtocolUnreachableGuard guard = ProtocolUnreachableGuard.open();
                long icmpBefore = network.snmpCounter(0, "Icmp", "InDestUnreachs");
                network.sendGre(0, root, PACKETS, 64, CALL_ID);
                Thread.sleep(300);
                long icmpWithGuard = network.snmpCounter(0, "Icmp", "InDestUnreachs") - icmpBefore;
                long dropsWithGuard = rawDrops() - rawDropsBefore;
                guard.close();
                assertTrue(guard.isClosed());

                assertTrue(dropsWithGuard > PACKETS / 2, "the full queue dropped most packets: " + dropsWithGuard);
                assertEquals(0, icmpWithGuard, "no ICMP destination-unreachable reached the sender with the guard open");

                // Control experiment: the same without the guard draws ICMP (the first per peer is not rate-limited).
                assumeTrue(otherGreSockets(full.fdValue()) == 0,
                        "another raw GRE socket is open in this namespace (another test?): it acts as a guard too");
                long icmpBeforeControl = network.snmpCounter(0, "Icmp", "InDestUnreachs");
                network.sendGre(0, root, PACKETS, 64, CALL_ID);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (network.snmpCounter(0, "Icmp", "InDestUnreachs") == icmpBeforeControl
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(network.snmpCounter(0, "Icmp", "InDestUnreachs") > icmpBeforeControl,
                        "without the guard the full queue draws ICMP protocol-unreachable");
            } finally {
                full.closeAsync().sync();
            }
        }
    }

    @Test
    void closeIsIdempotentAndReleasesTheDescriptor() throws Exception {
        GreTestNetwork.requireRawGre();
        ProtocolUnreachableGuard guard = ProtocolUnreachableGuard.open();
        int fd = guard.fdValue();
        assertTrue(Files.isSymbolicLink(Path.of("/proc/self/fd/" + fd)));
        assertFalse(guard.isClosed());
        guard.close();
        guard.close();
        assertTrue(guard.isClosed());
        assertTrue(guard.toString().contains("closed"), guard.toString());
    }

    /** Sum of the drops column of {@code /proc/net/raw} (this namespace). */
    private static long rawDrops() throws IOException {
        long sum = 0;
        List<String> lines = Files.readAllLines(Path.of("/proc/net/raw"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            sum += Long.parseLong(fields[fields.length - 1]);
        }
        return sum;
    }

    /** Raw sockets for protocol 47 in this namespace, besides ours ({@code /proc/net/raw}: local port = protocol). */
    private static long otherGreSockets(int ourFd) throws IOException {
        String ourInode = Files.readSymbolicLink(Path.of("/proc/self/fd/" + ourFd)).toString()
                .replaceAll("\\D", "");
        List<String> lines = Files.readAllLines(Path.of("/proc/net/raw"));
        return lines.subList(1, lines.size()).stream()
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields[1].endsWith(":002F") && !fields[9].equals(ourInode))
                .count();
    }
}
