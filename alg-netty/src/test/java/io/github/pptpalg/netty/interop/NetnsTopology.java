package io.github.pptpalg.netty.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network namespaces for interop tests: one server namespace and N client namespaces, each
 * joined by a veth pair to the <b>root namespace</b>, which plays the gateway.
 *
 * <p>Why the root namespace is the middle: the gateway under test runs in-process in the test
 * JVM, and a JVM cannot move its (event-loop) threads into another network namespace reliably.
 * So the test JVM's own namespace sits between the peers: a gateway listening on
 * {@link Netns#gatewayAddress()} of a client and connecting to {@link #server()}'s
 * {@link Netns#address()} is exactly in the path, and it is the GRE endpoint of both legs.
 * Every link is its own /30 inside one free /24 of 198.18.0.0/15 chosen per topology; each
 * namespace routes only that /24 towards the root, so nothing can leak elsewhere.
 *
 * <pre>
 *   client ns 0 (.6) --veth-- (.5) root = gateway (.1) --veth-- (.2) server ns
 *   client ns 1 (.10) -veth-- (.9)  /
 * </pre>
 *
 * <p>The root namespace does not forward between the links ({@code ip_forward} stays as it
 * is), unless the topology is built with {@link Builder#forwarding(boolean) forwarding(true)}: then
 * IPv4 forwarding is switched on for the topology's own root-side interfaces only (per-interface
 * {@code net.ipv4.conf.IF.forwarding}), so clients reach the server directly; the harness
 * self-test uses that, a gateway test does not.
 *
 * <p>When nftables is installed, the root namespace gets a table named after the topology with
 * one counter: ICMP protocol-unreachable leaving through the topology's interfaces
 * ({@link #icmpProtocolUnreachableSent()}): the "a GRE packet reached the gateway host and nobody
 * took it" signal that kills real calls.
 *
 * <p>{@link #close()} kills every process left in the namespaces, deletes the namespaces (which
 * removes the veth pairs) and the nft table; it is idempotent and also runs from a shutdown hook.
 */
public final class NetnsTopology implements AutoCloseable {

    private static final int BLOCKS = 512; // /24 blocks in 198.18.0.0/15
    private static final int MAX_CLIENTS = 62;
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "pptpalg-netns.lock");
    private static final Set<String> OPEN_NAMES = Collections.synchronizedSet(new HashSet<>());
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes (\\d+)");

    private final String name;
    private final Netns server;
    private final List<Netns> clients;
    private final boolean icmpCounter;
    private final Thread shutdownHook;
    private boolean closed;

    private NetnsTopology(String name, Netns server, List<Netns> clients, boolean icmpCounter) {
        this.name = name;
        this.server = server;
        this.clients = List.copyOf(clients);
        this.icmpCounter = icmpCounter;
        this.shutdownHook = new Thread(this::close, "netns-topology-cleanup-" + name);
    }

    /** A topology named {@code name} (e.g. {@code "pag" + pid}) with {@code clients} client namespaces. */
    public static NetnsTopology create(String name, int clients) {
        return builder(name).clients(clients).create();
    }

    /**
     * A builder for a topology named {@code name}. Namespaces are called {@code name-s},
     * {@code name-c0}, ...; root-side interfaces {@code names}, {@code namec0}, ..., so
     * {@code name} must leave room for them within Linux's 15 characters; use a prefix plus the
     * process id ({@link #defaultName(String)}).
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@code prefix} + this process's id (+ a sequence letter for the 2nd, 3rd... topology open at once). */
    public static String defaultName(String prefix) {
        String base = prefix + ProcessHandle.current().pid();
        String candidate = base;
        for (char c = 'a'; OPEN_NAMES.contains(candidate) && c <= 'z'; c++) {
            candidate = base + c;
        }
        return candidate;
    }

    public static final class Builder {
        private final String name;
        private int clients = 1;
        private boolean forwarding;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder clients(int clients) {
            if (clients < 1 || clients > MAX_CLIENTS) {
                throw new IllegalArgumentException("clients: " + clients + " (expected: 1.." + MAX_CLIENTS + ")");
            }
            this.clients = clients;
            return this;
        }

        /** Whether the root namespace routes between the topology's links (no gateway in the path). */
        public Builder forwarding(boolean forwarding) {
            this.forwarding = forwarding;
            return this;
        }

        public NetnsTopology create() {
            return NetnsTopology.build(name, clients, forwarding);
        }
    }

    private static synchronized NetnsTopology build(String name, int clientCount, boolean forwarding) {
        if (!name.matches("[a-z][a-z0-9]*") || (name + "c" + (clientCount - 1)).length() > 15) {
            throw new IllegalArgumentException("topology name: " + name
                    + " (expected: lower-case letters and digits, at most " + (14 - String.valueOf(clientCount - 1).length())
                    + " characters)");
        }
        if (!OPEN_NAMES.add(name)) {
            throw new IllegalStateException("topology name already in use in this JVM: " + name);
        }
        removeStale(name, clientCount);
        List<String> namespaces = new ArrayList<>();
        List<Netns> clients = new ArrayList<>();
        Netns server;
        boolean nft = Privileged.onPath("nft");
        NetnsTopology topology = null;
        try (FileChannel lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            int block = freeBlock();
            server = link(name, "s", "server", block, 0, namespaces);
            for (int i = 0; i < clientCount; i++) {
                clients.add(link(name, "c" + i, "client", block, i + 1, namespaces));
            }
            topology = new NetnsTopology(name, server, clients, nft);
            Runtime.getRuntime().addShutdownHook(topology.shutdownHook);
        } catch (IOException e) {
            cleanUp(name, namespaces, nft);
            OPEN_NAMES.remove(name);
            throw new UncheckedIOException("cannot lock " + LOCK_FILE, e);
        } catch (RuntimeException | Error e) {
            cleanUp(name, namespaces, false);
            OPEN_NAMES.remove(name);
            throw e;
        }
        try {
            List<Netns> all = topology.namespaces();
            if (forwarding) {
                for (Netns ns : all) {
                    writeSysctl("/proc/sys/net/ipv4/conf/" + ns.gatewayInterface() + "/forwarding", "1");
                }
            }
            if (nft) {
                StringBuilder interfaces = new StringBuilder();
                for (Netns ns : all) {
                    interfaces.append(interfaces.length() == 0 ? "" : ", ").append('"').append(ns.gatewayInterface()).append('"');
                }
                String ruleset = "table ip " + name + " {\n"
                        + "  chain icmp_out {\n"
                        + "    type filter hook output priority 0; policy accept;\n"
                        + "    oifname { " + interfaces + " } icmp type destination-unreachable icmp code prot-unreachable counter\n"
                        + "  }\n"
                        + "}\n";
                Path file = Files.createTempFile("pptpalg-nft", ".nft");
                try {
                    Files.writeString(file, ruleset);
                    Exec.run("nft", "-f", file.toString()).orThrow();
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            return topology;
        } catch (IOException e) {
            topology.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            topology.close();
            throw e;
        }
    }

    /** Creates namespace {@code name-suffix} and its veth pair; {@code index} selects the /30 in the block. */
    private static Netns link(String name, String suffix, String role, int block, int index, List<String> created) {
        String ns = name + "-" + suffix;
        String rootIf = name + suffix;
        Inet4Address rootAddress = address(block, 4 * index + 1);
        Inet4Address nsAddress = address(block, 4 * index + 2);
        String blockPrefix = address(block, 0).getHostAddress() + "/24";
        Exec.run("ip", "netns", "add", ns).orThrow();
        created.add(ns);
        Exec.run("ip", "link", "add", rootIf, "type", "veth", "peer", "name", "eth0", "netns", ns).orThrow();
        Exec.run("ip", "addr", "add", rootAddress.getHostAddress() + "/30", "dev", rootIf).orThrow();
        Exec.run("ip", "link", "set", rootIf, "up").orThrow();
        Exec.run("ip", "-n", ns, "link", "set", "lo", "up").orThrow();
        Exec.run("ip", "-n", ns, "addr", "add", nsAddress.getHostAddress() + "/30", "dev", "eth0").orThrow();
        Exec.run("ip", "-n", ns, "link", "set", "eth0", "up").orThrow();
        Exec.run("ip", "-n", ns, "route", "add", blockPrefix, "via", rootAddress.getHostAddress()).orThrow();
        return new Netns(ns, role, nsAddress, rootAddress, rootIf);
    }

    /** The first /24 of 198.18.0.0/15 that no address or route of the root namespace touches. */
    private static int freeBlock() {
        String used = (" " + Exec.run("ip", "-4", "-o", "addr", "show").orThrow().stdout()
                + " " + Exec.run("ip", "-4", "route", "show", "table", "all").orThrow().stdout()).replace('\n', ' ');
        int start = (int) (ProcessHandle.current().pid() % BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            int block = (start + i) % BLOCKS;
            String prefix = address(block, 0).getHostAddress();
            prefix = prefix.substring(0, prefix.length() - 1); // "198.18.7."
            if (!used.contains(" " + prefix)) {
                return block;
            }
        }
        throw new IllegalStateException("no free /24 left in 198.18.0.0/15 in the root namespace");
    }

    private static Inet4Address address(int block, int host) {
        byte[] bytes = {(byte) 198, (byte) (18 + block / 256), (byte) (block % 256), (byte) host};
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Leftovers of an earlier run of a process with the same id (pid reuse after a crash). */
    private static void removeStale(String name, int clientCount) {
        List<String> existing = List.of(Exec.run("ip", "netns", "list").stdout().split("\n"));
        List<String> stale = new ArrayList<>();
        for (String line : existing) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(name + "-")) {
                stale.add(ns);
            }
        }
        cleanUp(name, stale, false);
        for (int i = 0; i < clientCount; i++) {
            Exec.run("ip", "link", "del", name + "c" + i);
        }
        Exec.run("ip", "link", "del", name + "s");
    }

    private static void cleanUp(String name, List<String> namespaces, boolean nft) {
        for (String ns : namespaces) {
            killAll(ns);
            Exec.run("ip", "netns", "del", ns);
        }
        if (nft) {
            Exec.run("nft", "delete", "table", "ip", name);
        }
    }

    private static void killAll(String ns) {
        for (String line : Exec.run("ip", "netns", "pids", ns).stdout().split("\n")) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Exec.run("ip", "netns", "pids", ns).stdout().isBlank() && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    static void writeSysctl(String path, String value) {
        try {
            Files.writeString(Path.of(path), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    public String name() {
        return name;
    }

    public Netns server() {
        return server;
    }

    public Netns client(int index) {
        return clients.get(index);
    }

    public List<Netns> clients() {
        return clients;
    }

    /** The root namespace: the gateway's place. */
    public Netns gateway() {
        return Netns.root();
    }

    /** Server and client namespaces (not the root). */
    public List<Netns> namespaces() {
        List<Netns> all = new ArrayList<>();
        all.add(server);
        all.addAll(clients);
        return all;
    }

    /** Runs a short command in {@code ns} (see {@link Netns#exec(String...)}). */
    public static Exec.Result exec(Netns ns, String... command) {
        return ns.exec(command);
    }

    /**
     * ICMP protocol-unreachable messages the root namespace (the gateway) has sent into this
     * topology's links since it was created, counted by nftables on the way out. The kernel
     * rate-limits these messages (net.ipv4.icmp_ratelimit), so this counts messages sent, not
     * packets refused.
     */
    public long icmpProtocolUnreachableSent() {
        if (!icmpCounter) {
            throw new IllegalStateException("nft is not installed: no ICMP counter in the root namespace");
        }
        String table = Exec.run("nft", "list", "table", "ip", name).orThrow().stdout();
        Matcher matcher = COUNTER.matcher(table);
        if (!matcher.find()) {
            throw new IllegalStateException("no counter in nft table " + name + ": " + table);
        }
        return Long.parseLong(matcher.group(1));
    }

    /**
     * Kills what is left in the namespaces, deletes them, their veth pairs and the nft table.
     * Idempotent; returns only when the root-side interfaces are gone.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDown) {
            // running from the hook itself, or the JVM is exiting
        }
        List<String> names = new ArrayList<>();
        for (Netns ns : namespaces()) {
            names.add(ns.name());
        }
        cleanUp(name, names, icmpCounter);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Netns ns : namespaces()) {
            while (Exec.run("ip", "link", "show", ns.gatewayInterface()).succeeded() && System.nanoTime() < deadline) {
                sleep(10);
            }
        }
        OPEN_NAMES.remove(name);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NetnsTopology " + name + " (server " + server.address().getHostAddress() + ", " + clients.size() + " client(s))";
    }
}
