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
 * probing over a {@code long[]} of keys and a parallel {@code GreBinding[]} of values, read with
 * acquire semantics. Writers ({@link #putIfAbsent(GreBinding)}, {@link #remove(GreBinding)}) are
 * serialized by a lock and never make a reader wait.
 *
 * <h2>Why concurrent readers are safe</h2>
 * <ul>
 *   <li>A slot of a published table goes from empty to a key, and afterwards only between keys and
 *       the tombstone; it never becomes empty again, and a live entry never moves. A reader stops at
 *       the first empty slot, so it cannot stop before a key that was present when it started.</li>
 *   <li>An insert writes the value, then the key (release); a remove writes the tombstone into the
 *       key, then clears the value. A reader that sees its key reads the value (acquire) and returns
 *       it only if the binding's own key equals the key looked up; otherwise it keeps probing. So a
 *       lookup never returns a binding of another key, whatever writer it races with.</li>
 *   <li>Resizing (growing, shrinking or just dropping tombstones) builds a complete new table, which
 *       no reader can see yet, and publishes it with a volatile write. The old table is never written
 *       again, so a reader still walking it sees a consistent snapshot.</li>
 * </ul>
 * A lookup that starts after {@code putIfAbsent(b)} returned {@code true} finds {@code b} (unless
 * it was removed since); a lookup that starts after {@code remove(b)} returned never returns {@code b}.
 *
 * <p>The table holds at most half of its slots non-empty (keys plus tombstones); a rebuild sizes it
 * so that the live bindings use a sixth to a third of it, and one happens when an insert would pass
 * that half or when removals leave a sixteenth or less of it in use. A rebuild costs O(capacity) under the
 * writer lock; readers are not affected. Hash: multiply-shift with an odd multiplier drawn per map,
 * so that an adversary cannot choose addresses that collide.
 */
public final class CallIdTranslationMap {

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(GreBinding[].class);

    static final long EMPTY = 0;
    static final long TOMBSTONE = 1;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    /** An immutable-shape table: arrays and sizes are final, slots change as described above. */
    private static final class Table {
        final long[] keys;
        final GreBinding[] values;
        final int mask;
        final int shift;

        Table(int capacity) {
            keys = new long[capacity];
            values = new GreBinding[capacity];
            mask = capacity - 1;
            shift = 64 - Integer.numberOfTrailingZeros(capacity);
        }
    }

    private final long multiplier;
    private final Object writeLock = new Object();
    private volatile Table table;
    private volatile int size;
    /** Non-empty slots (live keys plus tombstones) of {@link #table}; guarded by {@link #writeLock}. */
    private int used;
    /** Tables built after the first; guarded by {@link #writeLock}, for tests. */
    int rebuilds;

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
        long[] keys = t.keys;
        int mask = t.mask;
        int i = home(t, key);
        // Bounded for safety only: a table always has an empty slot, which ends the probe sooner.
        for (int probes = 0; probes <= mask; probes++) {
            long k = (long) KEYS.getAcquire(keys, i);
            if (k == key) {
                GreBinding b = (GreBinding) VALUES.getAcquire(t.values, i);
                if (b != null && b.key == key) {
                    return b;
                }
                // A writer is changing this slot: the key may live on further along, keep probing.
            } else if (k == EMPTY) {
                return null;
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
            int mask = t.mask;
            int i = home(t, key);
            int free = -1;
            while (true) {
                long k = t.keys[i];
                if (k == key) {
                    return false;
                }
                if (k == EMPTY) {
                    break;
                }
                if (k == TOMBSTONE && free < 0) {
                    free = i;
                }
                i = i + 1 & mask;
            }
            if (free < 0) {
                if (used + 1 > t.keys.length / 2) {
                    t = rebuild(size + 1);
                    i = emptySlot(t, key);
                }
                free = i;
                used++;
            }
            VALUES.setRelease(t.values, free, binding);
            KEYS.setRelease(t.keys, free, key);
            size++;
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
            int mask = t.mask;
            int i = home(t, key);
            while (true) {
                long k = t.keys[i];
                if (k == key) {
                    if (t.values[i] != binding) {
                        return false;
                    }
                    KEYS.setVolatile(t.keys, i, TOMBSTONE);
                    VALUES.setVolatile(t.values, i, null);
                    int newSize = --size;
                    if (newSize <= t.keys.length >>> 4 && t.keys.length > MIN_CAPACITY) {
                        rebuild(newSize); // shrink
                    }
                    return true;
                }
                if (k == EMPTY) {
                    return false;
                }
                i = i + 1 & mask;
            }
        }
    }

    /** Number of bindings in the map. */
    public int size() {
        return size;
    }

    /** Slots of the current table (for tests and diagnostics). */
    int capacity() {
        return table.keys.length;
    }

    /**
     * Builds a table for the live bindings with room for {@code minSize}, publishes it, and returns
     * it. Caller holds the write lock.
     */
    private Table rebuild(int minSize) {
        Table old = table;
        Table fresh = new Table(capacityFor(minSize, 3));
        int live = 0;
        for (int j = 0; j < old.keys.length; j++) {
            GreBinding b = old.values[j];
            if (b != null) {
                int slot = emptySlot(fresh, b.key);
                fresh.keys[slot] = b.key;
                fresh.values[slot] = b;
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
        while (t.keys[i] != EMPTY) {
            i = i + 1 & t.mask;
        }
        return i;
    }

    @Override
    public String toString() {
        return "CallIdTranslationMap(size: " + size + ", capacity: " + table.keys.length + ')';
    }
}
