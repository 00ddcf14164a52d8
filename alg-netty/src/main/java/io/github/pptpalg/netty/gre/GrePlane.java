package io.github.pptpalg.netty.gre;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.netty.PacketTap;
import io.github.pptpalg.netty.raw.GreCallIdFilter;
import io.github.pptpalg.netty.raw.ProtocolUnreachableGuard;
import io.github.pptpalg.netty.raw.RawGre;
import io.github.pptpalg.netty.raw.RawGreSocket;
import io.github.pptpalg.netty.raw.RawGreSocketOptions;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's GRE data plane: one raw GRE socket per GRE event loop, each relaying through its own
 * {@link GreRelay}.
 *
 * <p><b>Several loops.</b> With {@code loops = n}, socket {@code i} carries a BPF filter that admits
 * only the Call IDs of the range with {@code callId % n == i} ({@link GreCallIdFilter#slice}). The
 * sockets therefore never see each other's packets and the loops share no mutable state except the
 * lock-free translation map and the metrics' adders. Every packet of one Call ID (one direction of
 * one call) is handled by one loop, in arrival order. The allocator needs nothing for this: it
 * draws Call IDs uniformly from the whole range, which spreads calls evenly over the slices. (The
 * two directions of a call carry two different gateway Call IDs and may land on different loops.)
 *
 * <p><b>No ICMP under overload.</b> Unless turned off ({@link Builder#protocolUnreachableGuard(boolean)}),
 * the plane also opens a {@link ProtocolUnreachableGuard}: when a socket's receive queue is full, the
 * kernel then drops further GRE silently instead of answering it with ICMP protocol-unreachable (which
 * makes PPTP peers hang up, and costs a route lookup per packet on the busy core).
 *
 * <p><b>Event loops.</b> Either the plane creates its own {@link MultiThreadIoEventLoopGroup} of
 * {@code loops} epoll threads (named {@code pptp-alg-gre-*}) and shuts it down on {@link #close()},
 * or it uses the first {@code loops} loops of a group given to the builder (which must have been
 * made with {@link EpollIoHandler#newFactory()}) and leaves the group running.
 *
 * <pre>{@code
 * GrePlane plane = GrePlane.builder()
 *         .translationMap(map).allocator(allocator).metrics(metrics)
 *         .directions(binding -> ((Call) binding.owner()).directionOf(binding))
 *         .loops(2)
 *         .build();
 * plane.start().join();
 * ...
 * plane.close().join();
 * }</pre>
 */
public final class GrePlane {

    private static final Logger logger = LoggerFactory.getLogger(GrePlane.class);

    private final IoEventLoopGroup givenGroup;
    private final int loops;
    private final CallIdTranslationMap translationMap;
    private final CallIdAllocator allocator;
    private final AlgMetrics metrics;
    private final GreDirectionResolver directions;
    private final CallIdRange range;
    private final RawGreSocketOptions socketOptions;
    private final PacketTap tap;
    private final boolean guarded;

    private final Object lock = new Object();
    private IoEventLoopGroup ownGroup;
    private List<RawGreSocket> sockets = List.of();
    private ProtocolUnreachableGuard guard;
    private CompletableFuture<Void> started;
    private CompletableFuture<Void> closed;

    private GrePlane(Builder builder) {
        this.givenGroup = builder.group;
        this.loops = builder.loops;
        this.translationMap = Objects.requireNonNull(builder.translationMap, "translationMap");
        this.allocator = Objects.requireNonNull(builder.allocator, "allocator");
        this.metrics = Objects.requireNonNull(builder.metrics, "metrics");
        this.directions = Objects.requireNonNull(builder.directions, "directions");
        this.range = builder.range != null ? builder.range : allocator.range();
        RawGreSocketOptions options = builder.socketOptions;
        String forcedReceiveBuffer = System.getProperty(RawGreSocketOptions.PROPERTY_PREFIX + "receiveBufferSize");
        if (forcedReceiveBuffer != null && !forcedReceiveBuffer.isBlank()) {
            // A tuning override for deployments whose launcher has no option for it; wins over the builder.
            options = options.withReceiveBufferSize(RawGreSocketOptions.defaults().receiveBufferSize());
        }
        this.socketOptions = options;
        this.tap = builder.tap;
        this.guarded = builder.guarded;
    }

    /** A builder; translation map, allocator, metrics and direction resolver are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the sockets (with their filters) and starts reading on every loop. Calling it again
     * returns the same future.
     *
     * @return completes when every socket reads; fails (with every socket closed again) if raw GRE
     *     sockets are unavailable ({@link RawGre#ensureAvailability()}'s message says what to do), a
     *     socket cannot be opened, or the plane was closed
     */
    public CompletableFuture<Void> start() {
        synchronized (lock) {
            if (started != null) {
                return started;
            }
            started = new CompletableFuture<>();
            if (closed != null) {
                started.completeExceptionally(new IllegalStateException("GRE plane closed"));
                return started;
            }
            try {
                RawGre.ensureAvailability();
                List<IoEventLoop> eventLoops = eventLoops();
                List<RawGreSocket> opened = new ArrayList<>(loops);
                try {
                    if (guarded) {
                        guard = ProtocolUnreachableGuard.open();
                    }
                    GreCallIdFilter whole = GreCallIdFilter.forRange(range.lowest(), range.highest());
                    for (int i = 0; i < loops; i++) {
                        GreCallIdFilter filter = loops == 1 ? whole : whole.slice(loops, i);
                        opened.add(RawGreSocket.open(filter, socketOptions,
                                new GreRelay(translationMap, allocator, metrics, directions, tap)));
                    }
                } catch (IOException | RuntimeException e) {
                    opened.forEach(RawGreSocket::closeAsync);
                    closeGuard();
                    throw e;
                }
                sockets = List.copyOf(opened);
                CompletableFuture<?>[] registrations = new CompletableFuture<?>[loops];
                for (int i = 0; i < loops; i++) {
                    registrations[i] = toCompletable(sockets.get(i).register(eventLoops.get(i)));
                }
                CompletableFuture<Void> result = started;
                CompletableFuture.allOf(registrations).whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        logger.info("GRE plane started: {} raw GRE socket(s) for Call IDs {}, receive buffer {} bytes, "
                                + "{} datagrams per system call{}", loops, range, sockets.get(0).receiveBufferSize(),
                                socketOptions.batchSize(), guarded ? ", protocol-unreachable guard" : "");
                        result.complete(null);
                    } else {
                        close().whenComplete((i, e) -> result.completeExceptionally(failure));
                    }
                });
            } catch (IOException | RuntimeException e) {
                shutdownOwnGroup();
                started.completeExceptionally(e);
            }
            return started;
        }
    }

    private List<IoEventLoop> eventLoops() {
        IoEventLoopGroup group = givenGroup;
        if (group == null) {
            group = ownGroup = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("pptp-alg-gre", true),
                    EpollIoHandler.newFactory());
        }
        List<IoEventLoop> result = new ArrayList<>(loops);
        for (EventExecutor executor : group) {
            if (result.size() == loops) {
                break;
            }
            if (!(executor instanceof IoEventLoop)) {
                throw new IllegalArgumentException("event loop group: " + group
                        + " (expected: a MultiThreadIoEventLoopGroup made with EpollIoHandler.newFactory())");
            }
            result.add((IoEventLoop) executor);
        }
        if (result.size() < loops) {
            throw new IllegalArgumentException("event loop group: " + result.size() + " loops (expected: at least "
                    + loops + ", one per GRE socket)");
        }
        return result;
    }

    private static CompletableFuture<Void> toCompletable(Future<?> future) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /**
     * Closes every socket (on its loop) and, if the plane created its event loops, shuts them down.
     * Idempotent.
     *
     * @return completes when the sockets are closed (and the plane's own loops have terminated)
     */
    public CompletableFuture<Void> close() {
        synchronized (lock) {
            if (closed != null) {
                return closed;
            }
            List<RawGreSocket> toClose = sockets;
            CompletableFuture<?>[] closing = new CompletableFuture<?>[toClose.size()];
            for (int i = 0; i < closing.length; i++) {
                closing[i] = toCompletable(toClose.get(i).closeAsync());
            }
            closed = CompletableFuture.allOf(closing).handle((ignored, failure) -> null)
                    .thenCompose(ignored -> shutdownOwnGroup())
                    .whenComplete((ignored, failure) -> closeGuard());
            return closed;
        }
    }

    private void closeGuard() {
        ProtocolUnreachableGuard g;
        synchronized (lock) {
            g = guard;
            guard = null;
        }
        if (g != null) {
            g.close();
        }
    }

    /** The protocol-unreachable guard while the plane runs with one, else null. */
    public ProtocolUnreachableGuard protocolUnreachableGuard() {
        synchronized (lock) {
            return guard;
        }
    }

    private CompletableFuture<Void> shutdownOwnGroup() {
        IoEventLoopGroup group = ownGroup;
        if (group == null) {
            return CompletableFuture.completedFuture(null);
        }
        ownGroup = null;
        return toCompletable(group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }

    /** The sockets, one per loop, in slice order (empty before {@link #start()}). */
    public List<RawGreSocket> sockets() {
        synchronized (lock) {
            return sockets;
        }
    }

    /** Number of GRE event loops (and sockets). */
    public int loops() {
        return loops;
    }

    /** The Call ID range the sockets' filters admit. */
    public CallIdRange range() {
        return range;
    }

    @Override
    public String toString() {
        return "GrePlane(" + loops + " loop(s), Call IDs " + range + ")";
    }

    /** Builds a {@link GrePlane}. */
    public static final class Builder {

        /** System property with the default of {@link #protocolUnreachableGuard(boolean)}. */
        public static final String GUARD_PROPERTY = "io.github.pptpalg.gre.protocolUnreachableGuard";

        private IoEventLoopGroup group;
        private int loops = 1;
        private CallIdTranslationMap translationMap;
        private CallIdAllocator allocator;
        private AlgMetrics metrics;
        private GreDirectionResolver directions;
        private CallIdRange range;
        private RawGreSocketOptions socketOptions = RawGreSocketOptions.defaults();
        private PacketTap tap;
        private boolean guarded = !"false".equalsIgnoreCase(System.getProperty(GUARD_PROPERTY, "true"));

        private Builder() {
        }

        /**
         * Whether to open a {@link ProtocolUnreachableGuard} (default true, or the system property
         * {@value #GUARD_PROPERTY}; turning it off only makes sense to measure what it costs).
         */
        public Builder protocolUnreachableGuard(boolean guarded) {
            this.guarded = guarded;
            return this;
        }

        /**
         * Run on the first {@link #loops(int)} loops of this epoll group instead of an own group (the
         * plane then does not shut it down).
         */
        public Builder eventLoopGroup(IoEventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Number of GRE event loops and raw sockets, 1..256 (default 1). */
        public Builder loops(int loops) {
            if (loops < 1 || loops > 256) {
                throw new IllegalArgumentException("loops: " + loops + " (expected: 1..256)");
            }
            this.loops = loops;
            return this;
        }

        /** The bindings to relay by (required). */
        public Builder translationMap(CallIdTranslationMap translationMap) {
            this.translationMap = Objects.requireNonNull(translationMap, "translationMap");
            return this;
        }

        /** The instance's Call ID allocator (required): classifies drops, gives the default range. */
        public Builder allocator(CallIdAllocator allocator) {
            this.allocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        /** Where to count (required). */
        public Builder metrics(AlgMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** The direction of a binding, for the per-direction counters (required). */
        public Builder directions(GreDirectionResolver directions) {
            this.directions = Objects.requireNonNull(directions, "directions");
            return this;
        }

        /** The Call IDs the kernel filter admits (default: the allocator's range). */
        public Builder callIdRange(CallIdRange range) {
            this.range = Objects.requireNonNull(range, "range");
            return this;
        }

        /** Socket sizes (default {@link RawGreSocketOptions#defaults()}). */
        public Builder socketOptions(RawGreSocketOptions socketOptions) {
            this.socketOptions = Objects.requireNonNull(socketOptions, "socketOptions");
            return this;
        }

        /** Shortcut for the receive buffer size of the socket options (default 8 MiB). */
        public Builder receiveBufferSize(int bytes) {
            this.socketOptions = socketOptions.withReceiveBufferSize(bytes);
            return this;
        }

        /** Shows every valid GRE packet, as received and as sent, to {@code tap} (default: none). */
        public Builder packetTap(PacketTap tap) {
            this.tap = tap;
            return this;
        }

        /**
         * @throws NullPointerException if a required part is missing
         */
        public GrePlane build() {
            return new GrePlane(this);
        }
    }
}
