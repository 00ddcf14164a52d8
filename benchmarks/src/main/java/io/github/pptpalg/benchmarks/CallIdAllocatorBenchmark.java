package io.github.pptpalg.benchmarks;

import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One call's worth of {@link CallIdAllocator} work: release a live Call ID and allocate another, over
 * the full 0-65535 range held at {@code occupancyPercent} occupancy. Released Call IDs go through a
 * real quarantine (100 µs on a clock that advances 1 µs per reading, so about 50 of them wait at any
 * time). {@code random}: {@code splittable} (a fast seeded generator, the allocator's own cost) or
 * {@code secure} (a {@link SecureRandom}, what the convenience constructor uses).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallIdAllocatorBenchmark {

    @Param({"50", "99"})
    public int occupancyPercent;

    @Param({"splittable", "secure"})
    public String random;

    private CallIdAllocator allocator;
    private int[] live;
    private int next;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        RandomGenerator generator = "secure".equals(random) ? new SecureRandom() : new SplittableRandom(2637);
        allocator = new CallIdAllocator(CallIdRange.ALL, Duration.ofNanos(100_000), generator, this::tick);
        live = new int[CallIdRange.ALL.size() * occupancyPercent / 100];
        for (int i = 0; i < live.length; i++) {
            live[i] = allocator.allocate();
        }
    }

    private long tick() {
        return now += 1_000;
    }

    @Benchmark
    public int releaseAndAllocate() {
        int i = next;
        next = i + 1 == live.length ? 0 : i + 1;
        allocator.release(live[i]);
        int id = allocator.allocate();
        live[i] = id;
        return id;
    }
}
