package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The raw GRE socket against the real kernel: a peer namespace sends GRE to the root namespace,
 * where the socket under test runs on an epoll event loop. Needs root (namespaces, raw sockets);
 * skips with the reason otherwise, or fails when {@code pptpalg.requirePrivileged=true}.
 */
class RawGreSocketPrivilegedTest {

    private MultiThreadIoEventLoopGroup group;

    @BeforeEach
    void group() {
        GreTestNetwork.requireRawGre();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** Records (source address, Call ID) of every datagram, sends nothing. */
    private static final class Recorder implements GreDatagramHandler {
        final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void datagramReceived(ByteBuf buffer, int offset, int bytesRead, GreSendQueue sendQueue) {
            int ihl = (buffer.getUnsignedByte(offset) & 0x0F) * 4;
            int source = buffer.getInt(offset + 12);
            seen.add((source >>> 24) + "." + (source >>> 16 & 0xFF) + "." + (source >>> 8 & 0xFF) + "."
                    + (source & 0xFF) + " " + buffer.getUnsignedShort(offset + ihl + 6));
            count.incrementAndGet();
        }
    }

    @Test
    void receivesGreFromAnotherNamespaceAndTheFilterSilentlyRejectsOtherCallIds() throws Exception {
        GreTestNetwork.requireNamespaces();
        try (GreTestNetwork network = GreTestNetwork.create("grs", 1)) {
            Recorder recorder = new Recorder();
            RawGreSocket socket = RawGreSocket.open(GreCallIdFilter.forRange(40100, 40199),
                    RawGreSocketOptions.defaults(), recorder);
            socket.register(group.next()).sync();
            long icmpBefore = network.snmpCounter(0, "Icmp", "InDestUnreachs");

            network.sendGre(0, network.rootAddress(0), 20, 64, 40100, 40150, 40199, 40099, 40200, 7);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (recorder.count.get() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300); // anything else that was going to arrive has arrived
            Map<String, Integer> perSourceAndCallId = new TreeMap<>();
            recorder.seen.forEach(key -> perSourceAndCallId.merge(key, 1, Integer::sum));
            String peer = network.peerAddress(0);
            assertEquals(Map.of(peer + " 40100", 20, peer + " 40150", 20, peer + " 40199", 20), perSourceAndCallId,
                    "in-range Call IDs delivered, the others not");
            assertEquals(60, socket.receivedDatagrams());
            assertEquals(0, network.snmpCounter(0, "Icmp", "InDestUnreachs") - icmpBefore,
                    "no ICMP destination-unreachable came back for the 60 rejected packets");
            socket.closeAsync().sync();
        }
    }

    @Test
    void controlExperimentTheIcmpCounterSeesProtocolUnreachable() throws Exception {
        GreTestNetwork.requireNamespaces();
        try (GreTestNetwork network = GreTestNetwork.create("grc", 1)) {
            long before = network.snmpCounter(0, "Icmp", "InDestUnreachs");

            // Protocol 253 (RFC 3692 experimentation): nobody on the root namespace takes it.
            network.send(0, network.rootAddress(0), 253, 5, 16, 40100);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (network.snmpCounter(0, "Icmp", "InDestUnreachs") == before && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(network.snmpCounter(0, "Icmp", "InDestUnreachs") > before,
                    "an unconsumed protocol draws ICMP that the peer counts");
        }
    }

    /** Counts close() calls on the way to the real libc. */
    private static final class CountingSyscalls implements Syscalls {
        final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();

        @Override
        public int socket(int domain, int type, int protocol) {
            return NativeSyscalls.INSTANCE.socket(domain, type, protocol);
        }

        @Override
        public int setsockopt(int fd, int level, int name, long value, int length) {
            return NativeSyscalls.INSTANCE.setsockopt(fd, level, name, value, length);
        }

        @Override
        public int getsockopt(int fd, int level, int name, long value, long length) {
            return NativeSyscalls.INSTANCE.getsockopt(fd, level, name, value, length);
        }

        @Override
        public int recvmmsg(int fd, long messages, int count, int flags) {
            return NativeSyscalls.INSTANCE.recvmmsg(fd, messages, count, flags);
        }

        @Override
        public int sendmmsg(int fd, long messages, int count, int flags) {
            return NativeSyscalls.INSTANCE.sendmmsg(fd, messages, count, flags);
        }

        @Override
        public int close(int fd) {
            closes.computeIfAbsent(fd, k -> new AtomicInteger()).incrementAndGet();
            return NativeSyscalls.INSTANCE.close(fd);
        }

        @Override
        public boolean isOpen(int fd) {
            return NativeSyscalls.INSTANCE.isOpen(fd);
        }

        @Override
        public String describe(int errno) {
            return NativeSyscalls.INSTANCE.describe(errno);
        }
    }

    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void closeAsyncClosesTheDescriptorExactlyOnceEvenWhenTheLoopShutsDownAfterwards() throws Exception {
        CountingSyscalls syscalls = new CountingSyscalls();
        RawGreSocket socket = RawGreSocket.open(syscalls, GreCallIdFilter.forRange(40100, 40199),
                RawGreSocketOptions.defaults(), new Recorder());
        int fd = socket.fdValue();
        String target = fdTarget(fd);
        assertTrue(target.startsWith("socket:["), target);
        IoEventLoop loop = group.next();
        socket.register(loop).sync();

        socket.closeAsync().sync();
        socket.closeAsync().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();

        assertEquals(1, syscalls.closes.get(fd).get());
        assertEquals(1, syscalls.closes.size(), "no other descriptor closed through it");
        assertNotEquals(target, fdTarget(fd), "the socket is gone from the process");
    }

    @Test
    void aSocketIsClosedExactlyOnceWhenItsEventLoopShutsDown() throws Exception {
        CountingSyscalls syscalls = new CountingSyscalls();
        RawGreSocket socket = RawGreSocket.open(syscalls, GreCallIdFilter.forRange(40100, 40199),
                RawGreSocketOptions.defaults(), new Recorder());
        int fd = socket.fdValue();
        String target = fdTarget(fd);
        socket.register(group.next()).sync();

        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!socket.isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(socket.isClosed(), "closed by the loop or right after it ended, without closeAsync");
        socket.closeAsync().await(5, TimeUnit.SECONDS);
        socket.close();

        assertTrue(socket.isClosed());
        assertEquals(1, syscalls.closes.get(fd).get());
        assertNotEquals(target, fdTarget(fd));
    }

    @Test
    void receiveBufferIsForcedPastTheSysctlLimitAsRoot() throws Exception {
        GreTestNetwork.requireRoot();
        int requested = 16 << 20;
        RawGreSocket socket = RawGreSocket.open(GreCallIdFilter.forRange(40100, 40199),
                RawGreSocketOptions.defaults().withReceiveBufferSize(requested), new Recorder());
        try {
            int rmemMax = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/core/rmem_max")).strip());
            assertTrue(socket.receiveBufferSize() >= requested,
                    "SO_RCVBUFFORCE: " + socket.receiveBufferSize() + " (rmem_max " + rmemMax + ")");
        } finally {
            socket.closeAsync().sync();
        }
    }
}
