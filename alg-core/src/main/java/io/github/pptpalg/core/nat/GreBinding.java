package io.github.pptpalg.core.nat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One direction of a call's GRE path: packets that arrive from {@link #inboundAddress()} with the
 * gateway-allocated Call ID {@link #inboundCallId()} are sent to {@link #outboundAddress()} with
 * their Call ID rewritten to {@link #outboundCallId()}.
 *
 * <p>The pair (inbound address, inbound Call ID) is the key under which the binding is stored in a
 * {@link CallIdTranslationMap}; a binding knows its own key, which lets the map check every hit.
 * Bindings are compared by identity: {@link CallIdTranslationMap#remove(GreBinding)} removes only the
 * very binding it is given.
 *
 * <p>{@link #owner()} is an opaque reference for the layer that creates the binding: the session
 * layer stores its {@code core.session.Call} there (it is {@code Object} so that {@code core.nat}
 * does not depend on {@code core.session}). It may be {@code null}.
 *
 * <h2>Threading</h2>
 * All identity fields are final, so a binding is safely published by any means. The counters have a
 * <em>single writer</em>: the GRE thread that relays the binding's packets calls
 * {@link #countPacket(int)}, which does a plain read and an opaque write of each counter (no lock, no
 * atomic read-modify-write, no allocation). Any thread may read {@link #packets()} and
 * {@link #bytes()}; it sees a recent value that never goes backwards and is never torn. If several
 * threads counted packets for the same binding at once, increments could be lost (never corrupted).
 */
public final class GreBinding {

    private static final VarHandle PACKETS;
    private static final VarHandle BYTES;
    private static final VarHandle ELSEWHERE_PACKETS;
    private static final VarHandle ELSEWHERE_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PACKETS = lookup.findVarHandle(GreBinding.class, "packets", long.class);
            BYTES = lookup.findVarHandle(GreBinding.class, "bytes", long.class);
            ELSEWHERE_PACKETS = lookup.findVarHandle(GreBinding.class, "elsewherePackets", long.class);
            ELSEWHERE_BYTES = lookup.findVarHandle(GreBinding.class, "elsewhereBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The map key: {@code 1 << 48 | (inboundAddress unsigned) << 16 | inboundCallId}, see {@link #key(int, int)}; final, so safely published with the binding. */
    final long key;
    private final int inboundAddress;
    private final int inboundCallId;
    private final int outboundAddress;
    private final int outboundCallId;
    private final Object owner;

    @SuppressWarnings("unused") // accessed through PACKETS
    private long packets;
    @SuppressWarnings("unused") // accessed through BYTES
    private long bytes;
    @SuppressWarnings("unused") // accessed through ELSEWHERE_PACKETS
    private long elsewherePackets;
    @SuppressWarnings("unused") // accessed through ELSEWHERE_BYTES
    private long elsewhereBytes;

    /**
     * @param inboundAddress  IPv4 address the packets come from ({@code a.b.c.d} as {@code a<<24|b<<16|c<<8|d})
     * @param inboundCallId   the gateway-allocated Call ID those packets carry, {@code 0..65535}
     * @param outboundAddress IPv4 address to send them to
     * @param outboundCallId  the Call ID to write into them, {@code 0..65535}
     * @param owner           the session layer's call, or {@code null}
     * @throws IllegalArgumentException if a Call ID is outside {@code 0..65535}
     */
    public GreBinding(int inboundAddress, int inboundCallId, int outboundAddress, int outboundCallId, Object owner) {
        this.inboundAddress = inboundAddress;
        this.inboundCallId = checkCallId("inboundCallId", inboundCallId);
        this.outboundAddress = outboundAddress;
        this.outboundCallId = checkCallId("outboundCallId", outboundCallId);
        this.owner = owner;
        this.key = key(inboundAddress, inboundCallId);
    }

    private static int checkCallId(String name, int callId) {
        if ((callId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(name + ": " + callId + " (expected: 0..65535)");
        }
        return callId;
    }

    /**
     * A binding that is no binding: the map's tombstone. Its key, {@code 0}, is no real key's.
     */
    GreBinding() {
        this.key = 0;
        this.inboundAddress = 0;
        this.inboundCallId = 0;
        this.outboundAddress = 0;
        this.outboundCallId = 0;
        this.owner = null;
    }

    /**
     * The map key of {@code (address, callId)}; {@code callId} must be in {@code 0..65535}. Bit 48 is
     * always set, so no real key is {@code 0}, the key of the map's tombstone.
     */
    static long key(int address, int callId) {
        return 1L << 48 | (address & 0xFFFF_FFFFL) << 16 | callId;
    }

    /** IPv4 address the packets of this binding come from. */
    public int inboundAddress() {
        return inboundAddress;
    }

    /** Gateway-allocated Call ID that the packets of this binding carry when they arrive. */
    public int inboundCallId() {
        return inboundCallId;
    }

    /** IPv4 address the packets are forwarded to. */
    public int outboundAddress() {
        return outboundAddress;
    }

    /** Call ID written into the packets before they are forwarded. */
    public int outboundCallId() {
        return outboundCallId;
    }

    /** What the creator attached to this binding (the session layer puts its {@code Call} here); may be {@code null}. */
    public Object owner() {
        return owner;
    }

    /**
     * Counts one relayed packet of {@code bytes} bytes. Called only by the GRE thread that relays this
     * binding (single writer, see the class comment); allocates nothing and takes no lock.
     */
    public void countPacket(int bytes) {
        PACKETS.setOpaque(this, (long) PACKETS.get(this) + 1);
        BYTES.setOpaque(this, (long) BYTES.get(this) + bytes);
    }

    /**
     * Adds packets that were relayed for this binding somewhere else than by the GRE thread, e.g. by a
     * kernel fast path whose counters are collected now and then. Atomic, so any thread may call it
     * (it does not disturb the GRE thread's single-writer counters).
     */
    public void addRelayedElsewhere(long packets, long bytes) {
        if (packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("packets, bytes: " + packets + ", " + bytes + " (expected: >= 0)");
        }
        ELSEWHERE_PACKETS.getAndAdd(this, packets);
        ELSEWHERE_BYTES.getAndAdd(this, bytes);
    }

    /** Packets counted so far (by {@link #countPacket(int)} and {@link #addRelayedElsewhere}); any thread. */
    public long packets() {
        return (long) PACKETS.getOpaque(this) + (long) ELSEWHERE_PACKETS.getOpaque(this);
    }

    /** Bytes counted so far (by {@link #countPacket(int)} and {@link #addRelayedElsewhere}); any thread. */
    public long bytes() {
        return (long) BYTES.getOpaque(this) + (long) ELSEWHERE_BYTES.getOpaque(this);
    }

    @Override
    public String toString() {
        return "GreBinding(" + dotted(inboundAddress) + '/' + inboundCallId + " -> "
                + dotted(outboundAddress) + '/' + outboundCallId + ')';
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + '.' + (address >>> 8 & 0xFF) + '.' + (address & 0xFF);
    }
}
