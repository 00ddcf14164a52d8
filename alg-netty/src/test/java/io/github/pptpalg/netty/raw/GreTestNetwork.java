package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test network for the GRE plane: {@code peers} network namespaces, each joined by a veth pair to
 * the root namespace, where the test JVM (and so the raw GRE socket under test) lives. Link
 * {@code i} is the /30 {@code 198.B.C.(4i)} of one /24 block of 198.18.0.0/15 that no address or
 * route of the root namespace uses; the root side is {@code .4i+1}, the peer {@code .4i+2}. The
 * block is chosen under the same lock file as the interop harness, so concurrent topologies never
 * collide. Peers route only the block towards the root; the root does not forward.
 *
 * <p>Traffic is sent and received inside the peers by small Python programs (raw sockets for
 * protocol 47) started with {@code ip netns exec}: other processes in other namespaces, as real
 * PPTP peers would be. {@link #close()} kills them and deletes the namespaces (and so the veths).
 */
public final class GreTestNetwork implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "pptpalg-netns.lock");
    private static final int BLOCKS = 512;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Sends GRE: dst count size protocol callId... (Call IDs in turn, sequence numbers 0..count-1
     * each), as IP protocol {@code protocol} (47, or another to provoke protocol-unreachable).
     */
    private static final String SENDER = """
            import socket, struct, sys
            dst, count, size, proto = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            ids = [int(x) for x in sys.argv[5:]]
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
            payload = bytes(range(256)) * (size // 256 + 1)
            for seq in range(count):
                for cid in ids:
                    s.sendto(struct.pack('!HHHHI', 0x3001, 0x880B, size, cid, seq) + payload[:size], (dst, 0))
            print('sent', count * len(ids), flush=True)
            """;

    /** Receives GRE until count packets or timeout seconds: prints "source callId sequence greLength". */
    private static final String RECEIVER = """
            import select, socket, struct, sys, time
            count, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            print('ready', flush=True)
            got = 0
            while got < count:
                left = deadline - time.time()
                if left <= 0 or not select.select([s], [], [], left)[0]:
                    break
                data, addr = s.recvfrom(65535)
                ihl = (data[0] & 15) * 4
                flags, proto, plen, cid = struct.unpack('!HHHH', data[ihl:ihl + 8])
                seq = struct.unpack('!I', data[ihl + 8:ihl + 12])[0] if flags & 0x1000 else -1
                print(addr[0], cid, seq, len(data) - ihl, flush=True)
                got += 1
            print('done', got, flush=True)
            """;

    private final String name;
    private final List<String> namespaces;
    private final String blockPrefix;
    private final Path scripts;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private GreTestNetwork(String name, List<String> namespaces, String blockPrefix, Path scripts) {
        this.name = name;
        this.namespaces = namespaces;
        this.blockPrefix = blockPrefix;
        this.scripts = scripts;
    }

    /**
     * Skips the calling test with {@code why} (JUnit assumption), or fails it when the system
     * property {@code pptpalg.requirePrivileged} is {@code true} (CI).
     */
    public static void skipOrFail(String why) {
        if (Boolean.getBoolean("pptpalg.requirePrivileged")) {
            fail("privileged test cannot run, and pptpalg.requirePrivileged=true: " + why);
        }
        assumeTrue(false, why);
    }

    /** Skips or fails unless raw GRE sockets are available (root or CAP_NET_RAW, Linux, epoll). */
    public static void requireRawGre() {
        if (!RawGre.isAvailable()) {
            skipOrFail("raw GRE sockets unavailable: " + RawGre.unavailabilityCause().getMessage());
        }
    }

    /** Skips or fails unless the process runs as root (CAP_NET_ADMIN for SO_RCVBUFFORCE, namespaces). */
    public static void requireRoot() {
        requireRawGre();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0")) {
                    skipOrFail("not root (" + line + "): namespaces and forced buffer sizes need root");
                }
            }
        } catch (IOException e) {
            skipOrFail("cannot read /proc/self/status: " + e);
        }
    }

    /** Skips or fails unless namespaces can be made (raw GRE, {@code ip}, python3). */
    public static void requireNamespaces() {
        requireRoot();
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            skipOrFail("the ip command (iproute2) is not installed");
        }
        if (!Files.isExecutable(Path.of(PYTHON))) {
            skipOrFail(PYTHON + " is not installed (the GRE peers are small Python programs)");
        }
        if (!Files.isDirectory(Path.of("/proc/self/ns")) || !Files.exists(Path.of("/proc/self/ns/net"))) {
            skipOrFail("network namespaces are not supported here");
        }
    }

    /** Creates {@code peers} peer namespaces named {@code prefix + pid + "p" + i}. */
    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    public static GreTestNetwork create(String prefix, int peers) {
        String name = prefix + ProcessHandle.current().pid();
        List<String> namespaces = new ArrayList<>();
        Path scripts;
        try {
            scripts = Files.createTempDirectory("gre-test-network");
            Files.writeString(scripts.resolve("send.py"), SENDER);
            Files.writeString(scripts.resolve("receive.py"), RECEIVER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GreTestNetwork network = null;
        try (FileChannel lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            int block = freeBlock();
            String blockPrefix = "198." + (18 + block / 256) + "." + (block % 256) + ".";
            network = new GreTestNetwork(name, namespaces, blockPrefix, scripts);
            for (int i = 0; i < peers; i++) {
                String ns = name + "p" + i;
                String rootSide = name + "r" + i;
                run("ip", "netns", "add", ns);
                namespaces.add(ns);
                run("ip", "link", "add", rootSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
                run("ip", "addr", "add", blockPrefix + (4 * i + 1) + "/30", "dev", rootSide);
                run("ip", "link", "set", rootSide, "up");
                run("ip", "-n", ns, "addr", "add", blockPrefix + (4 * i + 2) + "/30", "dev", "eth0");
                run("ip", "-n", ns, "link", "set", "eth0", "up");
                run("ip", "-n", ns, "link", "set", "lo", "up");
                run("ip", "-n", ns, "route", "add", blockPrefix + "0/24", "via", blockPrefix + (4 * i + 1));
            }
            return network;
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.close();
            } else {
                namespaces.forEach(ns -> runQuietly("ip", "netns", "del", ns));
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static int freeBlock() {
        String used = run("ip", "-4", "addr", "show") + " " + run("ip", "-4", "route", "show", "table", "all");
        int start = (int) (ProcessHandle.current().pid() % BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            int block = (start + i) % BLOCKS;
            String prefix = "198." + (18 + block / 256) + "." + (block % 256) + ".";
            if (!used.contains(prefix)) {
                return block;
            }
        }
        throw new IllegalStateException("no free /24 left in 198.18.0.0/15 in the root namespace");
    }

    /** The peer namespace's name. */
    public String namespace(int peer) {
        return namespaces.get(peer);
    }

    /** The peer's address as dotted quad. */
    public String peerAddress(int peer) {
        return blockPrefix + (4 * peer + 2);
    }

    /** The root namespace's address on the peer's link (where the peer sends GRE for the gateway). */
    public String rootAddress(int peer) {
        return blockPrefix + (4 * peer + 1);
    }

    /** Sends {@code count} GRE packets per Call ID from {@code peer} to {@code destination}; waits until sent. */
    public void sendGre(int peer, String destination, int count, int payloadSize, int... callIds) {
        send(peer, destination, 47, count, payloadSize, callIds);
    }

    /** Like {@link #sendGre} with another IP protocol number (the bytes are still a GRE header). */
    public void send(int peer, String destination, int protocol, int count, int payloadSize, int... callIds) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(peer), PYTHON,
                scripts.resolve("send.py").toString(), destination, Integer.toString(count),
                Integer.toString(payloadSize), Integer.toString(protocol)));
        for (int callId : callIds) {
            command.add(Integer.toString(callId));
        }
        run(command.toArray(new String[0]));
    }

    /** A GRE receiver running in {@code peer}, ready when this returns. */
    public GreReceiver startReceiver(int peer, int count, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", namespace(peer), PYTHON,
                scripts.resolve("receive.py").toString(), Integer.toString(count),
                Long.toString(Math.max(1, timeout.toSeconds()))).redirectErrorStream(true);
        try {
            Process process = builder.start();
            synchronized (processes) {
                processes.add(process);
            }
            GreReceiver receiver = new GreReceiver(process);
            String first = receiver.lines.poll(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!"ready".equals(first)) {
                throw new IllegalStateException("GRE receiver in " + namespace(peer) + " did not start: " + first);
            }
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A counter of {@code /proc/net/snmp} in the peer's namespace, e.g. ("Icmp", "InDestUnreachs"). */
    public long snmpCounter(int peer, String group, String counter) {
        return parseSnmp(run("ip", "netns", "exec", namespace(peer), "cat", "/proc/net/snmp"), group, counter);
    }

    static long parseSnmp(String snmp, String group, String counter) {
        String[] lines = snmp.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(group + ":") && lines[i + 1].startsWith(group + ":")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int j = 1; j < names.length; j++) {
                    if (names[j].equals(counter)) {
                        return Long.parseLong(values[j]);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no " + group + " " + counter + " in /proc/net/snmp");
    }

    /** Runs a command, returns its output, throws if it fails or outlives the timeout. */
    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + String.join(" ", command)
                        + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (RuntimeException ignored) {
            // cleanup: best effort
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (processes) {
            for (Process process : processes) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        for (String ns : namespaces) {
            String pids = "";
            try {
                pids = run("ip", "netns", "pids", ns).strip();
            } catch (RuntimeException ignored) {
                // already gone
            }
            for (String pid : pids.split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            // Delete the root side now: the kernel tears a deleted namespace (and the veth peer with it) down
            // asynchronously, so the next network of this JVM, which reuses the names, could find it still there.
            runQuietly("ip", "link", "del", name + "r" + ns.substring(ns.lastIndexOf('p') + 1));
            runQuietly("ip", "netns", "del", ns);
        }
        try (var files = Files.list(scripts)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(scripts);
        } catch (IOException ignored) {
            // temp files: best effort
        }
    }

    @Override
    public String toString() {
        return "GreTestNetwork(" + name + ", " + namespaces + ", " + blockPrefix + "0/24)";
    }

    /** A running GRE receiver: its output lines, one per packet. */
    public static final class GreReceiver {

        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        GreReceiver(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process killed
                }
            }, "gre-receiver-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Waits for the receiver to finish (count reached or its own timeout) and returns one
         * {@code "source callId sequence greLength"} line per packet received.
         */
        public List<String> packets(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            List<String> packets = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!process.isAlive()) {
                        break;
                    }
                    continue;
                }
                if (line.startsWith("done")) {
                    break;
                }
                packets.add(line);
            }
            return packets;
        }
    }
}
