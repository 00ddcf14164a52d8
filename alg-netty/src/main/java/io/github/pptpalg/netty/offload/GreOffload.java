package io.github.pptpalg.netty.offload;

import com.sun.jna.Memory;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.gre.GreDirectionResolver;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GRE plane's kernel fast path: a tc program ({@link GreOffloadProgram}) on the ingress of chosen
 * Ethernet interfaces relays the GRE packets of established calls without waking the gateway, from a BPF
 * map that this class keeps equal to the translation map (it is the map's {@link CallIdTranslationMap.Mirror}).
 * Whatever the program cannot or may not relay (no binding yet or any more, a malformed packet, a wrong
 * source, a route through an interface without the fast path, an unresolved next hop...) continues to the
 * IP stack and the raw socket unchanged, where it is relayed or dropped and counted exactly as without the
 * fast path.
 *
 * <p>The kernel counts the packets and bytes of each binding; {@link #collect()} moves them into the
 * bindings' counters ({@link GreBinding#addRelayedElsewhere}), which the GRE idle timeout and the session
 * snapshots read, and into {@link AlgMetrics}. The gateway calls it before each idle sweep and each metrics
 * snapshot, and a removed binding's last counts are collected when it is removed.
 *
 * <p>Needs Linux 6.7 or later (tcx links since 6.6, {@code BPF_FIB_LOOKUP_SRC} since 6.7), {@code CAP_BPF}
 * and {@code CAP_NET_ADMIN}, Ethernet interfaces, and IPv4 forwarding enabled on them (the kernel's route
 * lookup for BPF refuses to work otherwise; the raw socket does not need it). {@link #open} checks each and
 * says which is missing. An interface deleted later loses the program; when one of that name exists again
 * (and qualifies), {@link #collect()} attaches the program to it again. Closing (or the process's death)
 * detaches the program: the file descriptors are its only references.
 *
 * <p>Thread-safe; the mirror calls run under the translation map's writer lock and cost one system call.
 */
public final class GreOffload implements CallIdTranslationMap.Mirror, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(GreOffload.class);

    private static final int ARPHRD_ETHER = 1;
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final Path IPV4_CONF = Path.of("/proc/sys/net/ipv4/conf");
    private static final int MAX_LOCAL_ADDRESSES = 1024;
    private static final int MAX_EGRESS_INTERFACES = 256;
    /** Entries read per BPF_MAP_LOOKUP_BATCH. */
    private static final int BATCH = 1024;

    private final List<String> interfaces;
    private final int maxBindings;
    private final AlgMetrics metrics;
    private final GreDirectionResolver directions;
    private final int bindingsFd;
    private final int localsFd;
    private final int egressFd;
    private final int programFd;
    /** Per interface: its index while the program is attached there, else -1. */
    private final int[] ifindexes;
    /** Per interface: the tcx link's descriptor while attached, else -1. */
    private final int[] linkFds;
    /** Problems with re-attaching already logged, so that each is logged once. */
    private final Set<String> reported = new HashSet<>();
    private final Map<Long, Entry> entries = new HashMap<>();
    private final Set<Integer> locals = new HashSet<>();
    private final Memory key = new Memory(GreOffloadProgram.KEY_SIZE);
    private final Memory value = new Memory(GreOffloadProgram.VALUE_SIZE);
    private final Memory batchAttr = new Memory(128);
    private final Memory batchIn = new Memory(8);
    private final Memory batchOut = new Memory(8);
    private final Memory batchKeys = new Memory((long) BATCH * GreOffloadProgram.KEY_SIZE);
    private final Memory batchValues = new Memory((long) BATCH * GreOffloadProgram.VALUE_SIZE);
    private boolean closed;

    /** A binding in the kernel's map, with the counts already collected. */
    private static final class Entry {
        final GreBinding binding;
        final GreDirection direction;
        long packets;
        long bytes;

        Entry(GreBinding binding, GreDirection direction) {
            this.binding = binding;
            this.direction = direction;
        }
    }

    private GreOffload(List<String> interfaces, int maxBindings, AlgMetrics metrics, GreDirectionResolver directions,
            int bindingsFd, int localsFd, int egressFd, int programFd) {
        this.interfaces = interfaces;
        this.maxBindings = maxBindings;
        this.metrics = metrics;
        this.directions = directions;
        this.bindingsFd = bindingsFd;
        this.localsFd = localsFd;
        this.egressFd = egressFd;
        this.programFd = programFd;
        this.ifindexes = new int[interfaces.size()];
        this.linkFds = new int[interfaces.size()];
        Arrays.fill(ifindexes, -1);
        Arrays.fill(linkFds, -1);
    }

    /**
     * Checks the host, creates the maps, loads the program and attaches it to the ingress of every
     * interface.
     *
     * @param interfaces  Ethernet interfaces, at least one; packets are relayed between them
     * @param maxBindings the most bindings the map must hold (the Call ID range's size)
     * @param metrics     where relayed packets are counted
     * @param directions  the direction of a binding
     * @throws IOException whose message says what is missing (kernel version, capability, interface,
     *     forwarding) or what the kernel refused; nothing stays attached or open
     */
    public static GreOffload open(List<String> interfaces, int maxBindings, AlgMetrics metrics,
            GreDirectionResolver directions) throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(directions, "directions");
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("interfaces: none (expected: at least one)");
        }
        if (maxBindings < 1 || maxBindings > 0x10000) {
            throw new IllegalArgumentException("maxBindings: " + maxBindings + " (expected: 1..65536)");
        }
        checkHost(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                System.getProperty("os.version", ""));
        List<Integer> ifindexes = new ArrayList<>();
        for (String name : interfaces) {
            ifindexes.add(checkInterface(name, SYS_CLASS_NET, IPV4_CONF));
        }
        int ttl = readInt(Path.of("/proc/sys/net/ipv4/ip_default_ttl"), 64);
        List<Integer> fds = new ArrayList<>();
        GreOffload offload = null;
        try {
            int bindingsFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, GreOffloadProgram.KEY_SIZE, GreOffloadProgram.VALUE_SIZE,
                    maxBindings, "pptpalg_bind");
            fds.add(bindingsFd);
            int localsFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, 4, 4, MAX_LOCAL_ADDRESSES, "pptpalg_local");
            fds.add(localsFd);
            int egressFd = Bpf.createMap(Bpf.MAP_TYPE_HASH, 4, 4, MAX_EGRESS_INTERFACES, "pptpalg_egress");
            fds.add(egressFd);
            int programFd = Bpf.loadProgram(Bpf.PROG_TYPE_SCHED_CLS, Bpf.ATTACH_TCX_INGRESS,
                    GreOffloadProgram.build(bindingsFd, localsFd, egressFd, ttl), "pptpalg_gre");
            fds.add(programFd);
            offload = new GreOffload(List.copyOf(interfaces), maxBindings, metrics, directions, bindingsFd, localsFd,
                    egressFd, programFd);
            offload.updateLocalAddresses(localAddresses());
            for (int i = 0; i < ifindexes.size(); i++) {
                offload.attach(i, ifindexes.get(i));
            }
            logger.info("GRE fast path attached to the ingress of {} ({} bindings at most, TTL {})", interfaces,
                    maxBindings, ttl);
            return offload;
        } catch (IOException | RuntimeException e) {
            if (offload != null) {
                for (int fd : offload.linkFds) {
                    Bpf.closeQuietly(fd);
                }
            }
            fds.forEach(Bpf::closeQuietly);
            throw e;
        }
    }

    /** Adds interface {@code i} ({@code ifindex}) to the egress map and attaches the program to its ingress. */
    private void attach(int i, int ifindex) throws IOException {
        String name = interfaces.get(i);
        if (!put(egressFd, ifindex, "egress interface " + name)) {
            throw new IOException("GRE fast path: cannot add interface " + name
                    + " to the egress map (see the warning above)");
        }
        try {
            linkFds[i] = Bpf.createTcxLink(programFd, ifindex, Bpf.ATTACH_TCX_INGRESS, name);
        } catch (IOException e) {
            key.setInt(0, ifindex);
            Bpf.delete(egressFd, key);
            throw e;
        }
        ifindexes[i] = ifindex;
    }

    /**
     * Follows the interfaces: one that was deleted loses its (dead) attachment; one that exists again, or was
     * re-created under its name, gets the program attached again once it qualifies (Ethernet, forwarding on).
     * Each problem is logged once.
     */
    private void followInterfaces() {
        for (int i = 0; i < interfaces.size(); i++) {
            String name = interfaces.get(i);
            int now;
            try {
                now = readInt(SYS_CLASS_NET.resolve(name).resolve("ifindex"), -1);
            } catch (IOException e) {
                now = -1;
            }
            if (now == ifindexes[i]) {
                continue;
            }
            if (ifindexes[i] >= 0) {
                Bpf.closeQuietly(linkFds[i]);
                linkFds[i] = -1;
                key.setInt(0, ifindexes[i]);
                Bpf.delete(egressFd, key);
                ifindexes[i] = -1;
                logger.warn("GRE fast path: interface {} was {}; its GRE takes the raw socket until attached again",
                        name, now < 0 ? "deleted" : "re-created");
            }
            if (now < 0) {
                continue;
            }
            try {
                checkInterface(name, SYS_CLASS_NET, IPV4_CONF);
                attach(i, now);
                reported.removeIf(problem -> problem.startsWith(name + ": "));
                logger.info("GRE fast path attached again to the ingress of {} (ifindex {})", name, now);
            } catch (IOException e) {
                if (reported.add(name + ": " + e.getMessage())) {
                    logger.warn("GRE fast path: cannot attach to {} again yet: {}", name, e.getMessage());
                }
            }
        }
    }

    /** Linux 6.7 or later on x86-64 or AArch64; else an exception saying so. */
    static void checkHost(String osName, String osArch, String osVersion) throws IOException {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new IOException("the GRE fast path needs Linux (this is " + osName + ")");
        }
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            throw new IOException("the GRE fast path supports x86-64 and AArch64 only (this is " + osArch + ")");
        }
        String[] parts = osVersion.split("[^0-9]+", 3);
        int major = parts.length > 0 && !parts[0].isEmpty() ? Integer.parseInt(parts[0]) : 0;
        int minor = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
        if (major < 6 || major == 6 && minor < 7) {
            throw new IOException("the GRE fast path needs Linux 6.7 or later (tcx links and BPF_FIB_LOOKUP_SRC); "
                    + "this kernel is " + osVersion + ": run without it");
        }
    }

    /**
     * The interface's index, after checking that it exists, is Ethernet and forwards IPv4.
     *
     * @param sysClassNet {@code /sys/class/net}
     * @param ipv4Conf    {@code /proc/sys/net/ipv4/conf}
     */
    static int checkInterface(String name, Path sysClassNet, Path ipv4Conf) throws IOException {
        int ifindex = readInt(sysClassNet.resolve(name).resolve("ifindex"), -1);
        if (ifindex < 0) {
            throw new IOException("GRE fast path: no network interface " + name + " (in this network namespace)");
        }
        int type = readInt(sysClassNet.resolve(name).resolve("type"), -1);
        if (type != ARPHRD_ETHER) {
            throw new IOException("GRE fast path: interface " + name + " has link type " + type
                    + " (expected: Ethernet, 1): run it on Ethernet interfaces only");
        }
        int forwarding = readInt(ipv4Conf.resolve(name).resolve("forwarding"), -1);
        if (forwarding != 1) {
            throw new IOException("GRE fast path: IPv4 forwarding is off on " + name
                    + " (the kernel's route lookup for BPF refuses to work without it): sysctl -w net.ipv4.conf."
                    + name + ".forwarding=1");
        }
        return ifindex;
    }

    /**
     * The number in {@code file}, or {@code missing} if there is no such file. Read as one block from offset 0:
     * the kernel's integer files in /proc/sys answer a read that does not start at 0 with end-of-file, and
     * {@code Files.readString} reads a file whose size is reported as 0 one byte at a time (it read TTL 64 as 6).
     */
    static int readInt(Path file, int missing) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return missing;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number", e);
        }
    }

    /** The interfaces the program is for, in the order given. */
    public List<String> interfaces() {
        return interfaces;
    }

    /** The index of each interface while the program is attached to it, else -1 (in {@link #interfaces()} order). */
    public synchronized int[] attachedIfindexes() {
        return ifindexes.clone();
    }

    /** Number of bindings in the kernel's map. */
    public synchronized int bindings() {
        return entries.size();
    }

    /**
     * Adds {@code binding} to the kernel's map. Never throws (the translation map has changed already): a failure
     * is logged, and the binding's packets then take the raw socket.
     */
    @Override
    public synchronized void added(GreBinding binding) {
        if (closed) {
            return;
        }
        try {
            setKey(binding);
            value.clear();
            value.setInt(0, Integer.reverseBytes(binding.outboundAddress()));
            value.setShort(4, Short.reverseBytes((short) binding.outboundCallId()));
            int result = Bpf.update(bindingsFd, key, value);
            if (result == 0) {
                entries.put(mapKey(binding), new Entry(binding, directions.directionOf(binding)));
            } else {
                logger.warn("GRE fast path: could not add {}: {}; its packets take the raw socket", describe(binding),
                        Bpf.describe(-result));
            }
        } catch (RuntimeException e) {
            logger.warn("GRE fast path: could not add {}; its packets take the raw socket", describe(binding), e);
        }
    }

    /** Removes {@code binding} from the kernel's map, its last counts collected first. Never throws. */
    @Override
    public synchronized void removed(GreBinding binding) {
        Entry entry = entries.remove(mapKey(binding));
        if (entry == null || closed) {
            return;
        }
        try {
            setKey(binding);
            if (Bpf.lookup(bindingsFd, key, value) == 0) {
                collect(entry, value, 0);
            }
            int result = Bpf.delete(bindingsFd, key);
            if (result != 0) {
                logger.warn("GRE fast path: could not remove {}: {}", describe(binding), Bpf.describe(-result));
            }
        } catch (RuntimeException e) {
            logger.warn("GRE fast path: could not remove {}", describe(binding), e);
        }
    }

    /**
     * Moves the packets the kernel relayed since the last call into the bindings' counters and the metrics
     * (reading the kernel's map in batches of {@value #BATCH} entries), and updates the host's addresses the
     * program relays for.
     */
    public void collect() {
        Set<Integer> addresses = localAddresses();
        synchronized (this) {
            if (closed) {
                return;
            }
            collectAll();
            if (addresses != null) {
                updateLocalAddresses(addresses);
            }
            followInterfaces();
        }
    }

    private void collectAll() {
        boolean first = true;
        for (int round = 0; round <= maxBindings / BATCH + 1; round++) { // bounded: the map holds at most maxBindings
            Bpf.Batch batch = Bpf.lookupBatch(bindingsFd, batchAttr, first, batchIn, batchOut, batchKeys, batchValues,
                    BATCH);
            if (batch.errno() != 0) {
                logger.warn("GRE fast path: reading the counters failed: {}", Bpf.describe(batch.errno()));
                return;
            }
            int read = batch.read();
            for (int i = 0; i < read; i++) {
                long at = (long) i * GreOffloadProgram.KEY_SIZE;
                long k = (Integer.reverseBytes(batchKeys.getInt(at)) & 0xffff_ffffL) << 16
                        | Short.reverseBytes(batchKeys.getShort(at + 4)) & 0xffff;
                Entry entry = entries.get(k);
                if (entry != null) {
                    collect(entry, batchValues, (long) i * GreOffloadProgram.VALUE_SIZE);
                }
            }
            if (batch.last()) {
                return;
            }
            batchIn.write(0, batchOut.getByteArray(0, 8), 0, 8);
            first = false;
        }
        logger.warn("GRE fast path: the kernel's map did not end after {} batches; counters may lag",
                maxBindings / BATCH + 2);
    }

    /**
     * The kernel's counts of {@code entry}, a map value at {@code offset} of {@code values}, into its binding and
     * the metrics.
     */
    private void collect(Entry entry, Memory values, long offset) {
        long packets = values.getLong(offset + GreOffloadProgram.VALUE_PACKETS);
        long bytes = values.getLong(offset + GreOffloadProgram.VALUE_BYTES);
        long newPackets = packets - entry.packets;
        long newBytes = bytes - entry.bytes;
        if (newPackets > 0 && newBytes >= 0) {
            entry.packets = packets;
            entry.bytes = bytes;
            entry.binding.addRelayedElsewhere(newPackets, newBytes);
            metrics.greRelayedByFastPath(entry.direction, newPackets, newBytes);
        }
    }

    /**
     * This host's IPv4 addresses except 127.0.0.0/8 (a frame from an Ethernet interface to a loopback address is a
     * martian the kernel drops), or null if they cannot be listed.
     */
    private static Set<Integer> localAddresses() {
        Set<Integer> now = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        byte[] b = address.getAddress();
                        now.add((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff);
                    }
                }
            }
        } catch (SocketException e) {
            logger.warn("GRE fast path: cannot list this host's addresses ({}); keeping the last list", e.getMessage());
            return null;
        }
        return now;
    }

    private void updateLocalAddresses(Set<Integer> now) {
        for (int address : now) {
            if (!locals.contains(address) && put(localsFd, Integer.reverseBytes(address),
                    "local address " + Ipv4Addresses.format(address))) {
                locals.add(address);
            }
        }
        for (var it = locals.iterator(); it.hasNext(); ) {
            int address = it.next();
            if (!now.contains(address)) {
                key.setInt(0, Integer.reverseBytes(address));
                Bpf.delete(localsFd, key);
                it.remove();
            }
        }
    }

    /** Sets the 4-byte key {@code raw} (as it is in memory) to 1 in a set-like map. */
    private boolean put(int mapFd, int raw, String what) {
        key.setInt(0, raw);
        value.setInt(0, 1);
        int result = Bpf.update(mapFd, key, value);
        if (result != 0) {
            logger.warn("GRE fast path: could not add {}: {}", what, Bpf.describe(-result));
        }
        return result == 0;
    }

    /** The map key of {@code binding}: its inbound address and Call ID as they are in the packet. */
    private void setKey(GreBinding binding) {
        key.setInt(0, Integer.reverseBytes(binding.inboundAddress()));
        key.setInt(4, Short.reverseBytes((short) binding.inboundCallId()) & 0xffff);
    }

    private static long mapKey(GreBinding binding) {
        return (binding.inboundAddress() & 0xffff_ffffL) << 16 | binding.inboundCallId();
    }

    private static String describe(GreBinding binding) {
        return "the binding of Call ID " + binding.inboundCallId() + " from "
                + Ipv4Addresses.format(binding.inboundAddress());
    }

    /** Detaches the program and frees the maps (their last counts are collected first). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        collectAll();
        closed = true;
        for (int fd : linkFds) {
            Bpf.closeQuietly(fd);
        }
        Bpf.closeQuietly(programFd);
        Bpf.closeQuietly(bindingsFd);
        Bpf.closeQuietly(localsFd);
        Bpf.closeQuietly(egressFd);
        entries.clear();
        logger.info("GRE fast path detached from {}", interfaces);
    }

    @Override
    public String toString() {
        return "GreOffload(" + interfaces + ")";
    }
}
