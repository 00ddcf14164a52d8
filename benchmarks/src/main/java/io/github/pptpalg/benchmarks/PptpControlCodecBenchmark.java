package io.github.pptpalg.benchmarks;

import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The PPTP control codec on the two messages a relay sees most at call set-up: a Start-Control-Connection-
 * Request (156 bytes, two 64-byte strings) and an Outgoing-Call-Reply (32 bytes, two Call IDs).
 *
 * <ul>
 *   <li>{@code decode*}: {@code PptpControlCodec.decode} of a frame in a pooled direct buffer (as a socket
 *       read leaves it) into a message record. This allocates the record and its string fields by design.</li>
 *   <li>{@code encode*}: {@code PptpControlCodec.encode} of a record into a reused pooled direct buffer:
 *       must be about 0 B/op.</li>
 *   <li>{@code rewriteCallIds}: the relay's alternative to decode + re-encode, {@code setCallId} and
 *       {@code setPeerCallId} in place on an encoded OCRP: must be about 0 B/op.</li>
 * </ul>
 * Run with {@code -prof gc} and read {@code gc.alloc.rate.norm}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PptpControlCodecBenchmark {

    private StartControlConnectionRequest sccrq;
    private OutgoingCallReply ocrp;
    private ByteBuf sccrqFrame;
    private ByteBuf ocrpFrame;
    private ByteBuf out;
    private int callId;

    @Setup(Level.Trial)
    public void setUp() {
        sccrq = StartControlConnectionRequest.builder()
                .protocolVersion(0x0100).framingCapabilities(1).bearerCapabilities(1)
                .firmwareRevision(0x0F00).hostName("pns.example.net").vendorString("Microsoft Windows NT").build();
        ocrp = OutgoingCallReply.builder()
                .callId(0x35C9).peerCallId(0xA9C0).resultCode(ResultCode.OCRP_CONNECTED)
                .connectSpeed(100_000_000).packetRecvWindowSize(64).build();
        sccrqFrame = PooledByteBufAllocator.DEFAULT.directBuffer(sccrq.length());
        PptpControlCodec.encode(sccrq, sccrqFrame);
        ocrpFrame = PooledByteBufAllocator.DEFAULT.directBuffer(ocrp.length());
        PptpControlCodec.encode(ocrp, ocrpFrame);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        if (!sccrq.equals(decodeSccrq()) || !ocrp.equals(decodeOcrp())) {
            throw new IllegalStateException("benchmark input does not round-trip");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sccrqFrame.release();
        ocrpFrame.release();
        out.release();
    }

    @Benchmark
    public PptpMessage decodeSccrq() {
        sccrqFrame.readerIndex(0);
        return PptpControlCodec.decode(sccrqFrame);
    }

    @Benchmark
    public PptpMessage decodeOcrp() {
        ocrpFrame.readerIndex(0);
        return PptpControlCodec.decode(ocrpFrame);
    }

    @Benchmark
    public void encodeSccrq(Blackhole bh) {
        out.clear();
        bh.consume(PptpControlCodec.encode(sccrq, out));
    }

    @Benchmark
    public void encodeOcrp(Blackhole bh) {
        out.clear();
        bh.consume(PptpControlCodec.encode(ocrp, out));
    }

    /** Translate both Call IDs of an encoded OCRP in place, as the relay does before forwarding it. */
    @Benchmark
    public int rewriteCallIds() {
        int id = callId = (callId + 1) & 0xFFFF;
        PptpControlCodec.setCallId(ocrpFrame, 0, id);
        PptpControlCodec.setPeerCallId(ocrpFrame, 0, id ^ 0xFFFF);
        return PptpControlCodec.callId(ocrpFrame, 0);
    }
}
