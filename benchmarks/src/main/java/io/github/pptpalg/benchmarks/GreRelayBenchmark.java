package io.github.pptpalg.benchmarks;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.gre.GreRelay;
import io.github.pptpalg.netty.raw.GreSendQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GRE relay step ({@link GreRelay#datagramReceived}) as the raw socket drives it, minus the
 * system calls: a received datagram in a slot of a pooled direct buffer is validated (IPv4 and
 * enhanced GRE), looked up in a {@link CallIdTranslationMap} of {@code bindings} bindings, its Call
 * ID rewritten in place, the binding's and the gateway's counters updated, and the GRE part handed
 * to an outbound batch (an array, as the socket's sendmmsg vector). {@code SLOTS} datagrams of
 * distinct random bindings are visited in turn, so with many bindings the lookup misses the CPU
 * caches as real traffic of many calls would.
 *
 * <ul>
 *   <li>{@code relay}: every datagram has a binding (the Call ID is rewritten to the same value,
 *       so the datagrams stay valid from one pass to the next; the write still happens).</li>
 *   <li>{@code dropNoMatchingCall}: no binding; the drop is classified with the allocator and
 *       counted.</li>
 * </ul>
 * Run with {@code -prof gc}: both allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GreRelayBenchmark {

    private static final int SLOTS = 1024;
    private static final int SLOT_SIZE = 2048;
    private static final int PAYLOAD = 64;
    private static final int GATEWAY = 0xC6120001;

    @Param({"1000", "100000"})
    public int bindings;

    private ByteBuf slots;
    private int[] hitLengths;
    private ByteBuf missSlots;
    private GreRelay relay;
    private OutboundBatch batch;
    private int next;

    /** The outbound batch: one entry per datagram, as the socket's sendmmsg vector. */
    static final class OutboundBatch implements GreSendQueue {
        final int[] offsets = new int[64];
        final int[] lengths = new int[64];
        final int[] destinations = new int[64];
        int count;

        @Override
        public void add(int offset, int length, int destinationAddress) {
            int i = count;
            offsets[i] = offset;
            lengths[i] = length;
            destinations[i] = destinationAddress;
            count = i + 1 == offsets.length ? 0 : i + 1;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(2637);
        CallIdTranslationMap map = new CallIdTranslationMap(bindings);
        int[] addresses = new int[bindings];
        int[] callIds = new int[bindings];
        for (int i = 0; i < bindings; ) {
            int address = 0xC6120000 | random.nextInt(1 << 17); // 198.18.0.0/15
            int callId = random.nextInt(1 << 16);
            GreDirection direction = (i & 1) == 0 ? GreDirection.ACCEPTED_TO_CONNECTED
                    : GreDirection.CONNECTED_TO_ACCEPTED;
            if (map.putIfAbsent(new GreBinding(address, callId, address ^ 1, callId, direction))) {
                addresses[i] = address;
                callIds[i] = callId;
                i++;
            }
        }
        CallIdAllocator allocator = new CallIdAllocator(CallIdRange.ALL);
        relay = new GreRelay(map, allocator, new AlgMetrics(), binding -> (GreDirection) binding.owner());
        batch = new OutboundBatch();

        slots = PooledByteBufAllocator.DEFAULT.directBuffer(SLOTS * SLOT_SIZE);
        missSlots = PooledByteBufAllocator.DEFAULT.directBuffer(SLOTS * SLOT_SIZE);
        hitLengths = new int[SLOTS];
        for (int s = 0; s < SLOTS; s++) {
            int b = random.nextInt(bindings);
            hitLengths[s] = write(slots, s, addresses[b], callIds[b]);
            int missAddress;
            do {
                missAddress = 0xC6140000 | random.nextInt(1 << 16); // 198.20.0.0/16: never bound
            } while (map.lookup(missAddress, 1) != null);
            write(missSlots, s, missAddress, 1);
        }
    }

    private static int write(ByteBuf buf, int slot, int source, int callId) {
        buf.writerIndex(slot * SLOT_SIZE);
        Ipv4Header.writeHeader(buf, source, GATEWAY, Ipv4Header.PROTOCOL_GRE, 16 + PAYLOAD, 1, 64);
        EnhancedGreHeader.writeHeader(buf, callId, PAYLOAD, 1, 1);
        buf.writeZero(PAYLOAD);
        return buf.writerIndex() - slot * SLOT_SIZE;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        slots.release();
        missSlots.release();
    }

    @Benchmark
    public int relay() {
        int s = next;
        next = s + 1 == SLOTS ? 0 : s + 1;
        relay.datagramReceived(slots, s * SLOT_SIZE, hitLengths[s], batch);
        return batch.count;
    }

    @Benchmark
    public int dropNoMatchingCall() {
        int s = next;
        next = s + 1 == SLOTS ? 0 : s + 1;
        relay.datagramReceived(missSlots, s * SLOT_SIZE, 20 + 16 + PAYLOAD, batch);
        return batch.count;
    }
}
