package io.github.pptpalg.core.nat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The GRE path's translation map: (IPv4 address, Call ID) to {@link GreBinding}.
 *
 * <p>{@link #lookup(int, int)} is lock-free, O(1) and allocates nothing: the key is the primitive
 * {@code long} {@code 1<<48 | address<<16 | callId}, the table is open addressing with linear
 * probing over one {@code GreBinding[]}, whose slots are read with acquire semantics and compared by
 * the key each binding carries. Writers ({@link #putIfAbsent(GreBinding)}, {@link #remove(GreBinding)})
 * are serialized by a lock and never make a reader wait.
 *
 * <p>One array of bindings rather than a {@code long[]} of keys beside it: a hit then costs two
 * memory accesses (the slot, then the binding, which the caller needs anyway) instead of three, and
 * a slot's key and value can never be seen out of step because they are one reference.
 *
 * <h2>Why concurrent readers are safe</h2>
 * <ul>
 *   <li>A slot of a published table goes from {@code null} (empty) to a binding, and afterwards only
 *       between bindings and the tombstone; it never becomes empty again, and a live binding never
 *       moves. A reader stops at the first empty slot, so it cannot stop before a key that was
 *       present when it started.</li>
 *   <li>A reader returns a slot's binding only if that binding's own key (a final field) is the key
 *       looked up, so it never returns a binding of another key, whatever writer it races with.</li>
 *   <li>Resizing (growing, shrinking or just dropping tombstones) builds a complete new table, which
 *       no reader can see yet, and publishes it with a volatile write. The old table is never written
 *       again, so a reader still walking it sees a consistent snapshot.</li>
 * </ul>
 * A lookup that starts after {@code putIfAbsent(b)} returned {@code true} finds {@code b} (unless
 * it was removed since); a lookup that starts after {@code remove(b)} returned never returns {@code b}.
 *
 * <p>The table holds at most half of its slots non-empty (bindings plus tombstones); a rebuild sizes
 * it so that the live bindings use a sixth to a third of it, and one happens when an insert would
 * pass that half or when removals leave a sixteenth or less of it in use. A rebuild costs
 * O(capacity) under the writer lock; readers are not affected. Hash: multiply-shift with an odd
 * multiplier drawn per map, so that an adversary cannot choose addresses that collide.
 *
 * <h2>Mirrors</h2>
 * A {@link Mirror} (at most one, see {@link #mirror(Mirror)}) is told of every binding added and
 * removed, in the order of the changes, under the writer lock: a kernel fast path keeps its own copy
 * of the map that way. Mirror calls must be short and must not call back into the map.
 */
public final class CallIdTranslationMap {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(GreBinding[].class);

    /** Marks a removed binding's slot; its key (0) matches no lookup. */
    private static final GreBinding TOMBSTONE = new GreBinding();
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    /** A table of fixed size; slots change only as described above. */
    private static final class Table {
        final GreBinding[] slots;
        final int mask;
        final int shift;

        Table(int capacity) {
            slots = new GreBinding[capacity];
            mask = capacity - 1;
            shift = 64 - Integer.numberOfTrailingZeros(capacity);
        }
    }

    private final long multiplier;
    private final Object writeLock = new Object();
    private volatile Table table;
    private volatile int size;
    /** Non-empty slots (live bindings plus tombstones) of {@link #table}; guarded by {@link #writeLock}. */
    private int used;
    /** Tables built after the first; guarded by {@link #writeLock}, for tests. */
    int rebuilds;
    /** Told of every change; guarded by {@link #writeLock}. */
    private Mirror mirror;

    /** Something that keeps a copy of the map: told of each change, in order, under the map's writer lock. */
    public interface Mirror {

        /** {@code binding} has just been added. */
        void added(GreBinding binding);

        /** {@code binding} has just been removed. */
        void removed(GreBinding binding);
    }

    /** An empty map sized for a few bindings; it grows as needed. */
    public CallIdTranslationMap() {
        this(0);
    }

    /**
     * An empty map that holds {@code expectedSize} bindings without resizing.
     *
     * @throws IllegalArgumentException if {@code expectedSize} is negative or too large
     */
    public CallIdTranslationMap(int expectedSize) {
        if (expectedSize < 0 || expectedSize > MAX_CAPACITY / 2 - 1) {
            throw new IllegalArgumentException(
                    "expectedSize: " + expectedSize + " (expected: 0.." + (MAX_CAPACITY / 2 - 1) + ')');
        }
        multiplier = 0x9E37_79B9_7F4A_7C15L ^ ThreadLocalRandom.current().nextLong() << 1 | 1;
        table = new Table(capacityFor(expectedSize, 2));
    }

    /** Smallest power of two, at least {@link #MIN_CAPACITY}, that is {@code >= n * factor}. */
    private static int capacityFor(int n, int factor) {
        long wanted = Math.max(MIN_CAPACITY, (long) n * factor + 1);
        if (wanted > MAX_CAPACITY) {
            throw new IllegalStateException("translation map too large: " + n + " bindings");
        }
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }

    private int home(Table t, long key) {
        return (int) (key * multiplier >>> t.shift);
    }

    /**
     * The binding of packets from {@code address} carrying {@code callId}, or {@code null} if there is
     * none (also for a {@code callId} outside {@code 0..65535}). Lock-free, allocates nothing.
     */
    public GreBinding lookup(int address, int callId) {
        if ((callId & ~0xFFFF) != 0) {
            return null;
        }
        long key = GreBinding.key(address, callId);
        Table t = table;
        GreBinding[] slots = t.slots;
        int mask = t.mask;
        int i = home(t, key);
        // Bounded for safety only: a table always has an empty slot, which ends the probe sooner.
        for (int probes = 0; probes <= mask; probes++) {
            GreBinding b = (GreBinding) SLOTS.getAcquire(slots, i);
            if (b == null) {
                return null;
            }
            if (b.key == key) {
                return b;
            }
            i = i + 1 & mask;
        }
        return null;
    }

    /**
     * Adds {@code binding} under its key (inbound address, inbound Call ID) unless that key already
     * has a binding.
     *
     * @return {@code true} if added, {@code false} if the key was taken (the map is unchanged)
     */
    public boolean putIfAbsent(GreBinding binding) {
        Objects.requireNonNull(binding, "binding");
        long key = binding.key;
        synchronized (writeLock) {
            Table t = table;
            GreBinding[] slots = t.slots;
            int i = home(t, key);
            int free = -1;
            while (true) {
                GreBinding b = slots[i];
                if (b == null) {
                    break;
                }
                if (b.key == key) {
                    return false;
                }
                if (b == TOMBSTONE && free < 0) {
                    free = i;
                }
                i = i + 1 & t.mask;
            }
            if (free < 0) {
                if (used + 1 > slots.length / 2) {
                    t = rebuild(size + 1);
                    i = emptySlot(t, key);
                }
                free = i;
                used++;
            }
            SLOTS.setRelease(t.slots, free, binding);
            size++;
            if (mirror != null) {
                mirror.added(binding);
            }
            return true;
        }
    }

    /**
     * Removes {@code binding} if it is the binding stored under its key; a different binding with the
     * same key is left alone.
     *
     * @return {@code true} if {@code binding} was in the map and has been removed
     */
    public boolean remove(GreBinding binding) {
        Objects.requireNonNull(binding, "binding");
        long key = binding.key;
        synchronized (writeLock) {
            Table t = table;
            GreBinding[] slots = t.slots;
            int i = home(t, key);
            while (true) {
                GreBinding b = slots[i];
                if (b == null) {
                    return false;
                }
                if (b.key == key) {
                    if (b != binding) {
                        return false;
                    }
                    SLOTS.setVolatile(slots, i, TOMBSTONE);
                    int newSize = --size;
                    if (newSize <= slots.length >>> 4 && slots.length > MIN_CAPACITY) {
                        rebuild(newSize); // shrink
                    }
                    if (mirror != null) {
                        mirror.removed(binding);
                    }
                    return true;
                }
                i = i + 1 & t.mask;
            }
        }
    }

    /**
     * Makes {@code mirror} the map's mirror (replacing any earlier one; {@code null}: none) and tells it of
     * every binding the map holds now, before any later change.
     */
    public void mirror(Mirror mirror) {
        synchronized (writeLock) {
            this.mirror = mirror;
            if (mirror != null) {
                for (GreBinding b : table.slots) {
                    if (b != null && b != TOMBSTONE) {
                        mirror.added(b);
                    }
                }
            }
        }
    }

    /** Number of bindings in the map. */
    public int size() {
        return size;
    }

    /** Slots of the current table (for tests and diagnostics). */
    int capacity() {
        return table.slots.length;
    }

    /**
     * Builds a table for the live bindings with room for {@code minSize}, publishes it, and returns
     * it. Caller holds the write lock.
     */
    private Table rebuild(int minSize) {
        GreBinding[] old = table.slots;
        Table fresh = new Table(capacityFor(minSize, 3));
        int live = 0;
        for (GreBinding b : old) {
            if (b != null && b != TOMBSTONE) {
                fresh.slots[emptySlot(fresh, b.key)] = b;
                live++;
            }
        }
        used = live;
        rebuilds++;
        table = fresh; // volatile write publishes the plain writes above
        return fresh;
    }

    /** First empty slot on {@code key}'s probe sequence in a table without that key. */
    private int emptySlot(Table t, long key) {
        int i = home(t, key);
        while (t.slots[i] != null) {
            i = i + 1 & t.mask;
        }
        return i;
    }

    @Override
    public String toString() {
        return "CallIdTranslationMap(size: " + size + ", capacity: " + table.slots.length + ')';
    }
}
