package io.github.pptpalg.core.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's counters. Every update is a {@link LongAdder} increment on a pre-built, enum-indexed array:
 * cheap from many threads at once and allocation-free, so the GRE threads may count every packet.
 *
 * <p>What is counted where (the metric names are those of {@link MetricsSnapshot#asMap()}):
 * <ul>
 *   <li>{@link #controlConnectionOpened()} / {@link #controlConnectionClosed()}: a relayed control connection
 *       (both TCP legs up) begins or ends; {@code pptp_alg_control_connections_total} and {@code _active}.</li>
 *   <li>{@link #controlConnectionRefused(RefusalReason)}: a client was turned away before its connection was
 *       relayed (ACL, authorization, limits, unreachable peer).</li>
 *   <li>{@link #callOpened()}, {@link #callEstablished()}, {@link #callClosed()}, {@link #callRefused(RefusalReason)}:
 *       a call request was accepted for relaying, reached the established state, was torn down (by any path,
 *       whether or not it was ever established), or was refused by the gateway itself.</li>
 *   <li>{@link #greRelayed(GreDirection, int)} and {@link #greDropped(GreDropReason)}: the GRE relay, per packet.</li>
 *   <li>{@link #protocolError(String)}: a control connection closed for a protocol error, by kind (for example
 *       the codec exception's kind name, or {@code "protocol_violation"} for the state machine's verdict).</li>
 * </ul>
 *
 * <p>ACL denials are {@code pptp_alg_control_connections_refused_total{reason="acl_denied"}}
 * ({@link MetricsSnapshot#aclDenials()}).
 */
public final class AlgMetrics {

    /** Distinct protocol error kinds kept apart; further kinds are counted under {@link #OTHER_KIND}. */
    static final int MAX_PROTOCOL_ERROR_KINDS = 64;
    /** The kind under which protocol errors are counted once {@link #MAX_PROTOCOL_ERROR_KINDS} kinds were seen. */
    public static final String OTHER_KIND = "other";

    private static final RefusalReason[] REFUSAL_REASONS = RefusalReason.values();
    private static final GreDropReason[] DROP_REASONS = GreDropReason.values();
    private static final GreDirection[] DIRECTIONS = GreDirection.values();

    private final LongAdder controlConnectionsActive = new LongAdder();
    private final LongAdder controlConnectionsTotal = new LongAdder();
    private final LongAdder callsActive = new LongAdder();
    private final LongAdder callsTotal = new LongAdder();
    private final LongAdder callsEstablished = new LongAdder();
    private final LongAdder callsClosed = new LongAdder();
    private final LongAdder[] refused = adders(REFUSAL_REASONS.length);
    private final LongAdder[] grePackets = adders(DIRECTIONS.length);
    private final LongAdder[] greBytes = adders(DIRECTIONS.length);
    private final LongAdder[] greFastPathPackets = adders(DIRECTIONS.length);
    private final LongAdder[] greDropped = adders(DROP_REASONS.length);
    private final ConcurrentHashMap<String, LongAdder> protocolErrors = new ConcurrentHashMap<>();

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** A relayed control connection began: both legs are connected. */
    public void controlConnectionOpened() {
        controlConnectionsTotal.increment();
        controlConnectionsActive.increment();
    }

    /** A relayed control connection (one counted by {@link #controlConnectionOpened()}) ended. */
    public void controlConnectionClosed() {
        controlConnectionsActive.decrement();
    }

    /**
     * A client's control connection was refused.
     *
     * @throws IllegalArgumentException if {@code reason} is a call-level reason
     */
    public void controlConnectionRefused(RefusalReason reason) {
        if (reason.isCallRefusal()) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: a control connection reason)");
        }
        refused[reason.ordinal()].increment();
    }

    /** The gateway accepted a call request (OCRQ or ICRQ) and relays it. */
    public void callOpened() {
        callsTotal.increment();
        callsActive.increment();
    }

    /** A call reached the established state. */
    public void callEstablished() {
        callsEstablished.increment();
    }

    /** A call counted by {@link #callOpened()} was torn down, rejected by a peer, or expired. */
    public void callClosed() {
        callsActive.decrement();
        callsClosed.increment();
    }

    /**
     * The gateway refused a call request itself.
     *
     * @throws IllegalArgumentException if {@code reason} is a control connection reason
     */
    public void callRefused(RefusalReason reason) {
        if (!reason.isCallRefusal()) {
            throw new IllegalArgumentException("reason: " + reason + " (expected: a call reason)");
        }
        refused[reason.ordinal()].increment();
    }

    /** One GRE packet of {@code bytes} bytes (the IP datagram's length as relayed) was sent on. */
    public void greRelayed(GreDirection direction, int bytes) {
        int i = direction.ordinal();
        grePackets[i].increment();
        greBytes[i].add(bytes);
    }

    /** {@code packets} GRE packets of {@code bytes} bytes in all were relayed by the kernel fast path. */
    public void greRelayedByFastPath(GreDirection direction, long packets, long bytes) {
        if (packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("packets, bytes: " + packets + ", " + bytes + " (expected: >= 0)");
        }
        int i = direction.ordinal();
        grePackets[i].add(packets);
        greBytes[i].add(bytes);
        greFastPathPackets[i].add(packets);
    }

    /** One GRE packet was dropped. */
    public void greDropped(GreDropReason reason) {
        greDropped[reason.ordinal()].increment();
    }

    /**
     * A control connection was closed for a protocol error of the given kind. The first
     * {@value #MAX_PROTOCOL_ERROR_KINDS} distinct kinds are counted apart, later ones as {@value #OTHER_KIND};
     * a kind seen before costs no allocation.
     */
    public void protocolError(String kind) {
        Objects.requireNonNull(kind, "kind");
        LongAdder adder = protocolErrors.get(kind);
        if (adder == null) {
            adder = protocolErrors.size() < MAX_PROTOCOL_ERROR_KINDS
                    ? protocolErrors.computeIfAbsent(kind, k -> new LongAdder())
                    : protocolErrors.computeIfAbsent(OTHER_KIND, k -> new LongAdder());
        }
        adder.increment();
    }

    /**
     * The current values. Each counter is read once; counters updated while the snapshot is taken may or may
     * not be included (as with any {@link LongAdder#sum()}).
     */
    public MetricsSnapshot snapshot() {
        Map<RefusalReason, Long> connectionRefusals = new EnumMap<>(RefusalReason.class);
        Map<RefusalReason, Long> callRefusals = new EnumMap<>(RefusalReason.class);
        for (RefusalReason reason : REFUSAL_REASONS) {
            (reason.isCallRefusal() ? callRefusals : connectionRefusals).put(reason, refused[reason.ordinal()].sum());
        }
        Map<GreDirection, Long> packets = new EnumMap<>(GreDirection.class);
        Map<GreDirection, Long> bytes = new EnumMap<>(GreDirection.class);
        Map<GreDirection, Long> fastPath = new EnumMap<>(GreDirection.class);
        for (GreDirection direction : DIRECTIONS) {
            packets.put(direction, grePackets[direction.ordinal()].sum());
            bytes.put(direction, greBytes[direction.ordinal()].sum());
            fastPath.put(direction, greFastPathPackets[direction.ordinal()].sum());
        }
        Map<GreDropReason, Long> drops = new EnumMap<>(GreDropReason.class);
        for (GreDropReason reason : DROP_REASONS) {
            drops.put(reason, greDropped[reason.ordinal()].sum());
        }
        Map<String, Long> errors = new TreeMap<>();
        protocolErrors.forEach((kind, adder) -> errors.put(kind, adder.sum()));
        return new MetricsSnapshot(
                controlConnectionsActive.sum(), controlConnectionsTotal.sum(), connectionRefusals,
                callsActive.sum(), callsTotal.sum(), callsEstablished.sum(), callsClosed.sum(), callRefusals,
                packets, bytes, fastPath, drops, errors);
    }
}
