package io.github.pptpalg.netty.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One network namespace of a {@link NetnsTopology}, or the root namespace (the test JVM's own,
 * which plays the gateway). A namespace other than the root is joined to the root by one veth
 * pair: {@link #address()} is its end, {@link #gatewayAddress()} the root's end (on interface
 * {@link #gatewayInterface()}), each in its own /30 inside 198.18.0.0/15.
 */
public final class Netns {

    private static final Netns ROOT = new Netns(null, null, null, null, null);

    private final String name;
    private final String role;
    private final Inet4Address address;
    private final Inet4Address gatewayAddress;
    private final String gatewayInterface;

    Netns(String name, String role, Inet4Address address, Inet4Address gatewayAddress, String gatewayInterface) {
        this.name = name;
        this.role = role;
        this.address = address;
        this.gatewayAddress = gatewayAddress;
        this.gatewayInterface = gatewayInterface;
    }

    /** The test JVM's own namespace, where the gateway under test runs. */
    public static Netns root() {
        return ROOT;
    }

    public boolean isRoot() {
        return name == null;
    }

    /** The namespace's name for {@code ip netns}; {@code null} for the root. */
    public String name() {
        return name;
    }

    /** This namespace's address on its link to the root ({@code null} for the root). */
    public Inet4Address address() {
        return address;
    }

    /** The root's address on the link to this namespace: where a gateway listens for it. */
    public Inet4Address gatewayAddress() {
        return gatewayAddress;
    }

    /** The root's veth interface towards this namespace. */
    public String gatewayInterface() {
        return gatewayInterface;
    }

    /** {@code command} prefixed so that it runs in this namespace. */
    public List<String> command(String... command) {
        return command(List.of(command));
    }

    public List<String> command(List<String> command) {
        List<String> argv = new ArrayList<>();
        if (!isRoot()) {
            argv.addAll(List.of("ip", "netns", "exec", name));
        }
        argv.addAll(command);
        return argv;
    }

    /** Runs a short command in this namespace (see {@link Exec#run(List)}); does not check the exit code. */
    public Exec.Result exec(String... command) {
        return Exec.run(command(command));
    }

    /** Ids of every process whose network namespace this is (for the root: not supported). */
    public List<Long> pids() {
        if (isRoot()) {
            throw new UnsupportedOperationException("pids() of the root namespace");
        }
        Exec.Result result = Exec.run("ip", "netns", "pids", name);
        if (!result.succeeded()) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /**
     * ICMP destination-unreachable messages (all codes) this namespace has sent, from its
     * {@code /proc/net/snmp} ({@code IcmpMsg: OutType3}). Exact for the topology's own
     * namespaces; for the root it counts the whole host (prefer
     * {@link NetnsTopology#icmpProtocolUnreachableSent()}).
     */
    public long icmpDestinationUnreachableSent() {
        String snmp;
        if (isRoot()) {
            try {
                snmp = Files.readString(Path.of("/proc/net/snmp"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            snmp = exec("cat", "/proc/net/snmp").orThrow().stdout();
        }
        return snmpCounter(snmp, "IcmpMsg", "OutType3");
    }

    /** The value of {@code counter} in {@code /proc/net/snmp}'s {@code group} lines; 0 if absent. */
    static long snmpCounter(String snmp, String group, String counter) {
        String[] lines = snmp.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(group + ":") && lines[i + 1].startsWith(group + ":")) {
                String[] names = lines[i].substring(group.length() + 1).trim().split("\\s+");
                String[] values = lines[i + 1].substring(group.length() + 1).trim().split("\\s+");
                for (int k = 0; k < names.length && k < values.length; k++) {
                    if (names[k].equals(counter)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return isRoot() ? "root namespace" : role + " namespace " + name + " (" + address.getHostAddress() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Netns other && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }
}
