package io.github.pptpalg.examples;

import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Writes the live control connections and their calls as JSON (RFC 8259), for {@code GET /sessions}:
 * <pre>
 * [{"id":1,"acceptedPeer":"198.18.0.5:40000","connectedPeer":"198.18.1.2:1723","state":"ESTABLISHED",
 *   "ageSeconds":12.5,
 *   "calls":[{"id":3,"type":"OUTGOING","pnsSide":"ACCEPTED","state":"ESTABLISHED",
 *             "acceptedCallId":4660,"acceptedGatewayCallId":2001,"connectedCallId":128,"connectedGatewayCallId":2002,
 *             "acceptedToConnected":{"packets":10,"bytes":1200},"connectedToAccepted":{"packets":9,"bytes":980},
 *             "ageSeconds":11.0}]}]
 * </pre>
 * The Call ID translations: the accepted peer's {@code acceptedCallId} is shown to the connected peer as
 * {@code acceptedGatewayCallId}, the connected peer's {@code connectedCallId} to the accepted peer as
 * {@code connectedGatewayCallId}. A Call ID not known yet is {@code null}.
 */
public final class SessionsJson {

    /** The Content-Type of the document. */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private SessionsJson() {
    }

    /** The connections as a JSON array. */
    public static String format(List<ConnectionSnapshot> connections) {
        Objects.requireNonNull(connections, "connections");
        StringBuilder json = new StringBuilder(256 + connections.size() * 512);
        json.append('[');
        for (int i = 0; i < connections.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            connection(json, connections.get(i));
        }
        return json.append(']').toString();
    }

    private static void connection(StringBuilder json, ConnectionSnapshot c) {
        json.append("{\"id\":").append(c.id());
        json.append(",\"acceptedPeer\":");
        string(json, address(c.acceptedPeer()));
        json.append(",\"connectedPeer\":");
        string(json, address(c.connectedPeer()));
        json.append(",\"state\":");
        string(json, c.state() == null ? null : c.state().name());
        json.append(",\"ageSeconds\":").append(seconds(c.age()));
        json.append(",\"calls\":[");
        List<CallSnapshot> calls = c.calls();
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            call(json, calls.get(i));
        }
        json.append("]}");
    }

    private static void call(StringBuilder json, CallSnapshot call) {
        json.append("{\"id\":").append(call.id());
        json.append(",\"type\":");
        string(json, call.type() == null ? null : call.type().name());
        json.append(",\"pnsSide\":");
        string(json, call.pnsSide() == null ? null : call.pnsSide().name());
        json.append(",\"state\":");
        string(json, call.state() == null ? null : call.state().name());
        callId(json, "acceptedCallId", call.acceptedCallId());
        callId(json, "acceptedGatewayCallId", call.acceptedGatewayCallId());
        callId(json, "connectedCallId", call.connectedCallId());
        callId(json, "connectedGatewayCallId", call.connectedGatewayCallId());
        json.append(",\"acceptedToConnected\":{\"packets\":").append(call.acceptedToConnectedPackets())
                .append(",\"bytes\":").append(call.acceptedToConnectedBytes()).append('}');
        json.append(",\"connectedToAccepted\":{\"packets\":").append(call.connectedToAcceptedPackets())
                .append(",\"bytes\":").append(call.connectedToAcceptedBytes()).append('}');
        json.append(",\"ageSeconds\":").append(seconds(call.age()));
        json.append('}');
    }

    private static void callId(StringBuilder json, String name, int callId) {
        json.append(",\"").append(name).append("\":");
        if (callId < 0) {
            json.append("null");
        } else {
            json.append(callId);
        }
    }

    private static String seconds(Duration age) {
        return age == null ? "null" : BigDecimal.valueOf(age.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** {@code a.b.c.d:port}, {@code [v6]:port}, or {@code host:port} for an unresolved address; null stays null. */
    static String address(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        if (address.isUnresolved() || address.getAddress() == null) {
            return address.getHostString() + ':' + address.getPort();
        }
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? '[' + host + ']' : host) + ':' + address.getPort();
    }

    /** Appends {@code text} as a JSON string (or {@code null}), escaping quotes, backslashes and control characters. */
    static void string(StringBuilder json, String text) {
        if (text == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
