package io.github.pptpalg.netty.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import io.github.pptpalg.netty.interop.Exec;
import io.github.pptpalg.netty.interop.Privileged;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast path's tc program ({@link GreOffloadProgram}), decision by decision and byte for byte, run by the
 * kernel itself on frames this test builds ({@code BPF_PROG_TEST_RUN}, {@link Bpf#testRun}): the frames
 * "arrive" on a veth of the test's own, so the kernel's route and neighbour lookups answer from the routes
 * and static neighbour entries set up here. Nothing is sent: the test run only returns the program's verdict
 * and the frame as the program left it.
 *
 * <p>Set-up (root): two veth pairs in the root namespace, named {@code pgo<pid>a..d}, in one /24 of
 * 198.18.0.0/15 that nothing else uses, all with IPv4 forwarding on:
 * <pre>
 *   a  .1/28   where the frames arrive; the client is .2 (not in the egress map)
 *   b  .17/28  egress: the server .18 (neighbour entry), .19 without one, .64/28 via .18
 *   c  .33/28  egress, MTU 1280: .34 (neighbour entry)
 *   d  .49/28  not in the egress map: .50 (neighbour entry)
 * </pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GreOffloadProgramTest {

    private static final int TC_ACT_REDIRECT = 7;
    private static final int TCX_NEXT = -1;
    private static final int TTL = 61;
    private static final int SMALL_MTU = 1280;

    private static final String PREFIX = "pgo" + ProcessHandle.current().pid();
    private static final String IF_IN = PREFIX + "a";
    private static final String IF_OUT = PREFIX + "b";
    private static final String IF_SMALL = PREFIX + "c";
    private static final String IF_OTHER = PREFIX + "d";
    private static final byte[] MAC_IN = mac("02:a0:00:00:00:01");
    private static final byte[] MAC_OUT = mac("02:b0:00:00:00:11");
    private static final byte[] MAC_SMALL = mac("02:c0:00:00:00:21");
    private static final byte[] MAC_OTHER = mac("02:d0:00:00:00:31");
    private static final byte[] MAC_CLIENT = mac("02:0c:00:00:00:02");
    private static final byte[] MAC_SERVER = mac("02:5e:00:00:00:12");
    private static final byte[] MAC_SMALL_PEER = mac("02:5e:00:00:00:22");
    private static final byte[] MAC_OTHER_PEER = mac("02:5e:00:00:00:32");
    private static final int BLOCKS = 512; // /24 blocks in 198.18.0.0/15
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "pptpalg-netns.lock");

    private static int block = -1;
    private static boolean linksCreated;
    private static int inIfindex;
    private static int bindingsFd = -1;
    private static int localsFd = -1;
    private static int egressFd = -1;
    private static int programFd = -1;

    /** The bindings of the client (.2): where each Call ID's packets must go, and through which route. */
    enum Route {
        /** To the server, a neighbour on the egress link b. */
        DIRECT(0x1a2b, 18, 0x5c6d),
        /** To .70, behind the server (a route via .18): the next hop's MAC is the server's. */
        GATEWAY(0x2b3c, 70, 0x6d7e),
        /** To .34 on c, an egress interface with a 1280-byte MTU. */
        SMALL_MTU(0x3c4d, 34, 0x7e8f),
        /** To .50 on d, an interface without the fast path (not in the egress map). */
        NOT_EGRESS(0x4d5e, 50, 0x0102),
        /** To .19 on b, which has no neighbour entry. */
        NO_NEIGHBOUR(0x5e6f, 19, 0x0203);

        final int callId;
        final int outboundHost;
        final int outboundCallId;

        Route(int callId, int outboundHost, int outboundCallId) {
            this.callId = callId;
            this.outboundHost = outboundHost;
            this.outboundCallId = outboundCallId;
        }

        int outbound() {
            return host(outboundHost);
        }
    }

    @BeforeAll
    static void setUp() throws IOException {
        Privileged.require(Requirement.ROOT, Requirement.NETNS);
        try {
            GreOffload.checkHost(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                    System.getProperty("os.version", ""));
        } catch (IOException e) {
            skipOrFail(e.getMessage());
        }
        removeLinks();
        try (FileChannel lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            block = freeBlock();
            linksCreated = true;
            veth(IF_IN, MAC_IN, IF_OUT, MAC_OUT);
            veth(IF_SMALL, MAC_SMALL, IF_OTHER, MAC_OTHER);
            ip("link", "set", IF_SMALL, "mtu", String.valueOf(SMALL_MTU));
            address(IF_IN, 1);
            address(IF_OUT, 17);
            address(IF_SMALL, 33);
            address(IF_OTHER, 49);
        }
        neighbour(18, MAC_SERVER, IF_OUT);
        neighbour(34, MAC_SMALL_PEER, IF_SMALL);
        neighbour(50, MAC_OTHER_PEER, IF_OTHER);
        ip("route", "add", dotted(host(64)) + "/28", "via", dotted(host(18)), "dev", IF_OUT);
        inIfindex = ifindex(IF_IN);

        bindingsFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, GreOffloadProgram.KEY_SIZE, GreOffloadProgram.VALUE_SIZE, 16,
                "pgo_bind");
        localsFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, 4, 4, 4, "pgo_local");
        egressFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, 4, 4, 4, "pgo_egress");
        for (Route route : Route.values()) {
            Memory value = new Memory(GreOffloadProgram.VALUE_SIZE);
            value.clear();
            value.write(0, be32(route.outbound()), 0, 4);
            value.write(4, be16(route.outboundCallId), 0, 2);
            assertEquals(0, Bpf.update(bindingsFd, bindingKey(host(2), route.callId), value), "binding " + route);
        }
        assertEquals(0, Bpf.update(localsFd, memory(be32(host(1))), memory(new byte[4])), "local address");
        assertEquals(0, Bpf.update(egressFd, nativeInt(ifindex(IF_OUT)), memory(new byte[4])), "egress b");
        assertEquals(0, Bpf.update(egressFd, nativeInt(ifindex(IF_SMALL)), memory(new byte[4])), "egress c");
        programFd = Bpf.loadProgram(Bpf.PROG_TYPE_SCHED_CLS, Bpf.ATTACH_TCX_INGRESS,
                GreOffloadProgram.build(bindingsFd, localsFd, egressFd, TTL), "pgo_test");
    }

    @AfterAll
    static void tearDown() {
        Bpf.closeQuietly(programFd);
        Bpf.closeQuietly(bindingsFd);
        Bpf.closeQuietly(localsFd);
        Bpf.closeQuietly(egressFd);
        if (linksCreated) {
            removeLinks(); // the routes, addresses and neighbour entries go with the links
        }
    }

    static Stream<Arguments> relayed() {
        return Stream.of(
                Arguments.of("no S, no A, 64 bytes", Route.DIRECT, false, false, 64, tweak(f -> { })),
                Arguments.of("S, 64 bytes", Route.DIRECT, true, false, 64, tweak(f -> { })),
                Arguments.of("A, 64 bytes", Route.DIRECT, false, true, 64, tweak(f -> { })),
                Arguments.of("S and A, 64 bytes", Route.DIRECT, true, true, 64, tweak(f -> { })),
                Arguments.of("no S, no A, 1400 bytes", Route.DIRECT, false, false, 1400, tweak(f -> { })),
                Arguments.of("S and A, 1400 bytes", Route.DIRECT, true, true, 1400, tweak(f -> { })),
                Arguments.of("acknowledgment only, no payload", Route.DIRECT, false, true, 0, tweak(f -> { })),
                Arguments.of("DF clear, TOS 0", Route.DIRECT, true, true, 64, tweak(f -> {
                    f.fragment = 0;
                    f.tos = 0;
                })),
                Arguments.of("TTL 1 (the gateway is the GRE endpoint: it sends anew)", Route.DIRECT, true, false, 64,
                        tweak(f -> f.ttl = 1)),
                Arguments.of("Payload Length short of the datagram", Route.DIRECT, true, true, 64,
                        tweak(f -> f.payloadLengthDelta = -10)),
                Arguments.of("through a gateway route", Route.GATEWAY, true, true, 64, tweak(f -> { })),
                Arguments.of("MTU 1280 egress, 64 bytes", Route.SMALL_MTU, true, true, 64, tweak(f -> { })),
                Arguments.of("MTU 1280 egress, a 1280-byte datagram", Route.SMALL_MTU, true, true, 0,
                        tweak(f -> f.datagramLength(SMALL_MTU))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relayed")
    void relaysAndRewrites(String name, Route route, boolean sequence, boolean acknowledgment, int payload,
            Consumer<Frame> tweak) throws IOException {
        Frame frame = new Frame(sequence, acknowledgment, payload);
        frame.callId = route.callId;
        tweak.accept(frame);
        byte[] in = frame.bytes();
        Map<Route, long[]> before = counters();

        Bpf.TestRun run = Bpf.testRun(programFd, in, inIfindex);

        assertEquals(TC_ACT_REDIRECT, run.retval(), name + ": verdict");
        assertEquals(hex(expectedRelay(in, route)), hex(run.frame()), name + ": the frame as relayed");
        assertEquals(0xffff, onesComplementSum(run.frame(), 14, 20), name + ": header checksum of the relayed frame");
        Map<Route, long[]> after = counters();
        for (Route r : Route.values()) {
            long[] delta = {after.get(r)[0] - before.get(r)[0], after.get(r)[1] - before.get(r)[1]};
            long[] wanted = r == route ? new long[] {1, in.length - 14} : new long[] {0, 0};
            assertArrayEquals(wanted, delta, name + ": packets and bytes counted for " + r);
        }
    }

    /**
     * What the raw socket would have sent, built here from the input: next hop's and egress interface's
     * MACs, the egress interface's address as source, the binding's outbound address and Call ID, TTL
     * {@value #TTL}, TOS 0, the checksum computed anew; every other byte as received.
     */
    private static byte[] expectedRelay(byte[] in, Route route) {
        byte[] out = in.clone();
        boolean small = route == Route.SMALL_MTU;
        System.arraycopy(small ? MAC_SMALL_PEER : MAC_SERVER, 0, out, 0, 6);
        System.arraycopy(small ? MAC_SMALL : MAC_OUT, 0, out, 6, 6);
        out[14 + 8] = (byte) TTL;
        out[14 + 1] = 0; // TOS 0, as the raw socket sends
        System.arraycopy(be32(host(small ? 33 : 17)), 0, out, 14 + 12, 4);
        System.arraycopy(be32(route.outbound()), 0, out, 14 + 16, 4);
        out[14 + 10] = 0;
        out[14 + 11] = 0;
        int checksum = ~onesComplementSum(out, 14, 20) & 0xffff;
        System.arraycopy(be16(checksum), 0, out, 14 + 10, 2);
        System.arraycopy(be16(route.outboundCallId), 0, out, 14 + 20 + 6, 2);
        return out;
    }

    static Stream<Arguments> passedOn() {
        return Stream.of(
                Arguments.of("to another host's MAC (PACKET_OTHERHOST: promiscuous mode, a bridge port)",
                        tweak(f -> f.destinationMac = mac("02:a0:00:00:00:99"))),
                Arguments.of("EtherType IPv6", tweak(f -> f.etherType = 0x86dd)),
                Arguments.of("EtherType ARP", tweak(f -> f.etherType = 0x0806)),
                Arguments.of("EtherType 802.1Q", tweak(f -> f.etherType = 0x8100)),
                Arguments.of("IP version 6 in an IPv4 frame", tweak(f -> f.versionIhl = 0x65)),
                Arguments.of("IPv4 options (IHL 6)", tweak(f -> f.options = new byte[] {1, 1, 1, 0})),
                Arguments.of("More Fragments", tweak(f -> f.fragment = 0x2000)),
                Arguments.of("More Fragments and DF", tweak(f -> f.fragment = 0x6000)),
                Arguments.of("fragment offset 1 (8 bytes)", tweak(f -> f.fragment = 0x0001)),
                Arguments.of("fragment offset 185", tweak(f -> f.fragment = 185)),
                Arguments.of("fragment offset 0x1000 (high bits)", tweak(f -> f.fragment = 0x1000)),
                Arguments.of("protocol UDP", tweak(f -> f.protocol = 17)),
                Arguments.of("protocol 46", tweak(f -> f.protocol = 46)),
                Arguments.of("header checksum off by one", tweak(f -> f.checksumDelta = 1)),
                Arguments.of("header checksum zero", tweak(f -> f.checksum = 0)),
                Arguments.of("Total Length short of the frame (1 byte after the datagram)", tweak(f -> f.trailer = 1)),
                Arguments.of("Total Length short of the frame (Ethernet padding)", tweak(f -> f.trailer = 12)),
                Arguments.of("Total Length beyond the frame by 1", tweak(f -> f.totalLengthDelta = 1)),
                Arguments.of("Total Length beyond the frame by 100", tweak(f -> f.totalLengthDelta = 100)),
                Arguments.of("GRE version 0", tweak(f -> f.greFlags ^= 0x0001)),
                Arguments.of("GRE version 3", tweak(f -> f.greFlags ^= 0x0002)),
                Arguments.of("GRE protocol 0x0800", tweak(f -> f.greProtocol = 0x0800)),
                Arguments.of("GRE protocol 0x880A", tweak(f -> f.greProtocol = 0x880a)),
                Arguments.of("GRE protocol 0x0B88 (swapped)", tweak(f -> f.greProtocol = 0x0b88)),
                Arguments.of("C (checksum present)", tweak(f -> f.greFlags ^= 0x8000)),
                Arguments.of("R (routing present)", tweak(f -> f.greFlags ^= 0x4000)),
                Arguments.of("s (strict source route)", tweak(f -> f.greFlags ^= 0x0800)),
                Arguments.of("recursion 1", tweak(f -> f.greFlags ^= 0x0100)),
                Arguments.of("recursion 4", tweak(f -> f.greFlags ^= 0x0400)),
                Arguments.of("flag bit 0x40", tweak(f -> f.greFlags ^= 0x0040)),
                Arguments.of("flag bit 0x08", tweak(f -> f.greFlags ^= 0x0008)),
                Arguments.of("K (key present) missing", tweak(f -> f.greFlags ^= 0x2000)),
                Arguments.of("Payload Length beyond the datagram by 1", tweak(f -> f.payloadLengthDelta = 1)),
                Arguments.of("Payload Length 0xffff", tweak(f -> f.payloadLength = 0xffff)),
                Arguments.of("destination not one of the host's addresses", tweak(f -> f.destination = host(9))),
                Arguments.of("destination the egress interface's address (not in the locals map)",
                        tweak(f -> f.destination = host(17))),
                Arguments.of("no binding for the Call ID", tweak(f -> f.callId = 0x7777)),
                Arguments.of("the binding's Call ID from another source", tweak(f -> f.source = host(3))),
                Arguments.of("the outbound Call ID instead of the inbound one",
                        tweak(f -> f.callId = Route.DIRECT.outboundCallId)),
                Arguments.of("route through an interface without the fast path",
                        tweak(f -> f.callId = Route.NOT_EGRESS.callId)),
                Arguments.of("next hop without a neighbour entry", tweak(f -> f.callId = Route.NO_NEIGHBOUR.callId)),
                Arguments.of("datagram 1 byte over the egress MTU", tweak(f -> {
                    f.callId = Route.SMALL_MTU.callId;
                    f.datagramLength(SMALL_MTU + 1);
                })),
                Arguments.of("datagram 4 bytes over the egress MTU", tweak(f -> {
                    f.callId = Route.SMALL_MTU.callId;
                    f.datagramLength(SMALL_MTU + 4);
                })),
                Arguments.of("1400 bytes of payload to the 1280-byte MTU egress", tweak(f -> {
                    f.callId = Route.SMALL_MTU.callId;
                    f.payload = payload(1400);
                })),
                Arguments.of("frame shorter than the headers (41 bytes)", tweak(f -> f.truncate(41))),
                // (a test run refuses an IPv4 frame without a whole IPv4 header itself: EINVAL)
                Arguments.of("IPv4 header only (34 bytes)", tweak(f -> f.truncate(34))));
    }

    /** Each refusal, on frames with and without the sequence and acknowledgment numbers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("passedOn")
    void passesOnUnchanged(String name, Consumer<Frame> tweak) throws IOException {
        for (int variant = 0; variant < 4; variant++) {
            Frame frame = new Frame((variant & 1) != 0, (variant & 2) != 0, 64);
            frame.callId = Route.DIRECT.callId;
            tweak.accept(frame);
            byte[] in = frame.bytes();
            String what = name + (frame.sequence ? ", S" : "") + (frame.acknowledgment ? ", A" : "");
            Map<Route, long[]> before = counters();

            Bpf.TestRun run = Bpf.testRun(programFd, in, inIfindex);

            assertEquals(TCX_NEXT, run.retval(), what + ": verdict");
            assertEquals(hex(in), hex(run.frame()), what + ": the frame must pass on unchanged");
            Map<Route, long[]> after = counters();
            for (Route r : Route.values()) {
                assertArrayEquals(before.get(r), after.get(r), what + ": nothing counted for " + r);
            }
        }
    }

    /** The kernel's route lookup for BPF refuses to work where the frame arrived without IPv4 forwarding. */
    @Test
    void passesOnWhereTheIngressDoesNotForward() throws IOException {
        Frame frame = new Frame(true, true, 64);
        frame.callId = Route.DIRECT.callId;
        byte[] in = frame.bytes();
        Path forwarding = Path.of("/proc/sys/net/ipv4/conf", IF_IN, "forwarding");
        Bpf.TestRun run;
        writeSysctl(forwarding, "0");
        try {
            run = Bpf.testRun(programFd, in, inIfindex);
        } finally {
            writeSysctl(forwarding, "1");
        }
        assertEquals(TCX_NEXT, run.retval(), "verdict without forwarding");
        assertEquals(hex(in), hex(run.frame()), "the frame must pass on unchanged");
        assertEquals(TC_ACT_REDIRECT, Bpf.testRun(programFd, in, inIfindex).retval(), "verdict with forwarding again");
    }

    /** A GRE frame from the client (.2) to the gateway (.1) on a, valid unless a test changes a field. */
    static final class Frame {
        int etherType = 0x0800;
        byte[] destinationMac = MAC_IN;
        int versionIhl = -1; // -1: 4 and the header's length
        byte[] options = {};
        int tos = 0xb8;
        int totalLengthDelta;
        int id = 0x4d2e;
        int fragment = 0x4000; // DF
        int ttl = 128;
        int protocol = 47;
        int checksum = -1; // -1: computed
        int checksumDelta;
        int source = host(2);
        int destination = host(1);
        int greFlags;
        int greProtocol = 0x880b;
        int payloadLength = -1; // -1: the payload's
        int payloadLengthDelta;
        int callId;
        final boolean sequence;
        final boolean acknowledgment;
        byte[] payload;
        int trailer; // bytes after the datagram in the frame
        int keep = -1; // -1: the whole frame
        int totalLength = -1; // -1: the datagram's

        Frame(boolean sequence, boolean acknowledgment, int payload) {
            this.sequence = sequence;
            this.acknowledgment = acknowledgment;
            this.greFlags = 0x2001 | (sequence ? 0x1000 : 0) | (acknowledgment ? 0x0080 : 0);
            this.payload = payload(payload);
        }

        int greHeaderLength() {
            return 8 + (sequence ? 4 : 0) + (acknowledgment ? 4 : 0);
        }

        /** Sizes the payload so that the IP datagram has {@code length} bytes. */
        void datagramLength(int length) {
            payload = payload(length - 20 - options.length - greHeaderLength());
        }

        /** Keeps the first {@code length} bytes of a frame without payload, Total Length saying so. */
        void truncate(int length) {
            payload = new byte[0];
            keep = length;
            totalLength = Math.max(0, length - 14);
        }

        byte[] bytes() {
            int ipHeader = 20 + options.length;
            int datagram = ipHeader + greHeaderLength() + payload.length;
            byte[] f = new byte[14 + datagram + trailer];
            System.arraycopy(destinationMac, 0, f, 0, 6);
            System.arraycopy(MAC_CLIENT, 0, f, 6, 6);
            put16(f, 12, etherType);
            f[14] = (byte) (versionIhl >= 0 ? versionIhl : 0x40 | ipHeader / 4);
            f[15] = (byte) tos;
            put16(f, 16, (totalLength >= 0 ? totalLength : datagram) + totalLengthDelta);
            put16(f, 18, id);
            put16(f, 20, fragment);
            f[22] = (byte) ttl;
            f[23] = (byte) protocol;
            System.arraycopy(be32(source), 0, f, 26, 4);
            System.arraycopy(be32(destination), 0, f, 30, 4);
            System.arraycopy(options, 0, f, 34, options.length);
            put16(f, 24, checksum >= 0 ? checksum : (~onesComplementSum(f, 14, ipHeader) + checksumDelta) & 0xffff);
            int gre = 14 + ipHeader;
            put16(f, gre, greFlags);
            put16(f, gre + 2, greProtocol);
            put16(f, gre + 4, (payloadLength >= 0 ? payloadLength : payload.length) + payloadLengthDelta);
            put16(f, gre + 6, callId);
            int next = gre + 8;
            if (sequence) {
                System.arraycopy(be32(0x01020304), 0, f, next, 4);
                next += 4;
            }
            if (acknowledgment) {
                System.arraycopy(be32(0x0a0b0c0d), 0, f, next, 4);
                next += 4;
            }
            System.arraycopy(payload, 0, f, next, payload.length);
            Arrays.fill(f, next + payload.length, f.length, (byte) 0xee);
            return keep >= 0 ? Arrays.copyOf(f, keep) : f;
        }
    }

    private static Consumer<Frame> tweak(Consumer<Frame> tweak) {
        return tweak;
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        return payload;
    }

    /** RFC 1071: the folded 16-bit one's complement sum of {@code length} bytes at {@code offset}. */
    static int onesComplementSum(byte[] bytes, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += (bytes[offset + i] & 0xff) << 8 | bytes[offset + i + 1] & 0xff;
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    /** Packets and bytes of each binding, from the kernel's map. */
    private static Map<Route, long[]> counters() {
        Map<Route, long[]> counters = new EnumMap<>(Route.class);
        Memory value = new Memory(GreOffloadProgram.VALUE_SIZE);
        for (Route route : Route.values()) {
            assertEquals(0, Bpf.lookup(bindingsFd, bindingKey(host(2), route.callId), value), "lookup " + route);
            counters.put(route, new long[] {value.getLong(GreOffloadProgram.VALUE_PACKETS),
                value.getLong(GreOffloadProgram.VALUE_BYTES)});
        }
        return counters;
    }

    private static Memory bindingKey(int source, int callId) {
        Memory key = new Memory(GreOffloadProgram.KEY_SIZE);
        key.clear();
        key.write(0, be32(source), 0, 4);
        key.write(4, be16(callId), 0, 2);
        return key;
    }

    // ---- set-up helpers

    private static void skipOrFail(String reason) {
        if (Privileged.isRequired()) {
            Assertions.fail(reason + " (" + Privileged.REQUIRE_PROPERTY + "=true)");
        }
        Assumptions.abort(reason);
    }

    private static void veth(String name, byte[] mac, String peer, byte[] peerMac) {
        ip("link", "add", name, "address", format(mac), "type", "veth", "peer", "name", peer, "address", format(peerMac));
        for (String link : List.of(name, peer)) {
            Path ipv6 = Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6");
            if (Files.exists(ipv6)) {
                writeSysctl(ipv6, "1"); // no router solicitations or DAD between the two ends
            }
            writeSysctl(Path.of("/proc/sys/net/ipv4/conf", link, "forwarding"), "1");
        }
    }

    private static void address(String link, int host) {
        ip("addr", "add", dotted(host(host)) + "/28", "dev", link);
        ip("link", "set", link, "up");
    }

    private static void neighbour(int host, byte[] mac, String link) {
        ip("neigh", "add", dotted(host(host)), "lladdr", format(mac), "dev", link, "nud", "permanent");
    }

    private static void removeLinks() {
        Exec.run("ip", "link", "del", IF_IN); // also removes its peer
        Exec.run("ip", "link", "del", IF_SMALL);
    }

    private static void ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        Exec.run(command).orThrow();
    }

    private static void writeSysctl(Path path, String value) {
        try {
            Files.writeString(path, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private static int ifindex(String link) throws IOException {
        return Integer.parseInt(Files.readString(Path.of("/sys/class/net", link, "ifindex")).strip());
    }

    /** The first /24 of 198.18.0.0/15 that no address or route of the root namespace touches. */
    private static int freeBlock() {
        String used = (" " + Exec.run("ip", "-4", "-o", "addr", "show").orThrow().stdout()
                + " " + Exec.run("ip", "-4", "route", "show", "table", "all").orThrow().stdout()).replace('\n', ' ');
        int start = (int) ((ProcessHandle.current().pid() + BLOCKS / 2) % BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            int candidate = (start + i) % BLOCKS;
            String prefix = " 198." + (18 + candidate / 256) + "." + candidate % 256 + ".";
            if (!used.contains(prefix)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /24 left in 198.18.0.0/15 in the root namespace");
    }

    /** Host {@code n} of the test's /24, as an int (198.18.0.0 + 256 * block + n). */
    static int host(int n) {
        return 0xc6120000 + (block << 8) + n;
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    // ---- bytes

    private static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    private static String format(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] be32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static byte[] be16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    /** An interface index as the program reads it from the route lookup: a u32 in the host's byte order. */
    private static Memory nativeInt(int value) {
        Memory memory = new Memory(4);
        memory.setInt(0, value);
        return memory;
    }

    private static void put16(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 8);
        bytes[offset + 1] = (byte) value;
    }

    private static Memory memory(byte[] bytes) {
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }
}
