package io.github.pptpalg.core.policy;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One relay: the address the gateway listens on and the PPTP peer it connects each accepted client to.
 *
 * <p>Text form: {@code [listenAddress[:port],]peerAddress[:port]}. The listen address is an IPv4 literal
 * (default {@code 0.0.0.0}, port default {@value #PPTP_PORT}, 0 for an ephemeral port); the peer is an IPv4
 * literal or a host name (kept unresolved: resolved when connecting), port default {@value #PPTP_PORT}.
 * Examples: {@code 198.18.0.2}, {@code vpn.example.net:1723}, {@code 198.18.0.1,198.18.1.2},
 * {@code 0.0.0.0:11723,198.18.1.2:1723}.
 *
 * @param listen where to accept clients (resolved)
 * @param peer where to connect (resolved for a literal, unresolved for a host name)
 */
public record ProxyPair(InetSocketAddress listen, InetSocketAddress peer) {

    /** The PPTP control port, RFC 2637 section 2.1. */
    public static final int PPTP_PORT = 1723;

    public ProxyPair {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(peer, "peer");
        if (listen.isUnresolved() || !(listen.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("listen: " + listen + " (expected: an IPv4 address)");
        }
        if (peer.getPort() == 0) {
            throw new IllegalArgumentException("peer: " + peer + " (expected: a port 1..65535)");
        }
    }

    /**
     * Parses {@code [listenAddress[:port],]peerAddress[:port]}.
     *
     * @throws IllegalArgumentException naming the text and its bad part
     */
    public static ProxyPair parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.strip().split(",", -1);
        try {
            if (parts.length > 2) {
                throw new IllegalArgumentException(parts.length + " comma-separated parts (expected: [listen,]peer)");
            }
            InetSocketAddress listen = parts.length == 2
                    ? endpoint("listen", parts[0].strip(), 0, false)
                    : new InetSocketAddress(Ipv4.toInetAddress(0), PPTP_PORT);
            InetSocketAddress peer = endpoint("peer", parts[parts.length - 1].strip(), 1, true);
            return new ProxyPair(listen, peer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid proxy \"" + text + "\": " + e.getMessage(), e);
        }
    }

    private static InetSocketAddress endpoint(String what, String text, int lowestPort, boolean hostNameAllowed) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " address is empty (expected: " + expected(hostNameAllowed) + ")");
        }
        int colon = text.indexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        int port = PPTP_PORT;
        if (colon >= 0) {
            String portText = text.substring(colon + 1);
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(portText) < lowestPort || Integer.parseInt(portText) > 65535) {
                throw new IllegalArgumentException(
                        what + " port \"" + portText + "\" (expected: " + lowestPort + "..65535)");
            }
            port = Integer.parseInt(portText);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(what + " address is empty (expected: " + expected(hostNameAllowed) + ")");
        }
        if (Ipv4.looksLikeLiteral(host)) {
            try {
                return new InetSocketAddress(Ipv4.toInetAddress(Ipv4.parse(host)), port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " address: " + e.getMessage(), e);
            }
        }
        if (!hostNameAllowed) {
            throw new IllegalArgumentException(what + " address \"" + host + "\" (expected: " + expected(false) + ")");
        }
        if (!isHostName(host)) {
            throw new IllegalArgumentException(what + " address \"" + host + "\" (expected: " + expected(true) + ")");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static String expected(boolean hostNameAllowed) {
        return hostNameAllowed ? "an IPv4 address a.b.c.d or a host name" : "an IPv4 address a.b.c.d";
    }

    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters. */
    static boolean isHostName(String host) {
        if (host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The text form, {@code listen:port,peer:port}, readable by {@link #parse(String)}. */
    @Override
    public String toString() {
        return listen.getAddress().getHostAddress() + ':' + listen.getPort() + ',' + peer.getHostString() + ':' + peer.getPort();
    }
}
