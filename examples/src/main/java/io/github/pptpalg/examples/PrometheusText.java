package io.github.pptpalg.examples;

import io.github.pptpalg.core.metrics.MetricsSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link MetricsSnapshot} in Prometheus' text exposition format, version 0.0.4: for each metric family a
 * {@code # HELP} and a {@code # TYPE} line, then its samples as {@link MetricsSnapshot#asMap()} names them.
 * Families ending in {@code _active} are gauges, those ending in {@code _total} counters, anything else untyped.
 */
public final class PrometheusText {

    /** The Content-Type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("pptp_alg_control_connections_active", "Relayed control connections open now."),
            Map.entry("pptp_alg_control_connections_total", "Control connections relayed since start."),
            Map.entry("pptp_alg_control_connections_refused_total", "Control connections refused before relaying, by reason."),
            Map.entry("pptp_alg_calls_active", "Calls relayed now, from request to teardown."),
            Map.entry("pptp_alg_calls_total", "Calls accepted for relaying since start."),
            Map.entry("pptp_alg_calls_established_total", "Calls that reached the established state."),
            Map.entry("pptp_alg_calls_closed_total", "Calls torn down: rejected, cleared, expired or closed with their connection."),
            Map.entry("pptp_alg_calls_refused_total", "Call requests the gateway refused itself, by reason."),
            Map.entry("pptp_alg_gre_packets_total", "GRE packets relayed, by direction."),
            Map.entry("pptp_alg_gre_bytes_total", "GRE bytes relayed, by direction."),
            Map.entry("pptp_alg_gre_fast_path_packets_total",
                    "Of the GRE packets relayed, those the kernel fast path (--gre-offload) relayed, by direction."),
            Map.entry("pptp_alg_gre_dropped_total", "GRE packets dropped, by reason."),
            Map.entry("pptp_alg_protocol_errors_total", "Control connections closed for a protocol error, by kind."));

    private PrometheusText() {
    }

    /** The snapshot as exposition text (ends with a newline). */
    public static String format(MetricsSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        Map<String, StringBuilder> families = new LinkedHashMap<>();
        for (Map.Entry<String, Long> sample : snapshot.asMap().entrySet()) {
            String name = sample.getKey();
            int brace = name.indexOf('{');
            String family = brace < 0 ? name : name.substring(0, brace);
            families.computeIfAbsent(family, f -> new StringBuilder())
                    .append(name).append(' ').append(sample.getValue()).append('\n');
        }
        StringBuilder text = new StringBuilder(4096);
        families.forEach((family, samples) -> text
                .append("# HELP ").append(family).append(' ').append(escapeHelp(help(family))).append('\n')
                .append("# TYPE ").append(family).append(' ').append(type(family)).append('\n')
                .append(samples));
        return text.toString();
    }

    /** The family's help text. */
    static String help(String family) {
        return HELP.getOrDefault(family, "pptp-alg metric " + family + '.');
    }

    /** {@code gauge}, {@code counter} or {@code untyped}, from the name's suffix. */
    static String type(String family) {
        return family.endsWith("_active") ? "gauge" : family.endsWith("_total") ? "counter" : "untyped";
    }

    /** HELP text escaping of format 0.0.4: backslash and line feed. */
    static String escapeHelp(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** The families this class has help for. */
    static List<String> knownFamilies() {
        return List.copyOf(HELP.keySet());
    }
}
