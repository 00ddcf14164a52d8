package io.github.pptpalg.netty.gre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.raw.GreSendQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The relay step on buffers, without sockets: rewrite, counters, and every drop reason. */
class GreRelayTest {

    private static final int ACCEPTED = 0xC6120002; // 198.18.0.2
    private static final int CONNECTED = 0xC6120106; // 198.18.1.6
    private static final int OFFSET = 100; // the datagram's slot starts inside the buffer
    private static final int PAYLOAD = 40;

    private final CallIdTranslationMap map = new CallIdTranslationMap();
    private final CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(40000, 40009));
    private final AlgMetrics metrics = new AlgMetrics();
    private final GreRelay relay = new GreRelay(map, allocator, metrics, binding -> (GreDirection) binding.owner());
    private final RecordingQueue queue = new RecordingQueue();
    private final List<ByteBuf> buffers = new ArrayList<>();

    private int gatewayCallIdForConnected; // gC: the accepted peer sends with it
    private int gatewayCallIdForAccepted; // gA: the connected peer sends with it
    private int quarantined;
    private int free;
    private GreBinding acceptedToConnected;

    /** One queued send. */
    record Queued(int offset, int length, int destination) {
    }

    static final class RecordingQueue implements GreSendQueue {
        final List<Queued> queued = new ArrayList<>();

        @Override
        public void add(int offset, int length, int destinationAddress) {
            queued.add(new Queued(offset, length, destinationAddress));
        }
    }

    @BeforeEach
    void calls() {
        gatewayCallIdForConnected = allocator.allocate();
        gatewayCallIdForAccepted = allocator.allocate();
        quarantined = allocator.allocate();
        allocator.release(quarantined);
        for (int id = 40000; id <= 40009; id++) {
            if (!allocator.isLive(id) && !allocator.isQuarantined(id)) {
                free = id;
            }
        }
        acceptedToConnected = new GreBinding(ACCEPTED, gatewayCallIdForConnected, CONNECTED, 7,
                GreDirection.ACCEPTED_TO_CONNECTED);
        assertTrue(map.putIfAbsent(acceptedToConnected));
        assertTrue(map.putIfAbsent(new GreBinding(CONNECTED, gatewayCallIdForAccepted, ACCEPTED, 0,
                GreDirection.CONNECTED_TO_ACCEPTED)));
    }

    @AfterEach
    void release() {
        buffers.forEach(ByteBuf::release);
    }

    private ByteBuf buffer(boolean direct) {
        ByteBuf buf = direct ? Unpooled.directBuffer(4096) : Unpooled.buffer(4096);
        buffers.add(buf);
        buf.setZero(0, buf.capacity());
        return buf;
    }

    /** Writes IPv4 (IHL 5 + optionWords) + GRE (S and A set) + payload at OFFSET; returns bytes written. */
    private static int writePacket(ByteBuf buf, int source, int callId, int optionWords) {
        buf.writerIndex(OFFSET);
        int greLength = 16 + PAYLOAD;
        Ipv4Header.writeHeader(buf, source, 0xC6120001, Ipv4Header.PROTOCOL_GRE, greLength + 4 * optionWords, 1, 64);
        if (optionWords > 0) {
            buf.setByte(OFFSET, 0x45 + optionWords);
            for (int i = 0; i < optionWords; i++) {
                buf.writeInt(0x01010101);
            }
        }
        EnhancedGreHeader.writeHeader(buf, callId, PAYLOAD, 1234, 5678);
        for (int i = 0; i < PAYLOAD; i++) {
            buf.writeByte(i);
        }
        return buf.writerIndex() - OFFSET;
    }

    private MetricsSnapshot snapshot() {
        return metrics.snapshot();
    }

    private long totalDrops() {
        MetricsSnapshot snapshot = snapshot();
        return Stream.of(GreDropReason.values()).mapToLong(snapshot::greDropped).sum();
    }

    @ParameterizedTest(name = "direct buffer: {0}")
    @ValueSource(booleans = {false, true})
    void rewritesTheCallIdInPlaceAndQueuesTheGrePart(boolean direct) {
        ByteBuf buf = buffer(direct);
        int length = writePacket(buf, ACCEPTED, gatewayCallIdForConnected, 0);
        byte[] before = ByteBufUtil.getBytes(buf, OFFSET, length);

        relay.datagramReceived(buf, OFFSET, length, queue);

        int greOffset = OFFSET + 20;
        assertEquals(List.of(new Queued(greOffset, length - 20, CONNECTED)), queue.queued);
        assertEquals(7, EnhancedGreHeader.callId(buf, greOffset));
        byte[] after = ByteBufUtil.getBytes(buf, OFFSET, length);
        after[26] = before[26];
        after[27] = before[27];
        assertArrayEquals(before, after, "only the two Call ID bytes changed");
        assertEquals(1234, EnhancedGreHeader.sequence(buf, greOffset));
        assertEquals(5678, EnhancedGreHeader.acknowledgment(buf, greOffset));

        assertEquals(1, acceptedToConnected.packets());
        assertEquals(length, acceptedToConnected.bytes(), "as sent: a 20-byte IPv4 header + GRE");
        assertEquals(1, snapshot().grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
        assertEquals(length, snapshot().greBytes(GreDirection.ACCEPTED_TO_CONNECTED));
        assertEquals(0, snapshot().grePackets(GreDirection.CONNECTED_TO_ACCEPTED));
        assertEquals(0, totalDrops());
    }

    @Test
    void theOtherDirectionIsCountedApartAndCallIdZeroIsReal() {
        ByteBuf buf = buffer(true);
        int length = writePacket(buf, CONNECTED, gatewayCallIdForAccepted, 0);

        relay.datagramReceived(buf, OFFSET, length, queue);

        assertEquals(List.of(new Queued(OFFSET + 20, length - 20, ACCEPTED)), queue.queued);
        assertEquals(0, EnhancedGreHeader.callId(buf, OFFSET + 20));
        assertEquals(1, snapshot().grePackets(GreDirection.CONNECTED_TO_ACCEPTED));
    }

    @ParameterizedTest(name = "{0} option words")
    @ValueSource(ints = {1, 10})
    void findsGreAfterIpv4Options(int optionWords) {
        ByteBuf buf = buffer(false);
        int length = writePacket(buf, ACCEPTED, gatewayCallIdForConnected, optionWords);

        relay.datagramReceived(buf, OFFSET, length, queue);

        int greOffset = OFFSET + 20 + 4 * optionWords;
        assertEquals(List.of(new Queued(greOffset, 16 + PAYLOAD, CONNECTED)), queue.queued);
        assertEquals(7, EnhancedGreHeader.callId(buf, greOffset));
        assertEquals(20 + 16 + PAYLOAD, acceptedToConnected.bytes(), "counted as sent, without the options");
    }

    @Test
    void bytesAfterTheIpv4TotalLengthAreNotSent() {
        ByteBuf buf = buffer(false);
        int length = writePacket(buf, ACCEPTED, gatewayCallIdForConnected, 0);

        relay.datagramReceived(buf, OFFSET, length + 30, queue);

        assertEquals(List.of(new Queued(OFFSET + 20, length - 20, CONNECTED)), queue.queued);
    }

    /** A way to spoil a good packet, the bytes read after spoiling it, and the reason it is dropped. */
    static Stream<Arguments> drops() {
        return Stream.of(
                drop("fewer bytes than an IPv4 header", (t, buf) -> { }, 19, GreDropReason.TRUNCATED),
                drop("fewer bytes than IHL announces", (t, buf) -> buf.setByte(OFFSET, 0x4F), 40,
                        GreDropReason.TRUNCATED),
                drop("total length above the bytes read (cut by the slot)", (t, buf) -> { }, -1,
                        GreDropReason.TRUNCATED),
                drop("total length below the header", (t, buf) -> buf.setShort(OFFSET + 2, 10), 0,
                        GreDropReason.MALFORMED),
                drop("IP version 6", (t, buf) -> buf.setByte(OFFSET, 0x65), 0, GreDropReason.MALFORMED),
                drop("IHL 4", (t, buf) -> buf.setByte(OFFSET, 0x44), 0, GreDropReason.MALFORMED),
                drop("not GRE", (t, buf) -> buf.setByte(OFFSET + 9, 17), 0, GreDropReason.MALFORMED),
                drop("fragment", (t, buf) -> buf.setShort(OFFSET + 6, 0x2000), 0, GreDropReason.FRAGMENT),
                drop("GRE version 0", (t, buf) -> buf.setShort(OFFSET + 20, 0x3080), 0, GreDropReason.MALFORMED),
                drop("GRE checksum present", (t, buf) -> buf.setShort(OFFSET + 20, 0xB081), 0,
                        GreDropReason.MALFORMED),
                drop("GRE not PPP", (t, buf) -> buf.setShort(OFFSET + 22, 0x0800), 0, GreDropReason.MALFORMED),
                drop("GRE shorter than its header", (t, buf) -> buf.setShort(OFFSET + 2, 20 + 12), 0,
                        GreDropReason.TRUNCATED),
                drop("GRE payload length beyond the packet", (t, buf) -> buf.setShort(OFFSET + 24, PAYLOAD + 1), 0,
                        GreDropReason.MALFORMED),
                drop("no call uses this Call ID", (t, buf) -> buf.setShort(OFFSET + 26, t.free), 0,
                        GreDropReason.NO_MATCHING_CALL),
                drop("live Call ID from the wrong address",
                        (t, buf) -> buf.setShort(OFFSET + 26, t.gatewayCallIdForAccepted), 0,
                        GreDropReason.WRONG_SOURCE_ADDRESS),
                drop("released Call ID in quarantine", (t, buf) -> buf.setShort(OFFSET + 26, t.quarantined), 0,
                        GreDropReason.QUARANTINED_CALL_ID),
                drop("Call ID outside this instance's range", (t, buf) -> buf.setShort(OFFSET + 26, 39999), 0,
                        GreDropReason.NOT_FOR_THIS_INSTANCE));
    }

    interface Spoiler {
        void spoil(GreRelayTest test, ByteBuf buf);
    }

    private static Arguments drop(String what, Spoiler spoiler, int bytesRead, GreDropReason reason) {
        return Arguments.of(what, spoiler, bytesRead, reason);
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("drops")
    void dropsAndCountsByReason(String what, Spoiler spoiler, int bytesRead, GreDropReason reason) {
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf buf = buffer(direct);
            int length = writePacket(buf, ACCEPTED, gatewayCallIdForConnected, 0);
            spoiler.spoil(this, buf);
            int read = bytesRead == 0 ? length : bytesRead < 0 ? length + bytesRead : bytesRead;
            byte[] before = ByteBufUtil.getBytes(buf, 0, buf.capacity());

            relay.datagramReceived(buf, OFFSET, read, queue);

            assertArrayEquals(before, ByteBufUtil.getBytes(buf, 0, buf.capacity()), "the buffer is untouched");
        }
        assertTrue(queue.queued.isEmpty());
        assertEquals(2, snapshot().greDropped(reason), what);
        assertEquals(2, totalDrops(), "counted under one reason only");
        assertEquals(0, acceptedToConnected.packets());
        assertEquals(0, snapshot().grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
    }

    @Test
    void aFailedSendIsCountedAsSendFailed() {
        relay.sendFailed(CONNECTED, 113);

        assertEquals(1, snapshot().greDropped(GreDropReason.SEND_FAILED));
        assertEquals(1, totalDrops());
    }

    @Test
    void keepsArrivalOrderWithinACall() {
        ByteBuf buf = buffer(true);
        List<Integer> offsets = new ArrayList<>();
        Consumer<Integer> at = offset -> {
            buf.writerIndex(offset);
            Ipv4Header.writeHeader(buf, ACCEPTED, 0xC6120001, Ipv4Header.PROTOCOL_GRE, 16, 1, 64);
            EnhancedGreHeader.writeHeader(buf, gatewayCallIdForConnected, 0, offset, 0);
            offsets.add(offset);
        };
        for (int i = 0; i < 5; i++) {
            at.accept(i * 64);
        }

        for (int offset : offsets) {
            relay.datagramReceived(buf, offset, 36, queue);
        }

        assertEquals(5, queue.queued.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i * 64 + 20, queue.queued.get(i).offset());
            assertEquals(i * 64, EnhancedGreHeader.sequence(buf, queue.queued.get(i).offset()));
        }
        assertEquals(5, acceptedToConnected.packets());
    }
}
