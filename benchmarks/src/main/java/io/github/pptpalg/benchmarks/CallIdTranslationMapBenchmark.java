package io.github.pptpalg.benchmarks;

import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link CallIdTranslationMap#lookup(int, int)}, the one map operation on the GRE path, with
 * {@code bindings} live bindings under random (address, Call ID) keys, looked up in a random order
 * that visits every binding (the cache-unfriendly case: real traffic has far more locality).
 * Throughput in lookups per microsecond (= millions per second); run with {@code -prof gc} to see
 * that lookups allocate nothing.
 *
 * <ul>
 *   <li>{@code lookupHit}/{@code lookupMiss}: one thread; {@code *TwoThreads}: two readers at once.</li>
 *   <li>{@code lookupWhileUpdating}: one reader next to one writer that keeps inserting and removing
 *       4096 other bindings (tombstones, periodic rebuilds of the table).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallIdTranslationMapBenchmark {

    private static final int SPARE = 4096;

    @Param({"1000", "100000", "1000000"})
    public int bindings;

    private CallIdTranslationMap map;
    private int mask;
    private int[] hitAddresses;
    private int[] hitCallIds;
    private int[] missAddresses;
    private int[] missCallIds;
    private GreBinding[] spare;

    /** Where each thread is in the lookup sequence; threads start at different places. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            next = ThreadLocalRandom.current().nextInt();
        }
    }

    /** The updater's position in the spare bindings and which of them it has inserted. */
    @State(Scope.Thread)
    public static class Updater {
        int next;
        boolean[] inserted = new boolean[SPARE];
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2637);
        // Peers in 10.0.0.0/8 with about 64 calls each, keys all distinct.
        int peers = Math.max(1, bindings / 64);
        Set<Long> used = new HashSet<>();
        long[] keys = new long[bindings + SPARE];
        for (int n = 0; n < keys.length; ) {
            int address = 0x0A00_0000 + random.nextInt(peers * 2);
            int callId = random.nextInt(65536);
            long key = (long) address << 16 | callId;
            if (used.add(key)) {
                keys[n++] = key;
            }
        }
        map = new CallIdTranslationMap();
        for (int n = 0; n < bindings; n++) {
            map.putIfAbsent(new GreBinding((int) (keys[n] >>> 16), (int) keys[n] & 0xFFFF, 0xC612_0001, n & 0xFFFF, null));
        }
        spare = new GreBinding[SPARE];
        for (int n = 0; n < SPARE; n++) {
            long key = keys[bindings + n];
            spare[n] = new GreBinding((int) (key >>> 16), (int) key & 0xFFFF, 0xC612_0002, n, null);
        }
        int probes = Integer.highestOneBit(Math.max(bindings, 1024) - 1) << 1;
        mask = probes - 1;
        hitAddresses = new int[probes];
        hitCallIds = new int[probes];
        missAddresses = new int[probes];
        missCallIds = new int[probes];
        int[] order = new int[bindings];
        for (int n = 0; n < bindings; n++) {
            order[n] = n;
        }
        for (int n = bindings - 1; n > 0; n--) {
            int j = random.nextInt(n + 1);
            int t = order[n];
            order[n] = order[j];
            order[j] = t;
        }
        for (int p = 0; p < probes; p++) {
            long key = keys[order[p % bindings]];
            hitAddresses[p] = (int) (key >>> 16);
            hitCallIds[p] = (int) key & 0xFFFF;
            long miss;
            do {
                miss = (long) (0x0A00_0000 + random.nextInt(peers * 2)) << 16 | random.nextInt(65536);
            } while (used.contains(miss));
            missAddresses[p] = (int) (miss >>> 16);
            missCallIds[p] = (int) miss & 0xFFFF;
        }
        for (int p = 0; p < probes; p++) {
            if (map.lookup(hitAddresses[p], hitCallIds[p]) == null || map.lookup(missAddresses[p], missCallIds[p]) != null) {
                throw new IllegalStateException("benchmark input is not what it should be");
            }
        }
    }

    private GreBinding hit(Cursor cursor) {
        int i = cursor.next++ & mask;
        return map.lookup(hitAddresses[i], hitCallIds[i]);
    }

    private GreBinding miss(Cursor cursor) {
        int i = cursor.next++ & mask;
        return map.lookup(missAddresses[i], missCallIds[i]);
    }

    @Benchmark
    @Threads(1)
    public GreBinding lookupHit(Cursor cursor) {
        return hit(cursor);
    }

    @Benchmark
    @Threads(1)
    public GreBinding lookupMiss(Cursor cursor) {
        return miss(cursor);
    }

    @Benchmark
    @Threads(2)
    public GreBinding lookupHitTwoThreads(Cursor cursor) {
        return hit(cursor);
    }

    @Benchmark
    @Threads(2)
    public GreBinding lookupMissTwoThreads(Cursor cursor) {
        return miss(cursor);
    }

    @Benchmark
    @Group("lookupWhileUpdating")
    @GroupThreads(1)
    public GreBinding reader(Cursor cursor) {
        return hit(cursor);
    }

    @Benchmark
    @Group("lookupWhileUpdating")
    @GroupThreads(1)
    public boolean updater(Updater updater) {
        int i = updater.next++ & SPARE - 1;
        boolean inserted = updater.inserted[i];
        updater.inserted[i] = !inserted;
        return inserted ? map.remove(spare[i]) : map.putIfAbsent(spare[i]);
    }
}
