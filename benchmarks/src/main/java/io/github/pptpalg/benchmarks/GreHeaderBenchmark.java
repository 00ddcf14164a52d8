package io.github.pptpalg.benchmarks;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.GreValidation;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.codec.gre.Ipv4Validation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The per-packet work of the GRE relay on a received datagram, in place on a pooled direct buffer
 * as a raw socket fills it: validate the IPv4 header, validate the enhanced-GRE header behind it,
 * read the source address and the Call ID, rewrite the Call ID. Run with {@code -prof gc}: the
 * {@code gc.alloc.rate.norm} of every method must be about 0 B/op.
 *
 * <p>The datagram sits at a non-zero offset (like a slot of a batched receive buffer) and carries
 * both a sequence and an acknowledgment number, the longest header the relay sees.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GreHeaderBenchmark {

    private static final int SLOT_OFFSET = 64;
    private static final int SOURCE = 0xC6120001; // 198.18.0.1
    private static final int DESTINATION = 0xC6120102; // 198.18.1.2

    /** PPP payload bytes after the GRE header. */
    @Param({"64", "1400"})
    public int payloadSize;

    private ByteBuf datagram;
    private ByteBuf plainGre;
    private int datagramLength;

    @Setup(Level.Trial)
    public void setUp() {
        int greLength = 16 + payloadSize;
        datagramLength = Ipv4Header.MIN_HEADER_LENGTH + greLength;
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(SLOT_OFFSET + datagramLength);
        datagram.writeZero(SLOT_OFFSET);
        Ipv4Header.writeHeader(datagram, SOURCE, DESTINATION, Ipv4Header.PROTOCOL_GRE, greLength, 0x1C46, 64);
        EnhancedGreHeader.writeHeader(datagram, 0xBEEF, payloadSize, 42, 41);
        for (int i = 0; i < payloadSize; i++) {
            datagram.writeByte(i);
        }
        // Plain GRE (version 0, IPv4 inside) from another tunnel on the host: the common drop.
        plainGre = PooledByteBufAllocator.DEFAULT.directBuffer(SLOT_OFFSET + datagramLength);
        plainGre.writeBytes(datagram, 0, SLOT_OFFSET + datagramLength);
        plainGre.setShort(SLOT_OFFSET + Ipv4Header.MIN_HEADER_LENGTH, 0x0000);
        plainGre.setShort(SLOT_OFFSET + Ipv4Header.MIN_HEADER_LENGTH + 2, 0x0800);
        if (relay(datagram) < 0 || relay(plainGre) != -2) {
            throw new IllegalStateException("benchmark input is not what it should be");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        datagram.release();
        plainGre.release();
    }

    /** The whole relay step: both validations, source address, Call ID read and rewrite. */
    @Benchmark
    public int validateAndRewriteCallId() {
        return relay(datagram);
    }

    /** The drop path: a plain-GRE datagram rejected at the GRE version check. */
    @Benchmark
    public int rejectPlainGre() {
        return relay(plainGre);
    }

    /** IPv4 validation alone. */
    @Benchmark
    public Ipv4Validation validateIpv4() {
        return Ipv4Header.validate(datagram, SLOT_OFFSET, datagramLength);
    }

    /** Enhanced-GRE validation alone. */
    @Benchmark
    public GreValidation validateGre() {
        return EnhancedGreHeader.validate(datagram, SLOT_OFFSET + Ipv4Header.MIN_HEADER_LENGTH,
                datagramLength - Ipv4Header.MIN_HEADER_LENGTH);
    }

    private int relay(ByteBuf buf) {
        if (Ipv4Header.validate(buf, SLOT_OFFSET, datagramLength) != Ipv4Validation.VALID) {
            return -1;
        }
        int gre = Ipv4Header.payloadOffset(buf, SLOT_OFFSET);
        int greLength = Ipv4Header.payloadLength(buf, SLOT_OFFSET);
        if (EnhancedGreHeader.validate(buf, gre, greLength) != GreValidation.VALID) {
            return -2;
        }
        int source = Ipv4Header.sourceAddress(buf, SLOT_OFFSET);
        int callId = EnhancedGreHeader.callId(buf, gre);
        // A real relay looks (source, callId) up; flipping bits stands in for the translated ID and
        // keeps the packet valid for the next invocation.
        EnhancedGreHeader.setCallId(buf, gre, callId ^ 0x5A5A);
        return callId ^ source & 0x7FFF_FFFF;
    }
}
