package io.github.pptpalg.netty.gre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.PacketTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The relay step shows every well-formed GRE packet it receives to a packet tap (relayed or not: a capture must
 * show stray packets too), and every packet it sends.
 */
class GreRelayTapTest {

    private static final int PEER = 0xC6120002; // 198.18.0.2
    private static final int OTHER_PEER = 0xC6120106; // 198.18.1.6
    private static final int GATEWAY = 0xC6120001; // 198.18.0.1

    record Seen(int source, int destination, int callId, byte[] gre) {
    }

    static final class RecordingTap implements PacketTap {
        final List<Seen> gre = new ArrayList<>();

        @Override
        public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
        }

        @Override
        public void grePacket(int sourceAddress, int destinationAddress, ByteBuf packet) {
            gre.add(new Seen(sourceAddress, destinationAddress, EnhancedGreHeader.callId(packet, packet.readerIndex()),
                    ByteBufUtil.getBytes(packet)));
        }
    }

    @Test
    void seesEveryReceivedPacketAndEverySentOne() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(40000, 40009));
        int gatewayId = allocator.allocate();
        assertTrue(map.putIfAbsent(new GreBinding(PEER, gatewayId, OTHER_PEER, 7, GreDirection.ACCEPTED_TO_CONNECTED)));
        RecordingTap tap = new RecordingTap();
        GreRelay relay = new GreRelay(map, allocator, new AlgMetrics(), b -> (GreDirection) b.owner(), tap);
        List<Integer> queued = new ArrayList<>();

        ByteBuf buf = Unpooled.directBuffer(256);
        try {
            Ipv4Header.writeHeader(buf, PEER, GATEWAY, Ipv4Header.PROTOCOL_GRE, 16 + 20, 1, 64);
            EnhancedGreHeader.writeHeader(buf, gatewayId, 20, 1, 2);
            buf.writeZero(20);
            int length = buf.writerIndex();
            relay.datagramReceived(buf, 0, length, (offset, len, destination) -> queued.add(destination));
            // a packet without a binding: dropped, but seen as received
            EnhancedGreHeader.setCallId(buf, 20, gatewayId == 40000 ? 40001 : 40000);
            relay.datagramReceived(buf, 0, length, (offset, len, destination) -> queued.add(destination));
        } finally {
            buf.release();
        }

        assertEquals(List.of(OTHER_PEER), queued);
        assertEquals(3, tap.gre.size(), tap.gre.toString());
        Seen received = tap.gre.get(0);
        Seen sent = tap.gre.get(1);
        Seen stray = tap.gre.get(2);
        assertEquals(PEER, stray.source());
        assertEquals(gatewayId == 40000 ? 40001 : 40000, stray.callId());
        assertEquals(PEER, received.source());
        assertEquals(GATEWAY, received.destination());
        assertEquals(gatewayId, received.callId());
        assertEquals(GATEWAY, sent.source());
        assertEquals(OTHER_PEER, sent.destination());
        assertEquals(7, sent.callId());
        assertEquals(36, received.gre().length);
        assertEquals(36, sent.gre().length);
    }

    @Test
    void aFailingTapDoesNotStopTheRelay() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        CallIdAllocator allocator = new CallIdAllocator(new CallIdRange(40000, 40009));
        int gatewayId = allocator.allocate();
        assertTrue(map.putIfAbsent(new GreBinding(PEER, gatewayId, OTHER_PEER, 7, GreDirection.ACCEPTED_TO_CONNECTED)));
        PacketTap failing = new PacketTap() {
            @Override
            public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
            }

            @Override
            public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
                throw new IllegalStateException("tap broken");
            }
        };
        AlgMetrics metrics = new AlgMetrics();
        GreRelay relay = new GreRelay(map, allocator, metrics, b -> (GreDirection) b.owner(), failing);
        List<Integer> queued = new ArrayList<>();
        ByteBuf buf = Unpooled.directBuffer(256);
        try {
            Ipv4Header.writeHeader(buf, PEER, GATEWAY, Ipv4Header.PROTOCOL_GRE, 16 + 20, 1, 64);
            EnhancedGreHeader.writeHeader(buf, gatewayId, 20, 1, 2);
            buf.writeZero(20);
            relay.datagramReceived(buf, 0, buf.writerIndex(), (offset, len, destination) -> queued.add(destination));
            assertEquals(7, EnhancedGreHeader.callId(buf, 20));
        } finally {
            buf.release();
        }
        assertEquals(List.of(OTHER_PEER), queued);
        assertEquals(1, metrics.snapshot().grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
    }
}
