package io.github.pptpalg.netty;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.session.Call;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.core.session.ControlSession;
import io.github.pptpalg.core.session.SessionListener;
import io.github.pptpalg.core.session.SessionRegistry;
import io.github.pptpalg.netty.control.ControlPlane;
import io.github.pptpalg.netty.gre.GreDirectionResolver;
import io.github.pptpalg.netty.gre.GrePlane;
import io.github.pptpalg.netty.offload.GreOffload;
import io.github.pptpalg.netty.raw.RawGre;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PPTP application-level gateway: listens for PPTP control connections, relays each to its peer while
 * translating Call IDs, and relays the calls' GRE packets through a raw socket.
 *
 * <pre>{@code
 * PptpAlgConfig config = PptpAlgConfig.builder()
 *         .addProxy("198.51.100.1:1723,203.0.113.7")   // listen here, relay to this PPTP server
 *         .build();
 * PptpAlg alg = PptpAlg.builder(config).listener(myListener).build();
 * alg.start().join();
 * ...
 * MetricsSnapshot m = alg.metrics();
 * ...
 * alg.close().join();   // Call-Disconnect-Notify / Stop-Control-Connection-Request to every peer, then stop
 * }</pre>
 *
 * <p>Several instances may live in one JVM and on one host, each with its own, disjoint Call ID range
 * ({@link PptpAlgConfig#callIdRange()}): the kernel filters GRE by Call ID for each instance. The GRE plane
 * needs Linux and {@code CAP_NET_RAW} ({@link RawGre#ensureAvailability()}); {@link #start()} fails with a
 * message saying what to do when they are missing.
 *
 * <p>With {@link PptpAlgConfig#greOffloadInterfaces()} the gateway also attaches a kernel fast path
 * ({@link GreOffload}) to those interfaces: established calls' GRE is then relayed inside the kernel, and the
 * raw socket sees only what the fast path leaves to it; counters, the GRE idle timeout and the session snapshots
 * include the fast path's packets (collected at least once a second and before each {@link #metrics()}).
 *
 * <p>Thread-safe. Listener methods run on the gateway's event loops: they must not block.
 */
public final class PptpAlg {

    private static final Logger logger = LoggerFactory.getLogger(PptpAlg.class);

    private final PptpAlgConfig config;
    private final SessionRegistry registry;
    private final PacketTap tap;
    private final boolean greEnabled;
    private final Duration controlIdle;
    private final Object lock = new Object();
    private IoEventLoopGroup controlGroup;
    private ExecutorService authorizationExecutor;
    private ControlPlane controlPlane;
    private GrePlane grePlane;
    private GreOffload greOffload;
    /** When the idle sweep last collected the fast path's counts; only the sweep's thread touches it. */
    private long lastFastPathCollect = System.nanoTime();
    private static final long FAST_PATH_COLLECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private ScheduledFuture<?> idleSweep;
    private List<InetSocketAddress> listenAddresses = List.of();
    private CompletableFuture<Void> started;
    private CompletableFuture<Void> closed;

    private PptpAlg(Builder builder) {
        this.config = builder.config;
        this.tap = builder.tap;
        this.greEnabled = builder.greEnabled;
        this.controlIdle = builder.controlIdle != null ? builder.controlIdle : builder.config.timeouts().controlIdle();
        this.registry = new SessionRegistry(config, new AlgMetrics(), builder.listener);
    }

    /** A gateway with {@code config} and no listener. */
    public static PptpAlg create(PptpAlgConfig config) {
        return builder(config).build();
    }

    /** A builder for a gateway with {@code config}. */
    public static Builder builder(PptpAlgConfig config) {
        return new Builder(config);
    }

    /**
     * Opens the GRE sockets and the listeners. Calling it again returns the same future.
     *
     * @return completes when the gateway relays; fails (with everything closed again) when raw GRE
     *     sockets are unavailable, a listen address is in use, or the gateway was closed
     */
    public CompletableFuture<Void> start() {
        synchronized (lock) {
            if (started != null) {
                return started;
            }
            started = new CompletableFuture<>();
            if (closed != null) {
                started.completeExceptionally(new IllegalStateException("the gateway is closed"));
                return started;
            }
            CompletableFuture<Void> result = started;
            try {
                if (greEnabled) {
                    RawGre.ensureAvailability();
                }
                boolean epoll = Epoll.isAvailable();
                int controlThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
                controlGroup = new MultiThreadIoEventLoopGroup(controlThreads,
                        new DefaultThreadFactory("pptp-alg-control", true),
                        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
                Class<? extends ServerChannel> serverType =
                        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
                Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
                authorizationExecutor = Executors.newCachedThreadPool(
                        new DefaultThreadFactory("pptp-alg-authorization", true));
                controlPlane = new ControlPlane(config, registry, controlGroup, serverType, channelType, tap,
                        authorizationExecutor, controlIdle);
                CompletableFuture<Void> gre;
                GreDirectionResolver directions = binding -> ((Call) binding.owner()).greDirection(binding);
                if (greEnabled) {
                    grePlane = GrePlane.builder()
                            .translationMap(registry.translationMap())
                            .allocator(registry.allocator())
                            .metrics(registry.metrics())
                            .directions(directions)
                            .loops(config.greEventLoops())
                            .receiveBufferSize(config.greReceiveBufferBytes())
                            .packetTap(tap)
                            .build();
                    gre = grePlane.start();
                    if (!config.greOffloadInterfaces().isEmpty()) {
                        gre = gre.thenRun(() -> attachOffload(directions));
                    }
                } else {
                    gre = CompletableFuture.completedFuture(null);
                }
                gre.thenCompose(v -> controlPlane.bind()).whenComplete((addresses, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure;
                        failStart(result, cause);
                        return;
                    }
                    synchronized (lock) {
                        listenAddresses = List.copyOf(addresses);
                    }
                    if (greEnabled) {
                        // without the GRE plane nothing counts a call's packets: every call would look idle
                        long sweep = Math.max(100, Math.min(1000, config.timeouts().greIdle().toMillis() / 4));
                        idleSweep = controlGroup.next().scheduleAtFixedRate(this::expireIdleCalls, sweep, sweep,
                                TimeUnit.MILLISECONDS);
                    }
                    logger.info("PPTP gateway started: {} listener(s), Call IDs {}{}", addresses.size(),
                            config.callIdRange(), greEnabled ? "" : " (GRE plane disabled)");
                    result.complete(null);
                });
            } catch (RuntimeException | Error e) {
                failStart(result, e);
            }
            return result;
        }
    }

    private void attachOffload(GreDirectionResolver directions) {
        GreOffload offload;
        try {
            offload = GreOffload.open(config.greOffloadInterfaces(), config.callIdRange().size(), registry.metrics(),
                    directions);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        synchronized (lock) {
            greOffload = offload;
        }
        registry.translationMap().mirror(offload);
    }

    /** Undoes a partial start, then fails {@code result} with {@code cause}, whatever the undoing does. */
    private void failStart(CompletableFuture<Void> result, Throwable cause) {
        try {
            release().whenComplete((v, e) -> result.completeExceptionally(cause));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            result.completeExceptionally(cause);
        }
    }

    private void expireIdleCalls() {
        try {
            long now = System.nanoTime();
            // With a GRE idle timeout, before every sweep (it reads the counters); without, once a second (metrics).
            if (config.timeouts().greIdleEnabled() || now - lastFastPathCollect >= FAST_PATH_COLLECT_NANOS) {
                lastFastPathCollect = now;
                collectFastPathCounts();
            }
            List<Call> expired = registry.expireIdleCalls(System.nanoTime());
            if (!expired.isEmpty() && controlPlane != null) {
                controlPlane.tearDownExpired(expired);
            }
        } catch (RuntimeException e) {
            logger.warn("GRE idle sweep failed", e);
        }
    }

    /**
     * Closes gracefully: stops accepting, sends Call-Disconnect-Notify / Call-Clear-Request for every live
     * call and Stop-Control-Connection-Request to every peer, waits for them at most the configured drain
     * deadline, then closes every connection and the GRE sockets. Idempotent.
     */
    public CompletableFuture<Void> close() {
        synchronized (lock) {
            if (closed != null) {
                return closed;
            }
            if (started == null) {
                closed = CompletableFuture.completedFuture(null);
                return closed;
            }
            closed = started.handle((v, e) -> null).thenCompose(v -> release());
            return closed;
        }
    }

    private void collectFastPathCounts() {
        GreOffload offload;
        synchronized (lock) {
            offload = greOffload;
        }
        if (offload != null) {
            offload.collect();
        }
    }

    private CompletableFuture<Void> release() {
        ControlPlane cp;
        GrePlane gp;
        GreOffload offload;
        synchronized (lock) {
            cp = controlPlane;
            gp = grePlane;
            offload = greOffload;
        }
        if (idleSweep != null) {
            idleSweep.cancel(false);
        }
        long drainMillis = config.timeouts().closeDrain().toMillis();
        CompletableFuture<Void> control = cp == null ? CompletableFuture.completedFuture(null)
                : cp.close("the gateway is closing")
                        .orTimeout(drainMillis + 1000, TimeUnit.MILLISECONDS)
                        .exceptionally(e -> {
                            if (e instanceof TimeoutException) {
                                logger.warn("close: some control connections did not close within {} ms", drainMillis);
                            }
                            return null;
                        });
        return control.thenRun(() -> {
                    if (offload != null) {
                        try {
                            registry.translationMap().mirror(null);
                            offload.close(); // collects the last counts, then detaches
                        } catch (RuntimeException e) {
                            logger.warn("closing the GRE fast path failed", e); // go on closing everything else
                        }
                    }
                })
                .thenCompose(v -> gp == null ? CompletableFuture.completedFuture(null) : gp.close())
                .thenCompose(v -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    if (authorizationExecutor != null) {
                        authorizationExecutor.shutdownNow();
                    }
                    if (controlGroup == null) {
                        done.complete(null);
                    } else {
                        controlGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                                .addListener(f -> done.complete(null));
                    }
                    return done;
                })
                .whenComplete((v, e) -> {
                    for (ControlSession session : registry.controlSessions()) {
                        session.close("the gateway closed");
                    }
                });
    }

    /** The counters, as of now (the fast path's counts collected first). */
    public MetricsSnapshot metrics() {
        collectFastPathCounts();
        return registry.metrics().snapshot();
    }

    /** Number of GRE bindings (two per call whose both Call IDs are known) in the translation map. */
    public int greBindings() {
        return registry.translationMap().size();
    }

    /** Number of GRE bindings in the kernel fast path's map (0 without the fast path). */
    public int greFastPathBindings() {
        GreOffload offload;
        synchronized (lock) {
            offload = greOffload;
        }
        return offload == null ? 0 : offload.bindings();
    }

    /** The live control connections and their calls, with their Call ID translations. */
    public List<ConnectionSnapshot> sessions() {
        return registry.sessions();
    }

    /** The addresses the listeners are bound to (useful with port 0), in the config's order. */
    public List<InetSocketAddress> listenAddresses() {
        synchronized (lock) {
            return listenAddresses;
        }
    }

    /** The configuration. */
    public PptpAlgConfig config() {
        return config;
    }

    /** Builds a {@link PptpAlg}. */
    public static final class Builder {

        private final PptpAlgConfig config;
        private SessionListener listener = new SessionListener() { };
        private PacketTap tap;
        private boolean greEnabled = true;
        private Duration controlIdle;

        private Builder(PptpAlgConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Receives connection and call events (default: none). */
        public Builder listener(SessionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Sees every control message and GRE packet (default: none), e.g. a capture writer. */
        public Builder packetTap(PacketTap tap) {
            this.tap = tap;
            return this;
        }

        /**
         * Without the GRE plane the gateway relays only control connections (no raw socket, no root needed);
         * for tests and for deployments where another component relays GRE. Calls then never expire for GRE
         * idleness ({@code Timeouts.greIdle()} is not applied: the gateway sees no GRE). Default: enabled.
         */
        public Builder greEnabled(boolean greEnabled) {
            this.greEnabled = greEnabled;
            return this;
        }

        /** Tests only: a control idle timeout below the RFC floor that the configuration enforces. */
        Builder controlIdleForTesting(Duration controlIdle) {
            this.controlIdle = Objects.requireNonNull(controlIdle, "controlIdle");
            return this;
        }

        /**
         * @throws IllegalArgumentException if the configuration asks for the GRE fast path while the GRE plane is
         *     disabled or a packet tap is set (the fast path's packets never reach user space, so a tap would miss
         *     them)
         */
        public PptpAlg build() {
            if (!config.greOffloadInterfaces().isEmpty() && !greEnabled) {
                throw new IllegalArgumentException("greOffloadInterfaces " + config.greOffloadInterfaces()
                        + " with the GRE plane disabled (expected: no fast path without the GRE plane)");
            }
            if (!config.greOffloadInterfaces().isEmpty() && tap != null) {
                throw new IllegalArgumentException("greOffloadInterfaces " + config.greOffloadInterfaces()
                        + " with a packet tap: the fast path's packets never reach user space, the tap would miss "
                        + "them (expected: one or the other)");
            }
            return new PptpAlg(this);
        }
    }
}
