package io.github.pptpalg.core.policy;

import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's configuration: immutable, built with {@link #builder()} (or {@link #toBuilder()} to change a
 * copy). Every setter of the builder checks its value at once and throws {@link IllegalArgumentException} with a
 * message {@code "<field>: <value> (expected: <what>)"}; {@link Builder#build()} checks what involves several
 * values (at least one proxy, no listen address twice).
 *
 * <p>Defaults:
 * <ul>
 *   <li>{@code accessList}: {@link AccessList#allowAll()}; {@code authorizationCommands}: none (everyone allowed);</li>
 *   <li>{@code limits}: {@link Limits#defaults()}; {@code timeouts}: {@link Timeouts#defaults()};</li>
 *   <li>{@code callIdRange}: {@code 1..65535}. Call ID 0 is a valid ID, but some implementations use 0 to mean
 *       "no Call ID yet", so the gateway does not hand it out by default. Several gateway instances on one host
 *       need disjoint ranges;</li>
 *   <li>{@code callIdQuarantine}: {@link CallIdAllocator#DEFAULT_QUARANTINE}, how long a released gateway Call
 *       ID rests before reuse, so late GRE packets of a closed call cannot reach a new one;</li>
 *   <li>{@code greEventLoops}: 1 (threads reading and relaying GRE);</li>
 *   <li>{@code greReceiveBufferBytes}: 8 MiB (SO_RCVBUF of the raw GRE socket; a full receive queue makes the
 *       kernel answer with ICMP protocol-unreachable, which kills calls);</li>
 *   <li>{@code greOffloadInterfaces}: none. The network interfaces on whose ingress a kernel fast path relays
 *       the GRE packets of established calls (tc/BPF; Linux 6.7+, {@code CAP_BPF} and {@code CAP_NET_ADMIN},
 *       IPv4 forwarding enabled on them); packets it cannot handle still reach the raw socket;</li>
 *   <li>{@code maxControlMessageLength}: 1024 bytes (the largest PPTP control message is 220 bytes).</li>
 * </ul>
 */
public final class PptpAlgConfig {

    /** The default gateway Call ID range. */
    public static final CallIdRange DEFAULT_CALL_ID_RANGE = new CallIdRange(1, 0xFFFF);
    public static final int DEFAULT_GRE_EVENT_LOOPS = 1;
    public static final int MAX_GRE_EVENT_LOOPS = 64;
    public static final int DEFAULT_GRE_RECEIVE_BUFFER_BYTES = 8 << 20;
    public static final int MIN_GRE_RECEIVE_BUFFER_BYTES = 64 << 10;
    public static final int MAX_GRE_RECEIVE_BUFFER_BYTES = 1 << 30;
    public static final int DEFAULT_MAX_CONTROL_MESSAGE_LENGTH = 1024;
    /** The longest fixed-size control message (Incoming-Call-Request, RFC 2637 section 2.9). */
    public static final int MIN_MAX_CONTROL_MESSAGE_LENGTH = 220;
    /** PPTP's Length field has 16 bits. */
    public static final int MAX_MAX_CONTROL_MESSAGE_LENGTH = 0xFFFF;

    private final List<ProxyPair> proxies;
    private final AccessList accessList;
    private final List<AuthorizationCommand> authorizationCommands;
    private final Limits limits;
    private final Timeouts timeouts;
    private final CallIdRange callIdRange;
    private final Duration callIdQuarantine;
    private final int greEventLoops;
    private final int greReceiveBufferBytes;
    private final List<String> greOffloadInterfaces;
    private final int maxControlMessageLength;

    private PptpAlgConfig(Builder b) {
        proxies = List.copyOf(b.proxies);
        accessList = b.accessList;
        authorizationCommands = List.copyOf(b.authorizationCommands);
        limits = b.limits;
        timeouts = b.timeouts;
        callIdRange = b.callIdRange;
        callIdQuarantine = b.callIdQuarantine;
        greEventLoops = b.greEventLoops;
        greReceiveBufferBytes = b.greReceiveBufferBytes;
        greOffloadInterfaces = List.copyOf(b.greOffloadInterfaces);
        maxControlMessageLength = b.maxControlMessageLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.proxies.addAll(proxies);
        b.accessList = accessList;
        b.authorizationCommands.addAll(authorizationCommands);
        b.limits = limits;
        b.timeouts = timeouts;
        b.callIdRange = callIdRange;
        b.callIdQuarantine = callIdQuarantine;
        b.greEventLoops = greEventLoops;
        b.greReceiveBufferBytes = greReceiveBufferBytes;
        b.greOffloadInterfaces.addAll(greOffloadInterfaces);
        b.maxControlMessageLength = maxControlMessageLength;
        return b;
    }

    /** The relays, at least one, listen addresses distinct. */
    public List<ProxyPair> proxies() {
        return proxies;
    }

    public AccessList accessList() {
        return accessList;
    }

    /** Tried in order until one allows; empty: no authorization. */
    public List<AuthorizationCommand> authorizationCommands() {
        return authorizationCommands;
    }

    public Limits limits() {
        return limits;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** The gateway Call IDs this instance hands out. */
    public CallIdRange callIdRange() {
        return callIdRange;
    }

    /** How long a released gateway Call ID rests before reuse. */
    public Duration callIdQuarantine() {
        return callIdQuarantine;
    }

    public int greEventLoops() {
        return greEventLoops;
    }

    public int greReceiveBufferBytes() {
        return greReceiveBufferBytes;
    }

    /** Interfaces whose ingress gets the kernel GRE fast path, in the order given; empty: none. */
    public List<String> greOffloadInterfaces() {
        return greOffloadInterfaces;
    }

    public int maxControlMessageLength() {
        return maxControlMessageLength;
    }

    @Override
    public String toString() {
        return "PptpAlgConfig{proxies=" + proxies + ", accessList=" + accessList
                + ", authorizationCommands=" + authorizationCommands + ", limits=" + limits + ", timeouts=" + timeouts
                + ", callIdRange=" + callIdRange + ", callIdQuarantine=" + callIdQuarantine
                + ", greEventLoops=" + greEventLoops + ", greReceiveBufferBytes=" + greReceiveBufferBytes
                + ", greOffloadInterfaces=" + greOffloadInterfaces
                + ", maxControlMessageLength=" + maxControlMessageLength + '}';
    }

    /** Collects the values of a {@link PptpAlgConfig}; not thread-safe. */
    public static final class Builder {

        private final List<ProxyPair> proxies = new ArrayList<>();
        private AccessList accessList = AccessList.allowAll();
        private final List<AuthorizationCommand> authorizationCommands = new ArrayList<>();
        private Limits limits = Limits.defaults();
        private Timeouts timeouts = Timeouts.defaults();
        private CallIdRange callIdRange = DEFAULT_CALL_ID_RANGE;
        private Duration callIdQuarantine = CallIdAllocator.DEFAULT_QUARANTINE;
        private int greEventLoops = DEFAULT_GRE_EVENT_LOOPS;
        private int greReceiveBufferBytes = DEFAULT_GRE_RECEIVE_BUFFER_BYTES;
        private final List<String> greOffloadInterfaces = new ArrayList<>();
        private int maxControlMessageLength = DEFAULT_MAX_CONTROL_MESSAGE_LENGTH;

        private Builder() {
        }

        /** Replaces the relays. */
        public Builder proxies(List<ProxyPair> proxies) {
            Objects.requireNonNull(proxies, "proxies");
            List<ProxyPair> copy = List.copyOf(proxies);
            this.proxies.clear();
            this.proxies.addAll(copy);
            return this;
        }

        /** Adds a relay. */
        public Builder addProxy(ProxyPair proxy) {
            proxies.add(Objects.requireNonNull(proxy, "proxy"));
            return this;
        }

        /** Adds a relay given as {@link ProxyPair#parse(String)} reads it. */
        public Builder addProxy(String proxy) {
            return addProxy(ProxyPair.parse(proxy));
        }

        public Builder accessList(AccessList accessList) {
            this.accessList = Objects.requireNonNull(accessList, "accessList");
            return this;
        }

        /** Replaces the authorization commands (tried in order until one allows). */
        public Builder authorizationCommands(List<AuthorizationCommand> commands) {
            List<AuthorizationCommand> copy = List.copyOf(Objects.requireNonNull(commands, "authorizationCommands"));
            authorizationCommands.clear();
            authorizationCommands.addAll(copy);
            return this;
        }

        public Builder addAuthorizationCommand(AuthorizationCommand command) {
            authorizationCommands.add(Objects.requireNonNull(command, "authorizationCommand"));
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        public Builder callIdRange(CallIdRange callIdRange) {
            this.callIdRange = Objects.requireNonNull(callIdRange, "callIdRange");
            return this;
        }

        /**
         * How long a released gateway Call ID stays unused, so that late GRE of a dead call never reaches a new
         * one (default 10 s). Each call holds two IDs of the range, so a range of {@code n} IDs sustains at most
         * {@code n / 2 / quarantine} call set-ups per second: about 3,276 per second for the whole 16-bit range
         * and 10 s. A gateway that must set up calls faster needs a shorter quarantine or several instances.
         */
        public Builder callIdQuarantine(Duration callIdQuarantine) {
            Objects.requireNonNull(callIdQuarantine, "callIdQuarantine");
            if (callIdQuarantine.isNegative()) {
                throw new IllegalArgumentException("callIdQuarantine: " + callIdQuarantine + " (expected: >= 0)");
            }
            this.callIdQuarantine = callIdQuarantine;
            return this;
        }

        public Builder greEventLoops(int greEventLoops) {
            this.greEventLoops = check("greEventLoops", greEventLoops, 1, MAX_GRE_EVENT_LOOPS);
            return this;
        }

        public Builder greReceiveBufferBytes(int greReceiveBufferBytes) {
            this.greReceiveBufferBytes = check("greReceiveBufferBytes", greReceiveBufferBytes,
                    MIN_GRE_RECEIVE_BUFFER_BYTES, MAX_GRE_RECEIVE_BUFFER_BYTES);
            return this;
        }

        /**
         * The network interfaces (names, e.g. {@code eth0}) on whose ingress a kernel fast path relays the GRE of
         * established calls; replaces any earlier list. Empty (the default): the raw socket relays everything.
         *
         * @throws IllegalArgumentException if a name is not a Linux interface name (1 to 15 characters, no
         *     {@code /}, {@code :} or white space, not {@code .} or {@code ..}) or appears twice
         */
        public Builder greOffloadInterfaces(List<String> interfaces) {
            Objects.requireNonNull(interfaces, "interfaces");
            List<String> checked = new ArrayList<>(interfaces.size());
            for (String name : interfaces) {
                Objects.requireNonNull(name, "interface name");
                if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")
                        || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21
                                || c > 0x7e)) {
                    throw new IllegalArgumentException("greOffloadInterfaces: \"" + name
                            + "\" (expected: a network interface name, 1 to 15 printable characters without '/', "
                            + "':' or spaces)");
                }
                if (checked.contains(name)) {
                    throw new IllegalArgumentException("greOffloadInterfaces: " + name + " appears twice");
                }
                checked.add(name);
            }
            greOffloadInterfaces.clear();
            greOffloadInterfaces.addAll(checked);
            return this;
        }

        public Builder maxControlMessageLength(int maxControlMessageLength) {
            this.maxControlMessageLength = check("maxControlMessageLength", maxControlMessageLength,
                    MIN_MAX_CONTROL_MESSAGE_LENGTH, MAX_MAX_CONTROL_MESSAGE_LENGTH);
            return this;
        }

        private static int check(String name, int value, int lowest, int highest) {
            if (value < lowest || value > highest) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + lowest + ".." + highest + ")");
            }
            return value;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if there is no proxy or two proxies listen on the same address
         */
        public PptpAlgConfig build() {
            if (proxies.isEmpty()) {
                throw new IllegalArgumentException("proxies: [] (expected: at least one proxy)");
            }
            Set<InetSocketAddress> listens = new HashSet<>();
            for (ProxyPair proxy : proxies) {
                if (proxy.listen().getPort() != 0 && !listens.add(proxy.listen())) {
                    throw new IllegalArgumentException("proxies: " + proxies + " (expected: distinct listen addresses, "
                            + proxy.listen().getAddress().getHostAddress() + ':' + proxy.listen().getPort() + " twice)");
                }
            }
            return new PptpAlgConfig(this);
        }
    }
}
