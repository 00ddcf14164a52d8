package io.github.pptpalg.core.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The gateway's counters at one moment, taken by {@link AlgMetrics#snapshot()}.
 *
 * <h2>Metric names</h2>
 * {@link #asMap()} names every value the way Prometheus' text format writes a sample, so the map can be
 * printed as is ({@link #toPrometheusText()} does that, with {@code # TYPE} lines). The scheme:
 * <ul>
 *   <li>every name starts with {@code pptp_alg_};</li>
 *   <li>counters end in {@code _total}, byte counters in {@code _bytes_total}; gauges (values that go down) have
 *       no suffix ({@code _active});</li>
 *   <li>labels, if any, follow in braces: {@code reason} (a {@link RefusalReason} or {@link GreDropReason} in lower
 *       case), {@code direction} ({@link GreDirection#label()}), {@code kind} (a protocol error kind in lower
 *       case, characters outside {@code [a-z0-9_]} replaced by {@code _});</li>
 *   <li>every enum label is always present, zero or not, so a series never appears out of nowhere; protocol error
 *       kinds appear once seen.</li>
 * </ul>
 * The names:
 * <pre>
 * pptp_alg_control_connections_active
 * pptp_alg_control_connections_total
 * pptp_alg_control_connections_refused_total{reason="acl_denied"}        (one per connection RefusalReason)
 * pptp_alg_calls_active
 * pptp_alg_calls_total
 * pptp_alg_calls_established_total
 * pptp_alg_calls_closed_total
 * pptp_alg_calls_refused_total{reason="call_limit"}                      (one per call RefusalReason)
 * pptp_alg_gre_packets_total{direction="accepted_to_connected"}          (and connected_to_accepted)
 * pptp_alg_gre_bytes_total{direction="accepted_to_connected"}            (and connected_to_accepted)
 * pptp_alg_gre_fast_path_packets_total{direction="accepted_to_connected"} (and connected_to_accepted)
 * pptp_alg_gre_dropped_total{reason="no_matching_call"}                  (one per GreDropReason)
 * pptp_alg_protocol_errors_total{kind="bad_magic_cookie"}                (one per kind seen)
 * </pre>
 *
 * @param controlConnectionsActive relayed control connections open now
 * @param controlConnectionsTotal relayed control connections opened since start
 * @param controlConnectionsRefused refusals per connection-level reason (every such reason is a key)
 * @param callsActive calls relayed now (from request to teardown)
 * @param callsTotal calls accepted for relaying since start
 * @param callsEstablished calls that reached the established state
 * @param callsClosed calls torn down by any path (including rejected and expired ones)
 * @param callsRefused refusals per call-level reason (every such reason is a key)
 * @param grePackets GRE packets relayed per direction
 * @param greBytes GRE bytes relayed per direction
 * @param greFastPathPackets of {@code grePackets}, those the kernel fast path relayed (zero without it)
 * @param greDropped GRE packets dropped per reason
 * @param protocolErrors control connections closed for a protocol error, per kind as reported
 */
public record MetricsSnapshot(
        long controlConnectionsActive,
        long controlConnectionsTotal,
        Map<RefusalReason, Long> controlConnectionsRefused,
        long callsActive,
        long callsTotal,
        long callsEstablished,
        long callsClosed,
        Map<RefusalReason, Long> callsRefused,
        Map<GreDirection, Long> grePackets,
        Map<GreDirection, Long> greBytes,
        Map<GreDirection, Long> greFastPathPackets,
        Map<GreDropReason, Long> greDropped,
        Map<String, Long> protocolErrors) {

    static final String PREFIX = "pptp_alg_";

    public MetricsSnapshot {
        controlConnectionsRefused = immutableEnumMap(controlConnectionsRefused, RefusalReason.class);
        callsRefused = immutableEnumMap(callsRefused, RefusalReason.class);
        grePackets = immutableEnumMap(grePackets, GreDirection.class);
        greBytes = immutableEnumMap(greBytes, GreDirection.class);
        greFastPathPackets = immutableEnumMap(greFastPathPackets, GreDirection.class);
        greDropped = immutableEnumMap(greDropped, GreDropReason.class);
        protocolErrors = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(protocolErrors, "protocolErrors")));
    }

    private static <E extends Enum<E>> Map<E, Long> immutableEnumMap(Map<E, Long> map, Class<E> type) {
        Objects.requireNonNull(map, type.getSimpleName());
        EnumMap<E, Long> copy = new EnumMap<>(type);
        copy.putAll(map);
        return Collections.unmodifiableMap(copy);
    }

    /** Refused control connections for {@code reason} (0 if absent). */
    public long controlConnectionsRefused(RefusalReason reason) {
        return controlConnectionsRefused.getOrDefault(reason, 0L);
    }

    /** Refused calls for {@code reason} (0 if absent). */
    public long callsRefused(RefusalReason reason) {
        return callsRefused.getOrDefault(reason, 0L);
    }

    /** GRE packets relayed in {@code direction}. */
    public long grePackets(GreDirection direction) {
        return grePackets.getOrDefault(direction, 0L);
    }

    /** GRE bytes relayed in {@code direction}. */
    public long greBytes(GreDirection direction) {
        return greBytes.getOrDefault(direction, 0L);
    }

    /** Of {@link #grePackets(GreDirection)}, those the kernel fast path relayed in {@code direction}. */
    public long greFastPathPackets(GreDirection direction) {
        return greFastPathPackets.getOrDefault(direction, 0L);
    }

    /** GRE packets dropped for {@code reason}. */
    public long greDropped(GreDropReason reason) {
        return greDropped.getOrDefault(reason, 0L);
    }

    /** Control connections refused because the client's address is not in the access list. */
    public long aclDenials() {
        return controlConnectionsRefused(RefusalReason.ACL_DENIED);
    }

    /** Protocol errors of all kinds. */
    public long protocolErrorsTotal() {
        return protocolErrors.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Every value under its Prometheus sample name (see the class documentation), in a stable order: the order
     * of the list above, enum labels in declaration order, protocol error kinds sorted. Kinds that normalize to
     * the same label are added up.
     */
    public Map<String, Long> asMap() {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put(PREFIX + "control_connections_active", controlConnectionsActive);
        map.put(PREFIX + "control_connections_total", controlConnectionsTotal);
        controlConnectionsRefused.forEach((reason, value) ->
                map.put(PREFIX + "control_connections_refused_total{reason=\"" + reason.label() + "\"}", value));
        map.put(PREFIX + "calls_active", callsActive);
        map.put(PREFIX + "calls_total", callsTotal);
        map.put(PREFIX + "calls_established_total", callsEstablished);
        map.put(PREFIX + "calls_closed_total", callsClosed);
        callsRefused.forEach((reason, value) ->
                map.put(PREFIX + "calls_refused_total{reason=\"" + reason.label() + "\"}", value));
        grePackets.forEach((direction, value) ->
                map.put(PREFIX + "gre_packets_total{direction=\"" + direction.label() + "\"}", value));
        greBytes.forEach((direction, value) ->
                map.put(PREFIX + "gre_bytes_total{direction=\"" + direction.label() + "\"}", value));
        greFastPathPackets.forEach((direction, value) ->
                map.put(PREFIX + "gre_fast_path_packets_total{direction=\"" + direction.label() + "\"}", value));
        greDropped.forEach((reason, value) ->
                map.put(PREFIX + "gre_dropped_total{reason=\"" + reason.label() + "\"}", value));
        Map<String, Long> errors = new TreeMap<>();
        protocolErrors.forEach((kind, value) -> errors.merge(kindLabel(kind), value, Long::sum));
        errors.forEach((kind, value) -> map.put(PREFIX + "protocol_errors_total{kind=\"" + kind + "\"}", value));
        return Collections.unmodifiableMap(map);
    }

    /**
     * The snapshot in Prometheus' text exposition format (version 0.0.4): a {@code # TYPE} line per metric
     * family, then its samples, as named by {@link #asMap()}.
     */
    public String toPrometheusText() {
        StringBuilder text = new StringBuilder(4096);
        String family = null;
        for (Map.Entry<String, Long> sample : asMap().entrySet()) {
            String name = sample.getKey();
            int brace = name.indexOf('{');
            String sampleFamily = brace < 0 ? name : name.substring(0, brace);
            if (!sampleFamily.equals(family)) {
                family = sampleFamily;
                text.append("# TYPE ").append(family).append(family.endsWith("_active") ? " gauge\n" : " counter\n");
            }
            text.append(name).append(' ').append(sample.getValue()).append('\n');
        }
        return text.toString();
    }

    /** A protocol error kind as a label value: lower case, {@code [a-z0-9_]} only, never empty. */
    static String kindLabel(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        StringBuilder label = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            label.append(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' ? c : '_');
        }
        return label.length() == 0 ? "_" : label.toString();
    }
}
