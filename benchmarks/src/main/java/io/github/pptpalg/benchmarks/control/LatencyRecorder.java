package io.github.pptpalg.benchmarks.control;

import java.util.Arrays;

/**
 * Round-trip times in nanoseconds, kept exactly in a preallocated array (samples beyond its capacity are
 * counted but not kept). Written by the generator's single event-loop thread, read after the run has ended.
 */
final class LatencyRecorder {

    private final long[] samples;
    private int count;
    private long dropped;

    LatencyRecorder(int capacity) {
        this.samples = new long[capacity];
    }

    void record(long nanos) {
        if (count < samples.length) {
            samples[count++] = nanos;
        } else {
            dropped++;
        }
    }

    int count() {
        return count;
    }

    long dropped() {
        return dropped;
    }

    /** The percentiles (0..100) asked for, in nanoseconds; NaN-free: -1 if there is no sample. */
    long[] percentiles(double... ps) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        long[] out = new long[ps.length];
        for (int i = 0; i < ps.length; i++) {
            if (sorted.length == 0) {
                out[i] = -1;
            } else {
                int rank = (int) Math.ceil(ps[i] / 100.0 * sorted.length) - 1;
                out[i] = sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
            }
        }
        return out;
    }
}
