package io.github.pptpalg.examples;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.core.session.SessionListener;
import io.github.pptpalg.core.session.Side;
import io.github.pptpalg.netty.PptpAlg;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to embed the gateway in an application: configure it, start it, listen to its events, read its
 * metrics and sessions, close it.
 *
 * <pre>
 * java -cp pptp-alg.jar io.github.pptpalg.examples.EmbeddingExample 127.0.0.1:11723,198.18.1.2 60
 * </pre>
 * relays PPTP clients connecting to 127.0.0.1:11723 to the server 198.18.1.2:1723 for 60 seconds, printing
 * events as they happen and the counters at the end. Needs CAP_NET_RAW (the GRE relay uses a raw socket).
 */
public final class EmbeddingExample implements AutoCloseable {

    private final PptpAlg alg;

    private EmbeddingExample(PptpAlg alg) {
        this.alg = alg;
    }

    /** Step 1: the configuration. Only the proxy is required; everything else shows a default being changed. */
    public static PptpAlgConfig configure(String proxy) {
        return PptpAlgConfig.builder()
                .addProxy(proxy)                                           // [listen[:port],]peer[:port]
                .accessList(AccessList.parse("127.0.0.0/8, 198.18.0.0/15")) // who may connect (empty: everyone)
                .limits(Limits.defaults().withMaxControlConnectionsPerSource(8).withMaxCalls(1000))
                .timeouts(Timeouts.defaults().withGreIdle(Duration.ofMinutes(10)))
                .callIdRange(CallIdRange.parse("40000-49999"))             // disjoint ranges for several gateways
                .build();
    }

    /**
     * Steps 2 and 3: build the gateway with a listener and start it. The listener's methods run on the
     * gateway's event loops, often under a session's lock: do little there, never block, never call back into
     * the gateway (hand work to another thread if needed).
     *
     * @param events receives one line per event
     * @throws java.util.concurrent.CompletionException if the gateway cannot start (address in use, no
     *         CAP_NET_RAW, ...)
     */
    public static EmbeddingExample start(PptpAlgConfig config, Consumer<String> events) {
        Objects.requireNonNull(events, "events");
        SessionListener listener = new SessionListener() {
            @Override
            public void connectionOpened(ConnectionSnapshot c) {
                events.accept("connection " + c.id() + " opened: " + SessionsJson.address(c.acceptedPeer())
                        + " -> " + SessionsJson.address(c.connectedPeer()));
            }

            @Override
            public void connectionClosed(ConnectionSnapshot c, String reason) {
                events.accept("connection " + c.id() + " closed: " + reason);
            }

            @Override
            public void connectionRefused(InetAddress source, RefusalReason reason) {
                events.accept("connection from " + source.getHostAddress() + " refused: " + reason.label());
            }

            @Override
            public void callEstablished(CallSnapshot call) {
                events.accept("call " + call.id() + " established on connection " + call.connectionId()
                        + ": Call ID " + call.acceptedCallId() + " shown as " + call.acceptedGatewayCallId()
                        + ", Call ID " + call.connectedCallId() + " shown as " + call.connectedGatewayCallId());
            }

            @Override
            public void callClosed(CallSnapshot call, String reason) {
                events.accept("call " + call.id() + " closed after " + call.acceptedToConnectedPackets() + " + "
                        + call.connectedToAcceptedPackets() + " GRE packets: " + reason);
            }

            @Override
            public void callRefused(ConnectionSnapshot c, Side from, int callId, RefusalReason reason) {
                events.accept("call request " + callId + " on connection " + c.id() + " refused: " + reason.label());
            }
        };
        PptpAlg alg = PptpAlg.builder(config).listener(listener).build();
        alg.start().join();
        return new EmbeddingExample(alg);
    }

    /** Where the gateway listens (with the actual ports, useful with port 0). */
    public List<InetSocketAddress> listenAddresses() {
        return alg.listenAddresses();
    }

    /** Step 4: the counters, as of now (cheap: call it as often as needed). */
    public MetricsSnapshot metrics() {
        return alg.metrics();
    }

    /** The live control connections and calls. */
    public List<ConnectionSnapshot> sessions() {
        return alg.sessions();
    }

    /**
     * Step 5: close gracefully. The peers are told (Call-Clear-Request or Call-Disconnect-Notify for each call,
     * Stop-Control-Connection-Request for each connection); waits for their answers at most the close drain
     * timeout.
     */
    @Override
    public void close() {
        alg.close().join();
    }

    /** A short summary of a snapshot. */
    public static String summary(MetricsSnapshot m) {
        return "connections " + m.controlConnectionsTotal() + " (" + m.controlConnectionsActive() + " open), calls "
                + m.callsTotal() + " (" + m.callsEstablished() + " established, " + m.callsActive() + " active), GRE packets "
                + m.grePackets(GreDirection.ACCEPTED_TO_CONNECTED) + " + " + m.grePackets(GreDirection.CONNECTED_TO_ACCEPTED)
                + ", dropped " + m.greDropped().values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code EmbeddingExample [listen[:port],]peer[:port] [seconds]}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EmbeddingExample [listenAddress[:port],]peerAddress[:port] [seconds, default 60]");
            System.exit(2);
        }
        Duration runFor = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        try (EmbeddingExample gateway = start(configure(args[0]), event -> System.out.println("event: " + event))) {
            System.out.println("listening on " + gateway.listenAddresses() + " for " + runFor.toSeconds() + " s");
            Thread.sleep(runFor.toMillis());
            System.out.println("metrics: " + summary(gateway.metrics()));
            System.out.println("sessions: " + SessionsJson.format(gateway.sessions()));
        }
        System.out.println("closed");
    }
}
