package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.netty.PacketTap;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketLogTest {

    /** Records what it is given. */
    private static final class Recorder implements PacketTap {
        final List<String> seen = new ArrayList<>();

        @Override
        public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
            seen.add("control " + source.getPort() + "->" + destination.getPort() + " " + message.readableBytes());
        }

        @Override
        public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
            seen.add("gre " + sourceAddress + "->" + destinationAddress + " " + gre.readableBytes());
        }
    }

    @Test
    void combineLeavesOutNullsAndCallsEachTapInOrder() {
        assertNull(PacketLog.combine());
        assertNull(PacketLog.combine(null, null));
        Recorder only = new Recorder();
        assertSame(only, PacketLog.combine(null, only));

        Recorder first = new Recorder();
        Recorder second = new Recorder();
        PacketTap both = PacketLog.combine(first, null, second);
        ByteBuf buf = Unpooled.buffer().writeZero(12);
        both.controlMessage(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2), buf);
        both.grePacket(3, 4, buf);
        assertEquals(List.of("control 1->2 12", "gre 3->4 12"), first.seen);
        assertEquals(first.seen, second.seen);
        assertEquals(0, buf.readerIndex());
    }

    @Test
    void logsEveryPacketAtTrace() {
        // slf4j-simple reads a logger's level when the logger is made: a fresh name set to trace
        String name = "io.github.pptpalg.examples.packets.test" + ProcessHandle.current().pid();
        System.setProperty("org.slf4j.simpleLogger.log." + name, "trace");
        PacketLog log = new PacketLog(name);
        InetSocketAddress client = new InetSocketAddress("198.18.0.5", 40000);
        InetSocketAddress gateway = new InetSocketAddress("198.18.0.1", 1723);
        List<String> lines = captureStandardError(() -> {
            ByteBuf ocrp = Unpooled.buffer();
            PptpControlCodec.encode(ControlMessages.ocrp(2002, 0x1234), ocrp);
            log.controlMessage(gateway, client, ocrp);
            ByteBuf gre = Unpooled.buffer();
            EnhancedGreHeader.writeHeader(gre, 2002, 4, 1, EnhancedGreHeader.ABSENT);
            gre.writeZero(4);
            log.grePacket(Ipv4Addresses.parse("198.18.0.5"), Ipv4Addresses.parse("198.18.0.1"), gre);
            // too short for a header, an unknown type, a type whose fixed length is not there, a short GRE
            // header: logged as such, nothing thrown into the gateway
            log.controlMessage(client, gateway, Unpooled.buffer().writeZero(4));
            log.controlMessage(client, gateway,
                    Unpooled.buffer().writeShort(16).writeShort(1).writeInt(0x1A2B3C4D).writeShort(99).writeShort(0));
            log.controlMessage(client, gateway,
                    Unpooled.buffer().writeShort(168).writeShort(1).writeInt(0x1A2B3C4D).writeShort(7).writeShort(0));
            log.grePacket(1, 2, Unpooled.buffer().writeZero(3));
        });
        assertEquals(6, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith("control 198.18.0.1:1723 -> 198.18.0.5:40000: OCRP (32 bytes) Call ID 2002 "
                + "Peer Call ID 4660 result 1"), lines.get(0));
        assertTrue(lines.get(1).endsWith("GRE 198.18.0.5 -> 198.18.0.1: Call ID 2002, 16 bytes"), lines.get(1));
        assertTrue(lines.get(2).endsWith("control 198.18.0.5:40000 -> 198.18.0.1:1723: 4 bytes, not a complete control message"),
                lines.get(2));
        assertTrue(lines.get(3).endsWith("12 bytes, not a complete control message"), lines.get(3));
        assertTrue(lines.get(4).endsWith("12 bytes, not a complete control message"), lines.get(4));
        assertTrue(lines.get(5).endsWith("GRE 0.0.0.1 -> 0.0.0.2: 3 bytes, too short"), lines.get(5));
    }

    @Test
    void silentBelowTrace() {
        String name = "io.github.pptpalg.examples.packets.quiet" + ProcessHandle.current().pid();
        System.setProperty("org.slf4j.simpleLogger.log." + name, "debug");
        PacketLog log = new PacketLog(name);
        List<String> lines = captureStandardError(() -> log.grePacket(1, 2, Unpooled.buffer().writeZero(16)));
        assertEquals(List.of(), lines);
    }

    /** slf4j-simple's default target is System.err, looked up at each write: swap it for the duration. */
    private static List<String> captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }
}
