package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway-wide state shared by all control connections: configuration, the GRE translation map, the Call ID
 * allocator, metrics, the listener and a nanosecond clock. Thread-safe.
 *
 * <h2>Life of a control connection (what the network layer does)</h2>
 * <ol>
 *   <li>On accept: {@link #admit(InetAddress)} checks the access list and the connection limits and reserves a
 *       slot; if {@link Admission#isAdmitted()} is false, close the socket (refusal already counted).</li>
 *   <li>Run the authorization commands ({@link io.github.pptpalg.core.policy.AuthorizationCommand#evaluateChain})
 *       and connect to the peer; on failure {@link Admission#refuse(RefusalReason)}
 *       ({@code AUTHORIZATION_DENIED}, {@code AUTHORIZATION_FAILED}, {@code PEER_UNREACHABLE}).</li>
 *   <li>Both legs up: {@link #open(Admission, InetSocketAddress, InetSocketAddress)} gives the
 *       {@link ControlSession}; feed it every decoded message and act on its verdicts.</li>
 *   <li>When either leg closes, on timeouts or violations: {@link ControlSession#close(String)}.</li>
 *   <li>Periodically (say every second) on any thread: {@link #expireIdleCalls(long)}, then tell the peers of
 *       each returned call (see {@link Call#idAsSeenBy(Side, Side)}).</li>
 * </ol>
 */
public final class SessionRegistry {

    private static final Logger logger = LoggerFactory.getLogger(SessionRegistry.class);

    private final PptpAlgConfig config;
    private final CallIdTranslationMap translationMap;
    private final CallIdAllocator allocator;
    private final AlgMetrics metrics;
    private final SessionListener listener;
    private final LongSupplier nanoClock;

    private final Set<ControlSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSessionId = new AtomicLong(1);
    private final AtomicLong nextCallId = new AtomicLong(1);
    private final AtomicInteger liveCalls = new AtomicInteger();
    // admission slots (reserved or opened), guarded by slotLock
    private final Object slotLock = new Object();
    private int slots;
    private final Map<InetAddress, Integer> slotsPerSource = new HashMap<>();

    /**
     * A registry with a new translation map and a new allocator over {@code config.callIdRange()} (quarantine
     * {@code config.callIdQuarantine()}, random IDs), using {@link System#nanoTime()}.
     */
    public SessionRegistry(PptpAlgConfig config, AlgMetrics metrics, SessionListener listener) {
        this(config, metrics, listener, System::nanoTime);
    }

    /** As {@link #SessionRegistry(PptpAlgConfig, AlgMetrics, SessionListener)} with the given clock. */
    public SessionRegistry(PptpAlgConfig config, AlgMetrics metrics, SessionListener listener, LongSupplier nanoClock) {
        this(config, new CallIdTranslationMap(),
                new CallIdAllocator(config.callIdRange(), config.callIdQuarantine(), new SecureRandom(), nanoClock),
                metrics, listener, nanoClock);
    }

    /** A registry over the given parts (the allocator should use the same clock). */
    public SessionRegistry(PptpAlgConfig config, CallIdTranslationMap translationMap, CallIdAllocator allocator,
            AlgMetrics metrics, SessionListener listener, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.translationMap = Objects.requireNonNull(translationMap, "translationMap");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public PptpAlgConfig config() {
        return config;
    }

    /** The map the GRE relay looks packets up in. */
    public CallIdTranslationMap translationMap() {
        return translationMap;
    }

    public CallIdAllocator allocator() {
        return allocator;
    }

    public AlgMetrics metrics() {
        return metrics;
    }

    public SessionListener listener() {
        return listener;
    }

    /** The registry's clock. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /**
     * Decides whether a client may open a control connection: access list, then the total and the per-source
     * connection limits (counting sessions and admissions not yet opened or refused). An admitted client holds a
     * slot until its admission is refused or its session closed. A refusal is counted and reported here.
     */
    public Admission admit(InetAddress source) {
        Objects.requireNonNull(source, "source");
        RefusalReason refusal = null;
        if (!config.accessList().permits(source)) {
            refusal = RefusalReason.ACL_DENIED;
        } else {
            Limits limits = config.limits();
            synchronized (slotLock) {
                int fromSource = slotsPerSource.getOrDefault(source, 0);
                if (slots >= limits.maxControlConnections()) {
                    refusal = RefusalReason.CONNECTION_LIMIT;
                } else if (fromSource >= limits.maxControlConnectionsPerSource()) {
                    refusal = RefusalReason.PER_SOURCE_LIMIT;
                } else {
                    slots++;
                    slotsPerSource.put(source, fromSource + 1);
                }
            }
        }
        if (refusal != null) {
            connectionRefused(source, refusal);
        }
        return new Admission(this, source, refusal);
    }

    /**
     * Opens the session of an admitted client whose peer connection is up.
     *
     * @param acceptedPeer the client's socket address (its address must be the admission's source)
     * @param connectedPeer the peer's socket address, resolved
     * @throws IllegalArgumentException if an address is not IPv4 (the GRE relay is IPv4 only) or the accepted
     *         address is not the admission's source
     * @throws IllegalStateException if the admission was refused or used already
     */
    public ControlSession open(Admission admission, InetSocketAddress acceptedPeer, InetSocketAddress connectedPeer) {
        Objects.requireNonNull(admission, "admission");
        int accepted = ipv4("acceptedPeer", acceptedPeer);
        int connected = ipv4("connectedPeer", connectedPeer);
        if (!acceptedPeer.getAddress().equals(admission.source())) {
            throw new IllegalArgumentException("acceptedPeer: " + acceptedPeer + " (expected: the admission's source "
                    + admission.source().getHostAddress() + ')');
        }
        if (admission.registry() != this || !admission.markOpened()) {
            throw new IllegalStateException("admission: " + admission + " (expected: a reserved admission of this registry)");
        }
        ControlSession session = new ControlSession(this, nextSessionId.getAndIncrement(), acceptedPeer, connectedPeer,
                accepted, connected, nanoTime());
        sessions.add(session);
        metrics.controlConnectionOpened();
        ConnectionSnapshot snapshot = session.snapshot();
        notifyListener(l -> l.connectionOpened(snapshot));
        return session;
    }

    private static int ipv4(String name, InetSocketAddress address) {
        Objects.requireNonNull(address, name);
        if (address.isUnresolved() || !(address.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException(name + ": " + address + " (expected: a resolved IPv4 address)");
        }
        byte[] b = address.getAddress().getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    /** Snapshots of the open sessions, oldest first. */
    public List<ConnectionSnapshot> sessions() {
        List<ControlSession> open = controlSessions();
        List<ConnectionSnapshot> snapshots = new ArrayList<>(open.size());
        for (ControlSession session : open) {
            snapshots.add(session.snapshot());
        }
        return snapshots;
    }

    /** The open sessions, oldest first (for a graceful shutdown). */
    public List<ControlSession> controlSessions() {
        List<ControlSession> open = new ArrayList<>(sessions);
        open.sort((a, b) -> Long.compare(a.id(), b.id()));
        return open;
    }

    /** Relayed control connections now. */
    public int connectionCount() {
        return sessions.size();
    }

    /** Live calls now, over all sessions. */
    public int callCount() {
        return liveCalls.get();
    }

    /**
     * Releases every call whose GRE packet counters (both directions) did not move for the configured GRE idle
     * timeout, as of {@code nowNanos} (the registry's clock). A call's activity is sampled at each invocation, so
     * a call expires between {@code greIdle} and {@code greIdle} plus the invocation period after its last
     * packet. Nothing expires if the timeout is zero.
     *
     * @return the released calls; tell their peers (Call-Clear-Request to the PAC, Call-Disconnect-Notify to the
     *         PNS, see {@link Call#idAsSeenBy(Side, Side)}), and discard what they answer (the session does)
     */
    public List<Call> expireIdleCalls(long nowNanos) {
        if (!config.timeouts().greIdleEnabled()) {
            return List.of();
        }
        long idleNanos = config.timeouts().greIdle().toNanos();
        List<Call> expired = new ArrayList<>();
        for (ControlSession session : controlSessions()) {
            session.expireIdleCalls(nowNanos, idleNanos, expired);
        }
        return expired;
    }

    // --- for ControlSession and Admission

    long nextCallId() {
        return nextCallId.getAndIncrement();
    }

    boolean tryReserveCall() {
        int max = config.limits().maxCalls();
        for (;;) {
            int live = liveCalls.get();
            if (live >= max) {
                return false;
            }
            if (liveCalls.compareAndSet(live, live + 1)) {
                return true;
            }
        }
    }

    void unreserveCall() {
        liveCalls.decrementAndGet();
    }

    void releaseSlot(InetAddress source) {
        synchronized (slotLock) {
            slots--;
            slotsPerSource.computeIfPresent(source, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    void connectionRefused(InetAddress source, RefusalReason reason) {
        metrics.controlConnectionRefused(reason);
        logger.info("Control connection from {} refused: {}", source.getHostAddress(), reason);
        notifyListener(l -> l.connectionRefused(source, reason));
    }

    void sessionClosed(ControlSession session) {
        if (sessions.remove(session)) {
            releaseSlot(session.acceptedPeer().getAddress());
            metrics.controlConnectionClosed();
        }
    }

    void notifyListener(Consumer<SessionListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            logger.warn("Session listener {} failed", listener, e);
        }
    }
}
