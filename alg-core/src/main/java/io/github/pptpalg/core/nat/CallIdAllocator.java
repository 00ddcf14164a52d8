package io.github.pptpalg.core.nat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Hands out the gateway's Call IDs from a {@link CallIdRange}.
 *
 * <ul>
 *   <li><b>Unpredictable</b>: {@link #allocate()} picks uniformly at random among the free Call IDs,
 *       so an off-path attacker cannot guess the next one from the ones it has seen (with the
 *       convenience constructor the random source is a {@link SecureRandom}).</li>
 *   <li><b>Unique</b> among live Call IDs; Call ID 0 is handed out like any other.</li>
 *   <li><b>Quarantine</b>: a released Call ID is not handed out again before the quarantine has
 *       passed, so late GRE packets of an old call are not taken for a new call's.</li>
 *   <li><b>O(1)</b> at any occupancy: the free Call IDs sit in an array from which a random index
 *       is swap-removed (one random draw per allocation); released Call IDs wait in a FIFO with the
 *       time they become free, and are moved back to the array when due (once per release).</li>
 * </ul>
 *
 * <p>Thread-safe: {@link #allocate()} and {@link #release(int)} serialize on a lock (they run on
 * control-plane threads, at call set-up and tear-down). {@link #isLive(int)},
 * {@link #isQuarantined(int)}, {@link #liveCount()} and {@link #capacity()} take no lock and may be
 * called from the GRE thread, for instance to classify a dropped packet.
 */
public final class CallIdAllocator {

    /** Default quarantine of a released Call ID. */
    public static final Duration DEFAULT_QUARANTINE = Duration.ofSeconds(10);

    private static final VarHandle STATES = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final byte FREE = 0;
    private static final byte LIVE = 1;
    private static final byte QUARANTINED = 2;

    private final CallIdRange range;
    private final long quarantineNanos;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final int lowest;
    private final Object lock = new Object();

    /** State of each Call ID (index {@code callId - lowest}); written under the lock, read from any thread. */
    private final byte[] states;
    /** Free Call IDs (as offsets from {@code lowest}) in {@code free[0..freeCount)}; guarded by the lock. */
    private final int[] free;
    private int freeCount;
    /** Ring of quarantined offsets and the nano time each becomes free, oldest at {@code head}; guarded by the lock. */
    private final int[] quarantined;
    private final long[] dueAt;
    private int head;
    private int quarantinedCount;
    private volatile int liveCount;
    /** Elements touched by allocate/release (random draws, moves); lets tests check the O(1) claim. */
    long workSteps;

    /**
     * An allocator over {@code range} with the {@link #DEFAULT_QUARANTINE default quarantine}, a
     * {@link SecureRandom} as random source and {@link System#nanoTime()} as clock.
     */
    public CallIdAllocator(CallIdRange range) {
        this(range, DEFAULT_QUARANTINE, new SecureRandom(), System::nanoTime);
    }

    /**
     * @param range      the Call IDs to hand out
     * @param quarantine how long a released Call ID stays unavailable, {@code >= 0}
     * @param random     the random source; it must be unpredictable to outsiders in production
     *                   (a {@link SecureRandom}), a seeded generator is fine in tests
     * @param nanoClock  a monotonic clock in nanoseconds, such as {@code System::nanoTime}
     * @throws IllegalArgumentException if {@code quarantine} is negative
     */
    public CallIdAllocator(CallIdRange range, Duration quarantine, RandomGenerator random, LongSupplier nanoClock) {
        this.range = Objects.requireNonNull(range, "range");
        Objects.requireNonNull(quarantine, "quarantine");
        if (quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine: " + quarantine + " (expected: >= 0)");
        }
        this.quarantineNanos = saturatedNanos(quarantine);
        this.random = Objects.requireNonNull(random, "random");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.lowest = range.lowest();
        int size = range.size();
        states = new byte[size];
        free = new int[size];
        for (int i = 0; i < size; i++) {
            free[i] = i;
        }
        freeCount = size;
        quarantined = new int[size];
        dueAt = new long[size];
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // centuries; keeps "now + quarantine" from overflowing into the past
        }
    }

    /**
     * A free Call ID, chosen at random, which becomes live.
     *
     * @throws CallIdExhaustedException if every Call ID of the range is live or in quarantine
     */
    public int allocate() {
        synchronized (lock) {
            if (quarantinedCount > 0) {
                releaseDue(nanoClock.getAsLong());
            }
            if (freeCount == 0) {
                throw new CallIdExhaustedException(range, liveCount, quarantinedCount);
            }
            int index = freeCount == 1 ? 0 : random.nextInt(freeCount);
            int offset = free[index];
            free[index] = free[--freeCount];
            STATES.setRelease(states, offset, LIVE);
            liveCount++;
            workSteps++;
            return lowest + offset;
        }
    }

    /** Moves every Call ID whose quarantine has passed back to the free array. Caller holds the lock. */
    private void releaseDue(long now) {
        int capacity = quarantined.length;
        while (quarantinedCount > 0 && now - dueAt[head] >= 0) {
            int offset = quarantined[head];
            head = head + 1 == capacity ? 0 : head + 1;
            quarantinedCount--;
            free[freeCount++] = offset;
            STATES.setRelease(states, offset, FREE);
            workSteps++;
        }
    }

    /**
     * Releases a live Call ID: it enters quarantine and is handed out again no sooner than the
     * quarantine after now.
     *
     * @throws IllegalArgumentException if {@code callId} is outside the range
     * @throws IllegalStateException    if {@code callId} is not live (never allocated, or already released)
     */
    public void release(int callId) {
        if (!range.contains(callId)) {
            throw new IllegalArgumentException("Call ID: " + callId + " (expected: within " + range + ')');
        }
        int offset = callId - lowest;
        synchronized (lock) {
            byte state = states[offset];
            if (state != LIVE) {
                throw new IllegalStateException("Call ID " + callId + " is not live (it is "
                        + (state == FREE ? "free" : "already released and in quarantine") + ')');
            }
            liveCount--;
            workSteps++;
            if (quarantineNanos == 0) {
                free[freeCount++] = offset;
                STATES.setRelease(states, offset, FREE);
                return;
            }
            int tail = head + quarantinedCount;
            if (tail >= quarantined.length) {
                tail -= quarantined.length;
            }
            quarantined[tail] = offset;
            dueAt[tail] = nanoClock.getAsLong() + quarantineNanos;
            quarantinedCount++;
            STATES.setRelease(states, offset, QUARANTINED);
        }
    }

    /**
     * Whether {@code callId} has been allocated and not released. Lock-free; {@code false} outside
     * the range.
     */
    public boolean isLive(int callId) {
        return range.contains(callId) && (byte) STATES.getAcquire(states, callId - lowest) == LIVE;
    }

    /**
     * Whether {@code callId} has been released and is not yet free again. Lock-free; {@code false}
     * outside the range. A Call ID whose quarantine has just passed may still be reported as
     * quarantined until the next {@link #allocate()} returns it to the free set.
     */
    public boolean isQuarantined(int callId) {
        return range.contains(callId) && (byte) STATES.getAcquire(states, callId - lowest) == QUARANTINED;
    }

    /** Number of live Call IDs. */
    public int liveCount() {
        return liveCount;
    }

    /** Number of Call IDs in the range. */
    public int capacity() {
        return range.size();
    }

    /** The range this allocator hands out. */
    public CallIdRange range() {
        return range;
    }

    /** The quarantine of released Call IDs. */
    public Duration quarantine() {
        return Duration.ofNanos(quarantineNanos);
    }

    @Override
    public String toString() {
        return "CallIdAllocator(range: " + range + ", live: " + liveCount + ", quarantine: "
                + Duration.ofNanos(quarantineNanos) + ')';
    }
}
