package io.github.pptpalg.netty.control;

import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.core.session.SessionListener;
import io.github.pptpalg.core.session.SessionRegistry;
import io.github.pptpalg.netty.PacketTap;
import io.github.pptpalg.netty.PptpAlg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import io.github.pptpalg.netty.testing.ScriptedServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A gateway listening on 127.0.0.1 (ephemeral port) and relaying to a {@link ScriptedServer} on 127.0.0.1, with
 * gateway Call IDs in {@link #RANGE}, far from the IDs the scripted peers choose. Either a {@link PptpAlg} with
 * only its control plane ({@code greEnabled(false)}, {@link #start}), or a bare {@link ControlPlane} with its own
 * {@link SessionRegistry} for tests that need to reach inside ({@link #startPlane}). Closes everything it made.
 */
final class TestGateway implements AutoCloseable {

    /** Gateway Call IDs; the scripted peers use IDs below 1000. */
    static final CallIdRange RANGE = new CallIdRange(40000, 40999);

    final ScriptedServer pac;
    /** The facade, or null for a bare control plane. */
    final PptpAlg alg;
    /** The bare control plane's parts, or null for the facade. */
    final ControlPlane plane;
    final SessionRegistry registry;
    private final EventLoopGroup group;
    private final ExecutorService authorizationExecutor;
    private final InetSocketAddress planeAddress;
    private final List<ScriptedPeer> clients = new ArrayList<>();

    private TestGateway(ScriptedServer pac, PptpAlg alg) {
        this.pac = pac;
        this.alg = alg;
        this.plane = null;
        this.registry = null;
        this.group = null;
        this.authorizationExecutor = null;
        this.planeAddress = null;
    }

    private TestGateway(ScriptedServer pac, ControlPlane plane, SessionRegistry registry, EventLoopGroup group,
            ExecutorService authorizationExecutor, InetSocketAddress planeAddress) {
        this.pac = pac;
        this.alg = null;
        this.plane = plane;
        this.registry = registry;
        this.group = group;
        this.authorizationExecutor = authorizationExecutor;
        this.planeAddress = planeAddress;
    }

    /**
     * A bare control plane (NIO transport, one event loop) with a control idle timeout of {@code controlIdle}, below
     * the configuration's floor, through the plane's test constructor.
     */
    static TestGateway startPlane(Duration controlIdle, PacketTap tap) {
        ScriptedServer pac = ScriptedServer.open();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            PptpAlgConfig config = PptpAlgConfig.builder()
                    .addProxy(new ProxyPair(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), pac.address()))
                    .callIdRange(RANGE)
                    .build();
            SessionRegistry registry = new SessionRegistry(config, new AlgMetrics(), SessionListener.NOOP);
            ControlPlane plane = new ControlPlane(config, registry, group, NioServerSocketChannel.class,
                    NioSocketChannel.class, tap, executor, controlIdle);
            InetSocketAddress address = plane.bind().get(10, TimeUnit.SECONDS).get(0);
            return new TestGateway(pac, plane, registry, group, executor, address);
        } catch (Exception e) {
            pac.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownNow();
            throw new AssertionError("the control plane did not start: " + e, e);
        }
    }

    static TestGateway start() {
        return start(b -> b);
    }

    /** Starts a gateway whose config is the default one changed by {@code customize}. */
    static TestGateway start(UnaryOperator<PptpAlgConfig.Builder> customize) {
        return start(ScriptedServer.open(), customize);
    }

    /** Starts a gateway relaying to {@code pac} (which it then owns). */
    static TestGateway start(ScriptedServer pac, UnaryOperator<PptpAlgConfig.Builder> customize) {
        try {
            PptpAlgConfig config = customize.apply(PptpAlgConfig.builder()
                    .addProxy(new ProxyPair(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), pac.address()))
                    .callIdRange(RANGE))
                    .build();
            PptpAlg alg = PptpAlg.builder(config).greEnabled(false).build();
            alg.start().get(10, TimeUnit.SECONDS);
            return new TestGateway(pac, alg);
        } catch (Exception e) {
            pac.close();
            throw new AssertionError("the gateway did not start: " + e, e);
        }
    }

    /** Where clients connect. */
    InetSocketAddress address() {
        return alg != null ? alg.listenAddresses().get(0) : planeAddress;
    }

    /** A client connected from {@code localAddress} (an address of 127/8). */
    ScriptedPeer connect(String localAddress) {
        return connect(new ScriptedPeer.Options().localAddress(localAddress));
    }

    ScriptedPeer connect(ScriptedPeer.Options options) {
        ScriptedPeer client = ScriptedPeer.connect(address(), options);
        clients.add(client);
        return client;
    }

    /**
     * A client from {@code localAddress} whose control connection is established through the gateway: SCCRQ
     * relayed to a new connection of the scripted PAC, SCCRP relayed back.
     */
    Leg establish(String localAddress) {
        return establish(connect(localAddress));
    }

    Leg establish(ScriptedPeer client) {
        client.send(ControlMessages.sccrq());
        ScriptedPeer server = pac.accept();
        server.acceptControlConnection();
        client.expect(StartControlConnectionReply.class);
        return new Leg(client, server);
    }

    MetricsSnapshot metrics() {
        return alg != null ? alg.metrics() : registry.metrics().snapshot();
    }

    List<ConnectionSnapshot> sessions() {
        return alg != null ? alg.sessions() : registry.sessions();
    }

    /** The one relayed connection whose client is {@code client}. */
    ConnectionSnapshot session(ScriptedPeer client) {
        List<ConnectionSnapshot> matching = sessions().stream()
                .filter(s -> s.acceptedPeer().equals(client.localAddress()))
                .toList();
        if (matching.size() != 1) {
            throw new AssertionError("sessions of " + client + ": " + matching + " (expected: one) in "
                    + sessions());
        }
        return matching.get(0);
    }

    /** The calls of {@code client}'s connection. */
    List<CallSnapshot> calls(ScriptedPeer client) {
        return session(client).calls();
    }

    /**
     * Closes the clients and the scripted PAC, then the gateway (bounded): with both legs of every connection gone,
     * the gateway need not wait out its drain deadline (tests of its graceful close call {@code alg.close()} first).
     */
    @Override
    public void close() {
        clients.forEach(ScriptedPeer::close);
        pac.close();
        try {
            if (alg != null) {
                alg.close().get(15, TimeUnit.SECONDS);
            } else {
                plane.close("test over").get(15, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("the gateway did not close: " + e, e);
        } finally {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                authorizationExecutor.shutdownNow();
            }
        }
    }

    /**
     * Polls the metrics until {@code condition} holds, at most 5 s (for effects that follow what a peer sees, e.g.
     * the gateway's bookkeeping after it closed a connection).
     */
    void awaitMetrics(Predicate<MetricsSnapshot> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        MetricsSnapshot m = metrics();
        while (!condition.test(m)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metrics: expected " + what + " within 5 s, got " + m);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            m = metrics();
        }
    }

    /** One relayed control connection: the client's leg and the server's leg. */
    record Leg(ScriptedPeer client, ScriptedPeer server) {

        /** The client stops the control connection, the server agrees: both legs end. */
        void stop() {
            client.send(ControlMessages.stopRequest());
            server.expect(StopControlConnectionRequest.class);
            server.send(ControlMessages.stopReply());
            client.expect(StopControlConnectionReply.class);
            client.expectEof();
            server.expectEof();
        }
    }

    static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }
}
