package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Properties of the codec over generated input: any valid message round-trips through encoder and
 * decoder unchanged and byte-identical; any byte stream, cut into reads anyhow, either decodes or raises a
 * {@link PptpProtocolException} (never another exception), gives the same result however it is cut, and
 * leaves no buffer unreleased.
 */
class PptpControlPropertiesTest {

    // ------------------------------------------------------------------------------------ round trip

    @Property(tries = 2000)
    void anyMessageRoundTripsUnchangedAndByteIdentical(@ForAll("messages") PptpMessage msg) {
        Statistics.label("type").collect(msg.type());
        ByteBuf first = Unpooled.buffer();
        ByteBuf second = Unpooled.buffer();
        EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder(0xFFFF));
        try {
            assertEquals(msg.length(), PptpControlCodec.encode(msg, first));
            assertEquals(msg.length(), first.readableBytes());
            assertEquals(msg.length(), first.getUnsignedShort(0));
            assertEquals(1, first.getUnsignedShort(2));
            assertEquals(0x1A2B3C4D, first.getInt(4));
            assertEquals(msg.type().value(), first.getUnsignedShort(8));
            assertEquals(msg.reserved0(), first.getUnsignedShort(10));
            assertArrayEquals(msg.trailer(), ByteBufUtil.getBytes(first, msg.type().fixedLength(), msg.trailerLength()));
            assertEquals(PptpMessages.callId(msg), PptpControlCodec.callId(first, 0));
            assertEquals(PptpMessages.peerCallId(msg), PptpControlCodec.peerCallId(first, 0));
            assertEquals(PptpMessages.resultCode(msg), PptpControlCodec.resultCode(first, 0));

            assertTrue(channel.writeInbound(first.retainedDuplicate()));
            PptpMessage decoded = channel.readInbound();
            assertNull(channel.readInbound());
            assertEquals(msg, decoded);
            assertEquals(msg.hashCode(), decoded.hashCode());

            PptpControlCodec.encode(decoded, second);
            assertEquals(ByteBufUtil.hexDump(first), ByteBufUtil.hexDump(second));
            assertFalse(channel.finish());
        } finally {
            first.release();
            second.release();
        }
    }

    @Property(tries = 1000)
    void anyBodyBytesDecodeAndReEncodeIdentically(@ForAll("types") PptpMessageType type,
            @ForAll("bodies") byte[] body, @ForAll("trailers") byte[] trailer) {
        int length = type.fixedLength() + trailer.length;
        byte[] frame = new Wire().u16(length).u16(1).u32(0x1A2B3C4DL).u16(type.value())
                .raw(Arrays.copyOf(body, type.fixedLength() - 10)).raw(trailer).bytes();
        ByteBuf in = Unpooled.wrappedBuffer(frame);
        ByteBuf out = Unpooled.buffer();
        try {
            PptpMessage msg = PptpControlCodec.decode(in);
            assertFalse(in.isReadable());
            assertEquals(type, msg.type());
            PptpControlCodec.encode(msg, out);
            assertArrayEquals(frame, ByteBufUtil.getBytes(out));
        } finally {
            in.release();
            out.release();
        }
    }

    // -------------------------------------------------------------------------------- byte streams

    @Property(tries = 1500)
    void anyStreamInAnyChunkingDecodesOrFailsCleanly(@ForAll("streams") byte[] stream,
            @ForAll("chunkings") List<Integer> chunking) {
        // A decoder that loops forever fails here instead of hanging the build.
        Outcome chunked = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Outcome outcome = feed(stream, chunking);
            Outcome whole = feed(stream, List.of(Math.max(1, stream.length)));
            assertEquals(whole, outcome, "the same outcome however the stream is cut");
            checkAgainstStaticDecode(stream, outcome);
            return outcome;
        });
        Statistics.label("outcome").collect(chunked.error() == null ? "no error" : chunked.error().kind());
        Statistics.label("messages decoded").collect(Math.min(chunked.messages().size(), 3));
    }

    /** The result of feeding a stream to a decoder. */
    record Outcome(List<PptpMessage> messages, PptpProtocolException error) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && messages.equals(other.messages)
                    && (error == null ? other.error == null
                        : other.error != null && error.kind() == other.error.kind()
                            && error.getMessage().equals(other.error.getMessage()));
        }

        @Override
        public int hashCode() {
            return messages.hashCode();
        }
    }

    /**
     * Feeds {@code stream} in reads of the sizes of {@code chunking} (cycled), checking that only
     * {@link PptpProtocolException} escapes, at most once, that nothing comes out after it, and that every
     * buffer is released at the end.
     */
    private static Outcome feed(byte[] stream, List<Integer> chunking) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new PptpControlDecoder());
        List<PptpMessage> messages = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();
        PptpProtocolException error = null;
        try {
            int pos = 0;
            for (int i = 0; pos < stream.length; i++) {
                int n = Math.min(chunking.get(i % chunking.size()), stream.length - pos);
                ByteBuf in = alloc.heapBuffer(n).writeBytes(stream, pos, n);
                inputs.add(in);
                pos += n;
                boolean failedBefore = error != null;
                try {
                    channel.writeInbound(in);
                } catch (PptpProtocolException e) {
                    assertNull(error, "a single error per connection");
                    error = e;
                }
                for (Object o; (o = channel.readInbound()) != null; ) {
                    assertFalse(failedBefore, "a message after the error");
                    messages.add(assertInstanceOf(PptpMessage.class, o));
                }
            }
            assertFalse(channel.finish());
        } finally {
            channel.finishAndReleaseAll();
        }
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "input released");
        }
        assertEquals(0, alloc.metric().usedHeapMemory(), "heap memory left allocated");
        assertEquals(0, alloc.metric().usedDirectMemory(), "direct memory left allocated");
        return new Outcome(messages, error);
    }

    /**
     * The decoded messages re-encode to exactly the start of the stream; what follows is either an
     * incomplete message (no error) or a message with the very error the static decoder finds in it.
     */
    private static void checkAgainstStaticDecode(byte[] stream, Outcome outcome) {
        ByteBuf encoded = Unpooled.buffer();
        try {
            for (PptpMessage msg : outcome.messages()) {
                PptpControlCodec.encode(msg, encoded);
            }
            int consumed = encoded.readableBytes();
            assertTrue(consumed <= stream.length);
            assertEquals(ByteBufUtil.hexDump(stream, 0, consumed), ByteBufUtil.hexDump(encoded));
            ByteBuf rest = Unpooled.wrappedBuffer(stream, consumed, stream.length - consumed);
            try {
                if (outcome.error() != null) {
                    PptpProtocolException e = assertThrows(PptpProtocolException.class,
                            () -> PptpControlCodec.decode(rest, PptpControlCodec.DEFAULT_MAX_LENGTH));
                    assertEquals(outcome.error().getMessage(), e.getMessage());
                    assertEquals(outcome.error().kind(), e.kind());
                } else if (rest.isReadable()) {
                    PptpProtocolException e = assertThrows(PptpProtocolException.class,
                            () -> PptpControlCodec.decode(rest, PptpControlCodec.DEFAULT_MAX_LENGTH));
                    assertTrue(e.getMessage().startsWith("frame length: ")
                            || e.getMessage().endsWith("the readable bytes of the frame)"), e.getMessage());
                }
            } finally {
                rest.release();
            }
        } finally {
            encoded.release();
        }
    }

    // ---------------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<PptpMessageType> types() {
        return Arbitraries.of(PptpMessageType.class);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofSize(220 - 10);
    }

    @Provide
    Arbitrary<byte[]> trailers() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(80)));
    }

    @Provide
    Arbitrary<List<Integer>> chunkings() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(List.of(1))),
                Tuple.of(4, Arbitraries.integers().between(1, 40).list().ofMinSize(1).ofMaxSize(20)),
                Tuple.of(2, Arbitraries.integers().between(1, 400).list().ofMinSize(1).ofMaxSize(5)));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> valid = messages().list().ofMinSize(1).ofMaxSize(4).map(PptpControlPropertiesTest::encodeAll);
        Arbitrary<byte[]> mutated = Combinators.combine(valid, Arbitraries.randoms())
                .as(PptpControlPropertiesTest::mutate);
        return Arbitraries.frequencyOf(
                Tuple.of(1, noise),
                Tuple.of(2, valid),
                Tuple.of(5, mutated));
    }

    private static byte[] encodeAll(List<PptpMessage> messages) {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (PptpMessage msg : messages) {
                PptpControlCodec.encode(msg, buf);
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Flips bits, overwrites header-ish bytes, cuts, or inserts noise: one to three mutations. */
    private static byte[] mutate(byte[] stream, Random random) {
        byte[] s = stream;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && s.length > 0; m++) {
            int at = random.nextInt(s.length);
            switch (random.nextInt(5)) {
                case 0 -> s[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> s[at] = (byte) random.nextInt(256);
                case 2 -> s = Arrays.copyOf(s, at);
                case 3 -> {
                    byte[] noise = new byte[1 + random.nextInt(8)];
                    random.nextBytes(noise);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(s, 0, at);
                    out.write(noise, 0, noise.length);
                    out.write(s, at, s.length - at);
                    s = out.toByteArray();
                }
                default -> {
                    // Hit a header field of the first message: Length, PPTP type, cookie or control type.
                    int[] fields = {0, 1, 2, 3, 4, 7, 8, 9};
                    int i = fields[random.nextInt(fields.length)];
                    if (i < s.length) {
                        s[i] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return s;
    }

    private static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 0xFF);
    }

    private static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    private static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xFFFFFFFFL);
    }

    /** Clean NUL-padded text, text followed by garbage after its NUL, or raw bytes. */
    private static Arbitrary<PptpString> string(int size) {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0001', '\u00FF').ofMaxLength(size);
        Arbitrary<PptpString> clean = text.map(t -> PptpString.of(t, size));
        Arbitrary<PptpString> garbage = Combinators.combine(text, Arbitraries.bytes().array(byte[].class).ofSize(size))
                .as((t, raw) -> {
                    byte[] bytes = raw.clone();
                    int n = Math.min(t.length(), size - 1);
                    for (int i = 0; i < n; i++) {
                        bytes[i] = (byte) t.charAt(i);
                    }
                    bytes[n] = 0;
                    return PptpString.copyOf(bytes);
                });
        Arbitrary<PptpString> raw = Arbitraries.bytes().array(byte[].class).ofSize(size).map(PptpString::copyOf);
        return Arbitraries.oneOf(clean, garbage, raw);
    }

    @Provide
    Arbitrary<PptpMessage> messages() {
        return Arbitraries.oneOf(List.of(
                Builders.withBuilder(StartControlConnectionRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.protocolVersion(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(u32()).in((b, v) -> b.framingCapabilities(v))
                        .use(u32()).in((b, v) -> b.bearerCapabilities(v))
                        .use(u16()).in((b, v) -> b.maximumChannels(v))
                        .use(u16()).in((b, v) -> b.firmwareRevision(v))
                        .use(string(64)).in((b, v) -> b.hostName(v))
                        .use(string(64)).in((b, v) -> b.vendorString(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(StartControlConnectionReply::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.protocolVersion(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u32()).in((b, v) -> b.framingCapabilities(v))
                        .use(u32()).in((b, v) -> b.bearerCapabilities(v))
                        .use(u16()).in((b, v) -> b.maximumChannels(v))
                        .use(u16()).in((b, v) -> b.firmwareRevision(v))
                        .use(string(64)).in((b, v) -> b.hostName(v))
                        .use(string(64)).in((b, v) -> b.vendorString(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(StopControlConnectionRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u8()).in((b, v) -> b.reason((int) v))
                        .use(u8()).in((b, v) -> b.reserved1(v))
                        .use(u16()).in((b, v) -> b.reserved2(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(StopControlConnectionReply::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(EchoRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u32()).in((b, v) -> b.identifier(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(EchoReply::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u32()).in((b, v) -> b.identifier(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(OutgoingCallRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u16()).in((b, v) -> b.callSerialNumber(v))
                        .use(u32()).in((b, v) -> b.minimumBps(v))
                        .use(u32()).in((b, v) -> b.maximumBps(v))
                        .use(u32()).in((b, v) -> b.bearerType(v))
                        .use(u32()).in((b, v) -> b.framingType(v))
                        .use(u16()).in((b, v) -> b.packetRecvWindowSize(v))
                        .use(u16()).in((b, v) -> b.packetProcessingDelay(v))
                        .use(u16()).in((b, v) -> b.phoneNumberLength(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(string(64)).in((b, v) -> b.phoneNumber(v))
                        .use(string(64)).in((b, v) -> b.subaddress(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(OutgoingCallReply::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u16()).in((b, v) -> b.peerCallId(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u16()).in((b, v) -> b.causeCode((int) v))
                        .use(u32()).in((b, v) -> b.connectSpeed(v))
                        .use(u16()).in((b, v) -> b.packetRecvWindowSize(v))
                        .use(u16()).in((b, v) -> b.packetProcessingDelay(v))
                        .use(u32()).in((b, v) -> b.physicalChannelId(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(IncomingCallRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u16()).in((b, v) -> b.callSerialNumber(v))
                        .use(u32()).in((b, v) -> b.callBearerType(v))
                        .use(u32()).in((b, v) -> b.physicalChannelId(v))
                        .use(u16()).in((b, v) -> b.dialedNumberLength(v))
                        .use(u16()).in((b, v) -> b.dialingNumberLength(v))
                        .use(string(64)).in((b, v) -> b.dialedNumber(v))
                        .use(string(64)).in((b, v) -> b.dialingNumber(v))
                        .use(string(64)).in((b, v) -> b.subaddress(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(IncomingCallReply::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u16()).in((b, v) -> b.peerCallId(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u16()).in((b, v) -> b.packetRecvWindowSize(v))
                        .use(u16()).in((b, v) -> b.packetTransmitDelay(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(IncomingCallConnected::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.peerCallId(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(u32()).in((b, v) -> b.connectSpeed(v))
                        .use(u16()).in((b, v) -> b.packetRecvWindowSize(v))
                        .use(u16()).in((b, v) -> b.packetTransmitDelay(v))
                        .use(u32()).in((b, v) -> b.framingType(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(CallClearRequest::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(CallDisconnectNotify::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.callId(v))
                        .use(u8()).in((b, v) -> b.resultCode((int) v))
                        .use(u8()).in((b, v) -> b.errorCode((int) v))
                        .use(u16()).in((b, v) -> b.causeCode((int) v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(string(128)).in((b, v) -> b.callStatistics(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(WanErrorNotify::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.peerCallId(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(u32()).in((b, v) -> b.crcErrors(v))
                        .use(u32()).in((b, v) -> b.framingErrors(v))
                        .use(u32()).in((b, v) -> b.hardwareOverruns(v))
                        .use(u32()).in((b, v) -> b.bufferOverruns(v))
                        .use(u32()).in((b, v) -> b.timeoutErrors(v))
                        .use(u32()).in((b, v) -> b.alignmentErrors(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build()),
                Builders.withBuilder(SetLinkInfo::builder)
                        .use(u16()).in((b, v) -> b.reserved0(v))
                        .use(u16()).in((b, v) -> b.peerCallId(v))
                        .use(u16()).in((b, v) -> b.reserved1(v))
                        .use(u32()).in((b, v) -> b.sendAccm(v))
                        .use(u32()).in((b, v) -> b.receiveAccm(v))
                        .use(trailers()).in((b, v) -> b.trailer(v))
                        .build(b -> (PptpMessage) b.build())));
    }
}
