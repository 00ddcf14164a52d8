package io.github.pptpalg.core.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers insert and remove bindings (growing and shrinking the table many times) while readers look
 * keys up, checking:
 * <ul>
 *   <li>a lookup never returns a binding of another key;</li>
 *   <li>a binding whose {@code putIfAbsent} returned before the lookup started, and which is never
 *       removed, is always found (no lost inserts, also across rebuilds);</li>
 *   <li>a lookup started after {@code remove(b)} returned never returns {@code b};</li>
 *   <li>at the end, the map holds exactly what the writers think it holds.</li>
 * </ul>
 * Bounded in time: about a second of mixed load, longer (at most 15 s) only on a machine too busy
 * for the writers to finish two grow-and-drain cycles in that second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallIdTranslationMapStressTest {

    private static final int WRITERS = 2;
    private static final int READERS = 2;
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1200);
    /** On a slow machine writers go on past RUN_NANOS until each did two grow-and-drain cycles, up to this. */
    private static final long MAX_RUN_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Never removed once inserted; writer w owns address STABLE_BASE + w. */
    private static final int STABLE_PER_WRITER = 1_000;
    private static final int STABLE_BASE = 0xC612_0000; // 198.18.0.0
    /** Inserted and removed; writer w owns addresses CHURN_BASE + w * 16 .. + 15. */
    private static final int CHURN_BASE = 0xC613_0000; // 198.19.0.0
    private static final int CHURN_KEYS_PER_WRITER = 16 * 4096;

    @Test
    void concurrentReadersSeeOnlyCorrectBindings() throws InterruptedException {
        CallIdTranslationMap map = new CallIdTranslationMap();
        int initialCapacity = map.capacity();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        // Published by writers after putIfAbsent/remove returned; read by readers (volatile semantics).
        AtomicIntegerArray stableInserted = new AtomicIntegerArray(WRITERS);
        GreBinding[][] stable = new GreBinding[WRITERS][STABLE_PER_WRITER];
        AtomicReferenceArray<GreBinding> lastRemoved = new AtomicReferenceArray<>(WRITERS);
        @SuppressWarnings("unchecked")
        Map<Long, GreBinding>[] churnModels = new Map[WRITERS];
        long started = System.nanoTime();
        long deadline = started + RUN_NANOS;
        long hardDeadline = started + MAX_RUN_NANOS;
        AtomicInteger writersRunning = new AtomicInteger(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        long[] readerChecks = new long[READERS];
        List<Thread> threads = new ArrayList<>();

        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            for (int i = 0; i < STABLE_PER_WRITER; i++) {
                stable[w][i] = new GreBinding(STABLE_BASE + w, i, 1, i, "stable");
            }
            Map<Long, GreBinding> model = new HashMap<>();
            churnModels[w] = model;
            threads.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(1000 + writer);
                await(start);
                try {
                    int nextStable = 0;
                    List<GreBinding> present = new ArrayList<>();
                    long ops = 0;
                    // Alternate phases: fill up to a target (grow rebuilds), then drain (tombstones, shrink rebuilds).
                    int target = 1;
                    boolean filling = true;
                    int cycles = 0;
                    while ((System.nanoTime() - deadline < 0 || cycles < 2) && System.nanoTime() - hardDeadline < 0) {
                        ops++;
                        if (nextStable < STABLE_PER_WRITER && (ops & 7) == 0) {
                            if (!map.putIfAbsent(stable[writer][nextStable])) {
                                report(failures, "stable insert refused: " + stable[writer][nextStable]);
                            }
                            stableInserted.set(writer, ++nextStable);
                            continue;
                        }
                        if (filling) {
                            int k = random.nextInt(CHURN_KEYS_PER_WRITER);
                            int address = CHURN_BASE + writer * 16 + (k >>> 12);
                            int callId = k & 0xFFF;
                            long key = GreBinding.key(address, callId);
                            if (!model.containsKey(key)) {
                                GreBinding b = new GreBinding(address, callId, 2, callId, ops);
                                if (!map.putIfAbsent(b)) {
                                    report(failures, "churn insert refused: " + b);
                                }
                                model.put(key, b);
                                present.add(b);
                            }
                        } else {
                            int index = random.nextInt(present.size());
                            GreBinding b = present.get(index);
                            present.set(index, present.get(present.size() - 1));
                            present.remove(present.size() - 1);
                            if (!map.remove(b)) {
                                report(failures, "churn remove failed: " + b);
                            }
                            model.remove(b.key);
                            lastRemoved.set(writer, b);
                        }
                        if (filling && model.size() >= target) {
                            filling = false;
                        } else if (!filling && model.size() <= target / 8) {
                            filling = true;
                            if (target >= 16_384) {
                                target = 1;
                                cycles++;
                            } else {
                                target *= 4;
                            }
                        }
                    }
                } finally {
                    writersRunning.decrementAndGet();
                }
            }, "map-writer-" + w));
        }

        for (int r = 0; r < READERS; r++) {
            int reader = r;
            threads.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(2000 + reader);
                await(start);
                long checks = 0;
                while (writersRunning.get() > 0) {
                    for (int batch = 0; batch < 256; batch++, checks++) {
                        int w = random.nextInt(WRITERS);
                        // 1. present-throughout keys are always found, with their own binding
                        int inserted = stableInserted.get(w);
                        if (inserted > 0) {
                            GreBinding expected = stable[w][random.nextInt(inserted)];
                            GreBinding found = map.lookup(expected.inboundAddress(), expected.inboundCallId());
                            if (found != expected) {
                                report(failures, "lost insert: lookup of " + expected + " returned " + found);
                            }
                        }
                        // 2. a churning key yields nothing or a binding of exactly that key
                        int k = random.nextInt(CHURN_KEYS_PER_WRITER);
                        int address = CHURN_BASE + w * 16 + (k >>> 12);
                        int callId = k & 0xFFF;
                        GreBinding found = map.lookup(address, callId);
                        if (found != null && (found.inboundAddress() != address || found.inboundCallId() != callId)) {
                            report(failures, "wrong key: lookup of " + address + '/' + callId + " returned " + found);
                        }
                        // 3. a binding removed before this lookup started is never returned
                        GreBinding removed = lastRemoved.get(w);
                        if (removed != null
                                && map.lookup(removed.inboundAddress(), removed.inboundCallId()) == removed) {
                            report(failures, "removed binding returned: " + removed);
                        }
                        // 4. keys nobody ever inserts are never found
                        if (map.lookup(STABLE_BASE + WRITERS + w, callId) != null) {
                            report(failures, "binding found for a key never inserted");
                        }
                    }
                    if (failures.size() > 20) {
                        return;
                    }
                }
                readerChecks[reader] = checks;
            }, "map-reader-" + r));
        }

        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + List.copyOf(failures).subList(0, Math.min(5, failures.size())));
        int expectedSize = 0;
        for (int w = 0; w < WRITERS; w++) {
            int inserted = stableInserted.get(w);
            for (int i = 0; i < inserted; i++) {
                GreBinding b = stable[w][i];
                assertSame(b, map.lookup(b.inboundAddress(), b.inboundCallId()));
            }
            for (GreBinding b : churnModels[w].values()) {
                assertSame(b, map.lookup(b.inboundAddress(), b.inboundCallId()));
            }
            expectedSize += inserted + churnModels[w].size();
        }
        assertEquals(expectedSize, map.size());
        // The run must really have exercised rebuilds while readers were reading.
        assertTrue(map.rebuilds >= 12, "rebuilds: " + map.rebuilds);
        assertTrue(map.capacity() > initialCapacity, "capacity: " + map.capacity());
        for (long checks : readerChecks) {
            assertTrue(checks > 10_000, "reader checks: " + checks);
        }
    }

    private static void report(Queue<String> failures, String failure) {
        if (failures.size() < 100) {
            failures.add(failure);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
