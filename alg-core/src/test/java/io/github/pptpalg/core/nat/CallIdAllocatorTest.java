package io.github.pptpalg.core.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallIdAllocatorTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    /** A clock the test moves by hand. */
    private static final class FakeClock implements LongSupplier {
        long now = 123_456_789_000L;

        @Override
        public long getAsLong() {
            return now;
        }

        void advance(Duration d) {
            now += d.toNanos();
        }
    }

    /** Seeded random source that counts bounded draws. */
    private static final class CountingRandom implements RandomGenerator {
        private final SplittableRandom delegate;
        long boundedDraws;

        CountingRandom(long seed) {
            delegate = new SplittableRandom(seed);
        }

        @Override
        public long nextLong() {
            return delegate.nextLong();
        }

        @Override
        public int nextInt(int bound) {
            boundedDraws++;
            return delegate.nextInt(bound);
        }
    }

    private final FakeClock clock = new FakeClock();

    private CallIdAllocator allocator(CallIdRange range, Duration quarantine) {
        return new CallIdAllocator(range, quarantine, new SplittableRandom(42), clock);
    }

    @Test
    void handsOutEveryCallIdOfTheRangeOnceIncludingZeroThenIsExhausted() {
        CallIdAllocator allocator = allocator(new CallIdRange(0, 99), TEN_SECONDS);
        assertEquals(100, allocator.capacity());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int id = allocator.allocate();
            assertTrue(id >= 0 && id <= 99, "in range: " + id);
            assertTrue(seen.add(id), "unique: " + id);
            assertTrue(allocator.isLive(id));
            assertFalse(allocator.isQuarantined(id));
            assertEquals(i + 1, allocator.liveCount());
        }
        assertTrue(seen.contains(0), "Call ID 0 is handed out");
        CallIdExhaustedException e = assertThrows(CallIdExhaustedException.class, allocator::allocate);
        assertEquals("no free Call ID in range 0-99: 100 live, 0 in quarantine (capacity: 100)", e.getMessage());
        assertEquals(new CallIdRange(0, 99), e.range());
        assertEquals(100, e.liveCount());
        assertEquals(0, e.quarantinedCount());
        assertEquals(100, allocator.liveCount(), "a failed allocation changes nothing");
    }

    @Test
    void exhaustionCountsQuarantinedCallIdsAndIsRecoverable() {
        CallIdAllocator allocator = allocator(new CallIdRange(1000, 1004), TEN_SECONDS);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(allocator.allocate());
        }
        allocator.release(ids.get(1));
        allocator.release(ids.get(3));
        CallIdExhaustedException e = assertThrows(CallIdExhaustedException.class, allocator::allocate);
        assertEquals("no free Call ID in range 1000-1004: 3 live, 2 in quarantine (capacity: 5)", e.getMessage());
        assertEquals(2, e.quarantinedCount());

        clock.advance(TEN_SECONDS);
        Set<Integer> back = Set.of(allocator.allocate(), allocator.allocate());
        assertEquals(Set.of(ids.get(1), ids.get(3)), back);
        assertEquals(5, allocator.liveCount());
    }

    @Test
    void releasedCallIdWaitsOutTheQuarantine() {
        CallIdAllocator allocator = allocator(new CallIdRange(7, 7), TEN_SECONDS);
        int id = allocator.allocate();
        assertEquals(7, id);
        allocator.release(id);
        assertFalse(allocator.isLive(id));
        assertTrue(allocator.isQuarantined(id));
        assertEquals(0, allocator.liveCount());

        clock.advance(TEN_SECONDS.minusNanos(1));
        assertThrows(CallIdExhaustedException.class, allocator::allocate);
        assertTrue(allocator.isQuarantined(id));

        clock.advance(Duration.ofNanos(1));
        assertEquals(7, allocator.allocate());
        assertTrue(allocator.isLive(id));
        assertFalse(allocator.isQuarantined(id));
    }

    /** Random allocate/release/clock steps: a Call ID is never live twice nor reused inside its quarantine. */
    @Test
    void neverHandsOutALiveOrQuarantinedCallId() {
        CallIdAllocator allocator = allocator(new CallIdRange(500, 699), Duration.ofMillis(50));
        SplittableRandom random = new SplittableRandom(7);
        List<Integer> live = new ArrayList<>();
        Map<Integer, Long> releasedAt = new HashMap<>();
        int exhausted = 0;
        for (int step = 0; step < 100_000; step++) {
            clock.advance(Duration.ofNanos(random.nextLong(200_000)));
            if (live.isEmpty() || random.nextInt(100) < 55) {
                try {
                    int id = allocator.allocate();
                    assertFalse(live.contains(id), "already live: " + id);
                    Long at = releasedAt.remove(id);
                    assertTrue(at == null || clock.now - at >= Duration.ofMillis(50).toNanos(),
                            () -> "reused inside quarantine: " + id);
                    live.add(id);
                } catch (CallIdExhaustedException e) {
                    exhausted++;
                    assertEquals(live.size(), e.liveCount());
                    assertEquals(200, e.liveCount() + e.quarantinedCount());
                }
            } else {
                int id = live.remove(random.nextInt(live.size()));
                allocator.release(id);
                releasedAt.put(id, clock.now);
            }
            assertEquals(live.size(), allocator.liveCount());
        }
        assertTrue(exhausted > 0, "the run reached exhaustion");
    }

    @Test
    void zeroQuarantineMakesACallIdFreeAtOnce() {
        CallIdAllocator allocator = allocator(new CallIdRange(0, 0), Duration.ZERO);
        assertEquals(0, allocator.allocate());
        allocator.release(0);
        assertFalse(allocator.isQuarantined(0));
        assertEquals(0, allocator.allocate());
    }

    @Test
    void enormousQuarantineDoesNotOverflowIntoThePast() {
        CallIdAllocator allocator = allocator(new CallIdRange(0, 0), Duration.ofSeconds(Long.MAX_VALUE));
        allocator.release(allocator.allocate());
        clock.advance(Duration.ofDays(3650));
        assertThrows(CallIdExhaustedException.class, allocator::allocate);
    }

    @Test
    void releasingACallIdThatIsNotLiveIsAnError() {
        CallIdAllocator allocator = allocator(new CallIdRange(1000, 1999), TEN_SECONDS);
        IllegalStateException free = assertThrows(IllegalStateException.class, () -> allocator.release(1500));
        assertEquals("Call ID 1500 is not live (it is free)", free.getMessage());
        int id = allocator.allocate();
        allocator.release(id);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> allocator.release(id));
        assertEquals("Call ID " + id + " is not live (it is already released and in quarantine)", twice.getMessage());
        assertTrue(allocator.isQuarantined(id), "failed release changes nothing");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 999, 2000, 65536})
    void releasingACallIdOutsideTheRangeIsAnError(int callId) {
        CallIdAllocator allocator = allocator(new CallIdRange(1000, 1999), TEN_SECONDS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.release(callId));
        assertEquals("Call ID: " + callId + " (expected: within 1000-1999)", e.getMessage());
        assertFalse(allocator.isLive(callId));
        assertFalse(allocator.isQuarantined(callId));
    }

    @Test
    void rejectsInvalidConstructorArguments() {
        CallIdRange range = new CallIdRange(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CallIdAllocator(range, Duration.ofSeconds(-1), new SplittableRandom(), clock));
        assertEquals("quarantine: PT-1S (expected: >= 0)", e.getMessage());
        assertEquals("range", assertThrows(NullPointerException.class,
                () -> new CallIdAllocator(null, TEN_SECONDS, new SplittableRandom(), clock)).getMessage());
        assertEquals("quarantine", assertThrows(NullPointerException.class,
                () -> new CallIdAllocator(range, null, new SplittableRandom(), clock)).getMessage());
        assertEquals("random", assertThrows(NullPointerException.class,
                () -> new CallIdAllocator(range, TEN_SECONDS, null, clock)).getMessage());
        assertEquals("nanoClock", assertThrows(NullPointerException.class,
                () -> new CallIdAllocator(range, TEN_SECONDS, new SplittableRandom(), null)).getMessage());
    }

    @Test
    void convenienceConstructorUsesDefaults() {
        CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(40_000, 40_999));
        assertEquals(1000, allocator.capacity());
        assertEquals(Duration.ofSeconds(10), allocator.quarantine());
        assertSame(CallIdAllocator.DEFAULT_QUARANTINE, CallIdAllocator.DEFAULT_QUARANTINE);
        int id = allocator.allocate();
        assertTrue(allocator.range().contains(id));
        allocator.release(id);
        assertTrue(allocator.isQuarantined(id), "still in its 10 s quarantine");
    }

    /** Counts work, not time: at 99 % occupancy every allocate costs one random draw and O(1) moves. */
    @Test
    void allocationIsConstantWorkAtNinetyNinePercentOccupancy() {
        CountingRandom random = new CountingRandom(99);
        CallIdAllocator allocator = new CallIdAllocator(CallIdRange.ALL, Duration.ofMillis(1), random, clock);
        int target = 65_536 * 99 / 100;
        List<Integer> live = new ArrayList<>(target);
        for (int i = 0; i < target; i++) {
            live.add(allocator.allocate());
        }
        SplittableRandom pick = new SplittableRandom(3);
        long drawsBefore = random.boundedDraws;
        long stepsBefore = allocator.workSteps;
        int cycles = 200_000;
        for (int i = 0; i < cycles; i++) {
            clock.advance(Duration.ofNanos(20_000)); // ~50 Call IDs in quarantine at any time
            int index = pick.nextInt(live.size());
            allocator.release(live.get(index));
            live.set(index, allocator.allocate());
        }
        assertEquals(target, allocator.liveCount());
        assertEquals(cycles, random.boundedDraws - drawsBefore, "one random draw per allocation");
        long steps = allocator.workSteps - stepsBefore;
        // one step per allocate, per release and per return from quarantine
        assertTrue(steps <= 3L * cycles, "work steps: " + steps + " for " + cycles + " cycles");
    }

    @Test
    void sequenceIsNotPredictable() {
        CallIdAllocator allocator = allocator(new CallIdRange(1000, 1999), TEN_SECONDS);
        int previous = allocator.allocate();
        int successors = 0;
        int ascending = 0;
        for (int i = 0; i < 300; i++) {
            int id = allocator.allocate();
            if (id == previous + 1) {
                successors++;
            }
            if (id > previous) {
                ascending++;
            }
            previous = id;
        }
        assertTrue(successors <= 5, "next = previous + 1 happened " + successors + " times");
        // For a random sequence about half the steps go up; 0 or 300 would mean monotonic.
        assertTrue(ascending > 90 && ascending < 210, "ascending steps: " + ascending);
    }

    @Test
    void choicesAreUniformOverTheRange() {
        int size = 100;
        int draws = 100_000;
        CallIdAllocator allocator = allocator(new CallIdRange(3000, 3000 + size - 1), Duration.ZERO);
        // Keep half the range live so the free set keeps changing shape.
        List<Integer> held = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(5);
        long[] counts = new long[size];
        for (int i = 0; i < draws; i++) {
            int id = allocator.allocate();
            counts[id - 3000]++;
            held.add(id);
            if (held.size() > size / 2) {
                allocator.release(held.remove(pick.nextInt(held.size())));
            }
        }
        double expected = (double) draws / size;
        double chiSquare = 0;
        for (long c : counts) {
            chiSquare += (c - expected) * (c - expected) / expected;
        }
        // 99 degrees of freedom: mean 99, P(chi2 > 200) is about 1e-9.
        assertTrue(chiSquare < 200, "chi-square " + chiSquare);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentAllocationsAreUnique() throws InterruptedException {
        CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(0, 999), Duration.ZERO, new SplittableRandom(1), System::nanoTime);
        AtomicIntegerArray holder = new AtomicIntegerArray(1000);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        int threads = 4;
        int[] held = new int[threads];
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            all.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(me);
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < 50_000; i++) {
                    if (mine.size() < 100 && (mine.isEmpty() || random.nextBoolean())) {
                        int id = allocator.allocate();
                        if (!holder.compareAndSet(id, 0, me + 1)) {
                            failures.add("Call ID " + id + " handed to thread " + me + " while held by " + holder.get(id));
                        }
                        if (!allocator.isLive(id)) {
                            failures.add("Call ID " + id + " not live after allocate");
                        }
                        mine.add(id);
                    } else {
                        int id = mine.remove(random.nextInt(mine.size()));
                        holder.set(id, 0);
                        allocator.release(id);
                    }
                }
                held[me] = mine.size();
            }));
        }
        all.forEach(Thread::start);
        for (Thread t : all) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.peek());
        int total = 0;
        for (int h : held) {
            total += h;
        }
        assertEquals(total, allocator.liveCount());
    }
}
