package io.github.pptpalg.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.GreValidation;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.codec.gre.Ipv4Validation;
import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpControlDecoder;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec against a real session: {@code captures/pptp-session.pcap}, recorded between
 * Debian's pptp-linux and pptpd by {@code captures/record-session.sh}, and tshark's own
 * decoding of the same capture ({@code pptp-session.pptp.tsv}, {@code pptp-session.gre.tsv}).
 * Every control message is decoded, compared with tshark field by field and re-encoded byte for
 * byte; every GRE header is read in place and compared with tshark likewise.
 */
class RealCaptureTest {

    private static final String DIRECTORY = "/captures/";
    private static final int PPTP_PORT = 1723;

    private static PcapReader capture;
    private static List<Map<String, String>> pptpRows;
    private static List<Map<String, String>> greRows;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = resource("pptp-session.pcap")) {
            capture = PcapReader.read(in);
        }
        pptpRows = tsv("pptp-session.pptp.tsv");
        greRows = tsv("pptp-session.gre.tsv");
    }

    @Test
    void captureHoldsAWholeSession() throws IOException {
        assertEquals(PcapReader.LINKTYPE_ETHERNET, capture.linkType());
        Set<PptpMessageType> types = EnumSet.noneOf(PptpMessageType.class);
        for (Decoded decoded : decodeAll()) {
            types.add(decoded.message().type());
        }
        assertEquals(EnumSet.of(PptpMessageType.START_CONTROL_CONNECTION_REQUEST,
                PptpMessageType.START_CONTROL_CONNECTION_REPLY, PptpMessageType.OUTGOING_CALL_REQUEST,
                PptpMessageType.OUTGOING_CALL_REPLY, PptpMessageType.ECHO_REQUEST, PptpMessageType.ECHO_REPLY,
                PptpMessageType.CALL_CLEAR_REQUEST), types);
        List<PcapReader.Ipv4Packet> gre = capture.packets(Ipv4Header.PROTOCOL_GRE);
        assertTrue(gre.stream().map(PcapReader.Ipv4Packet::source).distinct().count() == 2, "GRE in both directions");
        assertTrue(gre.stream().anyMatch(p -> !EnhancedGreHeader.hasSequence(Unpooled.wrappedBuffer(p.datagram()),
                p.headerLength())), "an acknowledgment-only GRE packet");
    }

    @Test
    void everyControlMessageDecodesAsTsharkReadsItAndReencodesByteForByte() throws IOException {
        Map<Integer, List<Decoded>> byFrame = new TreeMap<>();
        for (Decoded decoded : decodeAll()) {
            byFrame.computeIfAbsent(decoded.frameNumber(), k -> new ArrayList<>()).add(decoded);

            ByteBuf encoded = Unpooled.buffer();
            try {
                assertEquals(decoded.bytes().length, PptpControlCodec.encode(decoded.message(), encoded));
                assertArrayEquals(decoded.bytes(), ByteBufUtil.getBytes(encoded),
                        "re-encoded " + decoded.message().type() + " of frame " + decoded.frameNumber());
            } finally {
                encoded.release();
            }
        }
        assertEquals(frames(pptpRows), byFrame.keySet(), "frames holding PPTP control messages");
        for (Map<String, String> row : pptpRows) {
            int frame = Integer.parseInt(row.get("frame.number"));
            List<Decoded> messages = byFrame.get(frame);
            Map<String, String> expected = new LinkedHashMap<>();
            PcapReader.TcpStream stream = messages.get(0).stream();
            expected.put("ip.src", stream.source());
            expected.put("ip.dst", stream.destination());
            expected.put("tcp.srcport", String.valueOf(stream.sourcePort()));
            expected.put("tcp.dstport", String.valueOf(stream.destinationPort()));
            Map<String, List<String>> fields = new LinkedHashMap<>();
            for (Decoded decoded : messages) {
                tsharkFields(decoded.message()).forEach((name, values) ->
                        fields.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
            }
            fields.forEach((name, values) -> expected.put(name, String.join(";", values)));
            for (Map.Entry<String, String> column : row.entrySet()) {
                if (column.getKey().equals("frame.number")) {
                    continue;
                }
                assertEquals(column.getValue(), expected.getOrDefault(column.getKey(), ""),
                        column.getKey() + " of frame " + frame + " (" + messages.get(0).message().type() + ")");
            }
        }
    }

    @Test
    void pptpControlDecoderCutsTheRealSegmentsIntoTheSameMessages() throws IOException {
        for (PcapReader.TcpStream stream : capture.tcpStreams()) {
            List<PptpMessage> expected = decodeAll().stream().filter(d -> d.stream().key().equals(stream.key()))
                    .map(Decoded::message).toList();
            EmbeddedChannel channel = new EmbeddedChannel(new PptpControlDecoder(1024));
            for (PcapReader.Segment segment : stream.segments()) {
                channel.writeInbound(Unpooled.copiedBuffer(segment.payload()));
            }
            List<PptpMessage> decoded = new ArrayList<>();
            for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
                decoded.add((PptpMessage) message);
            }
            assertEquals(expected, decoded, stream.key());
            assertFalse(channel.finish());
            assertNull(channel.readInbound());
        }
    }

    @Test
    void everyGreHeaderReadsAsTsharkReadsIt() {
        List<PcapReader.Ipv4Packet> packets = capture.packets(Ipv4Header.PROTOCOL_GRE);
        assertEquals(frames(greRows), new TreeSet<>(packets.stream().map(PcapReader.Ipv4Packet::frameNumber).toList()),
                "frames holding GRE");
        Map<Integer, Map<String, String>> rows = new TreeMap<>();
        greRows.forEach(row -> rows.put(Integer.parseInt(row.get("frame.number")), row));
        for (PcapReader.Ipv4Packet packet : packets) {
            ByteBuf buf = Unpooled.wrappedBuffer(packet.datagram());
            int frame = packet.frameNumber();
            assertEquals(Ipv4Validation.VALID, Ipv4Header.validate(buf, 0, buf.readableBytes()), "IPv4 of frame " + frame);
            int gre = Ipv4Header.headerLength(buf, 0);
            int greLength = Ipv4Header.totalLength(buf, 0) - gre;
            assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(buf, gre, greLength), "GRE of frame " + frame);
            int flags = EnhancedGreHeader.flags(buf, gre);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("ip.src", dotted(Ipv4Header.sourceAddress(buf, 0)));
            expected.put("ip.dst", dotted(Ipv4Header.destinationAddress(buf, 0)));
            expected.put("ip.len", String.valueOf(Ipv4Header.totalLength(buf, 0)));
            expected.put("gre.flags_and_version", String.format("0x%04x", flags | EnhancedGreHeader.version(buf, gre)));
            expected.put("gre.flags.checksum", bit(flags, EnhancedGreHeader.FLAG_CHECKSUM));
            expected.put("gre.flags.routing", bit(flags, EnhancedGreHeader.FLAG_ROUTING));
            expected.put("gre.flags.key", bit(flags, EnhancedGreHeader.FLAG_KEY));
            expected.put("gre.flags.sequence_number", EnhancedGreHeader.hasSequence(buf, gre) ? "1" : "0");
            expected.put("gre.flags.strict_source_route", bit(flags, EnhancedGreHeader.FLAG_STRICT_SOURCE_ROUTE));
            expected.put("gre.flags.recursion_control", String.valueOf((flags & EnhancedGreHeader.RECURSION_MASK) >>> 8));
            expected.put("gre.flags.ack", EnhancedGreHeader.hasAcknowledgment(buf, gre) ? "1" : "0");
            expected.put("gre.flags.reserved", String.valueOf((flags & EnhancedGreHeader.RESERVED_FLAGS_MASK) >>> 3));
            expected.put("gre.flags.version", String.valueOf(EnhancedGreHeader.version(buf, gre)));
            expected.put("gre.proto", String.format("0x%04x", EnhancedGreHeader.protocolType(buf, gre)));
            expected.put("gre.key.payload_length", String.valueOf(EnhancedGreHeader.payloadLength(buf, gre)));
            expected.put("gre.key.call_id", String.valueOf(EnhancedGreHeader.callId(buf, gre)));
            expected.put("gre.sequence_number", absentOr(EnhancedGreHeader.sequence(buf, gre)));
            expected.put("gre.ack_number", absentOr(EnhancedGreHeader.acknowledgment(buf, gre)));
            Map<String, String> row = rows.get(frame);
            for (Map.Entry<String, String> column : row.entrySet()) {
                if (!column.getKey().equals("frame.number")) {
                    assertEquals(column.getValue(), expected.getOrDefault(column.getKey(), "(not compared)"),
                            column.getKey() + " of frame " + frame);
                }
            }
            // the header length the flags announce, checked against the datagram's own length
            assertEquals(greLength, EnhancedGreHeader.headerLength(buf, gre) + EnhancedGreHeader.payloadLength(buf, gre),
                    "GRE header + payload length of frame " + frame);
            assertEquals(gre + EnhancedGreHeader.headerLength(buf, gre), EnhancedGreHeader.payloadOffset(buf, gre));
        }
    }

    /** One control message found in a TCP stream, with its bytes and the frame that completed it. */
    private record Decoded(PcapReader.TcpStream stream, int frameNumber, byte[] bytes, PptpMessage message) {
    }

    private static List<Decoded> decodeAll() throws IOException {
        List<Decoded> all = new ArrayList<>();
        for (PcapReader.TcpStream stream : capture.tcpStreams()) {
            if (stream.sourcePort() != PPTP_PORT && stream.destinationPort() != PPTP_PORT) {
                continue;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(stream.bytes());
            while (buf.isReadable()) {
                int start = buf.readerIndex();
                PptpMessage message = PptpControlCodec.decode(buf);
                int end = buf.readerIndex();
                all.add(new Decoded(stream, stream.frameAt(end - 1L), Arrays.copyOfRange(stream.bytes(), start, end), message));
            }
        }
        all.sort((a, b) -> Integer.compare(a.frameNumber(), b.frameNumber()));
        return all;
    }

    /** The pptp.* fields tshark shows for {@code message}, in tshark's names and number formats. */
    private static Map<String, List<String>> tsharkFields(PptpMessage message) {
        Map<String, List<String>> f = new LinkedHashMap<>();
        put(f, "pptp.length", message.length());
        put(f, "pptp.type", PptpControlCodec.CONTROL_MESSAGE);
        f.put("pptp.magic_cookie", List.of(String.format("0x%08x", PptpControlCodec.MAGIC_COOKIE)));
        put(f, "pptp.control_message_type", message.type().value());
        List<String> reserved = new ArrayList<>(List.of(hex16(message.reserved0())));
        f.put("pptp.reserved", reserved);
        if (message instanceof StartControlConnectionRequest m) {
            reserved.add(hex16(m.reserved1()));
            put(f, "pptp.protocol_version", m.protocolVersion());
            put(f, "pptp.framing_capabilities", m.framingCapabilities());
            put(f, "pptp.bearer_capabilities", m.bearerCapabilities());
            put(f, "pptp.maximum_channels", m.maximumChannels());
            put(f, "pptp.firmware_revision", m.firmwareRevision());
            f.put("pptp.host_name", List.of(m.hostName().asString()));
            f.put("pptp.vendor_name", List.of(m.vendorString().asString()));
        } else if (message instanceof StartControlConnectionReply m) {
            put(f, "pptp.protocol_version", m.protocolVersion());
            put(f, "pptp.control_result", m.resultCode().value());
            put(f, "pptp.error", m.errorCode().value());
            put(f, "pptp.framing_capabilities", m.framingCapabilities());
            put(f, "pptp.bearer_capabilities", m.bearerCapabilities());
            put(f, "pptp.maximum_channels", m.maximumChannels());
            put(f, "pptp.firmware_revision", m.firmwareRevision());
            f.put("pptp.host_name", List.of(m.hostName().asString()));
            f.put("pptp.vendor_name", List.of(m.vendorString().asString()));
        } else if (message instanceof OutgoingCallRequest m) {
            reserved.add(hex16(m.reserved1()));
            put(f, "pptp.call_id", m.callId());
            put(f, "pptp.call_serial_number", m.callSerialNumber());
            put(f, "pptp.minimum_bps", m.minimumBps());
            put(f, "pptp.maximum_bps", m.maximumBps());
            put(f, "pptp.bearer_type", m.bearerType());
            put(f, "pptp.framing_type", m.framingType());
            put(f, "pptp.packet_receive_window_size", m.packetRecvWindowSize());
            put(f, "pptp.packet_processing_delay", m.packetProcessingDelay());
            put(f, "pptp.phone_number_length", m.phoneNumberLength());
            f.put("pptp.phone_number", List.of(m.phoneNumber().asString()));
            f.put("pptp.subaddress", List.of(m.subaddress().asString()));
        } else if (message instanceof OutgoingCallReply m) {
            put(f, "pptp.call_id", m.callId());
            put(f, "pptp.peer_call_id", m.peerCallId());
            put(f, "pptp.out_result", m.resultCode().value());
            put(f, "pptp.error", m.errorCode().value());
            put(f, "pptp.cause", m.causeCode().value());
            put(f, "pptp.connect_speed", m.connectSpeed());
            put(f, "pptp.packet_receive_window_size", m.packetRecvWindowSize());
            put(f, "pptp.packet_processing_delay", m.packetProcessingDelay());
            put(f, "pptp.physical_channel_id", m.physicalChannelId());
        } else if (message instanceof EchoRequest m) {
            put(f, "pptp.identifier", m.identifier());
        } else if (message instanceof EchoReply m) {
            reserved.add(hex16(m.reserved1()));
            put(f, "pptp.identifier", m.identifier());
            put(f, "pptp.echo_result", m.resultCode().value());
            put(f, "pptp.error", m.errorCode().value());
        } else if (message instanceof CallClearRequest m) {
            reserved.add(hex16(m.reserved1()));
            put(f, "pptp.call_id", m.callId());
        } else {
            fail("a " + message.type() + " in the capture: add its tshark fields to this test");
        }
        return f;
    }

    private static void put(Map<String, List<String>> fields, String name, long value) {
        fields.put(name, List.of(String.valueOf(value)));
    }

    private static String hex16(int value) {
        return String.format("%04x", value);
    }

    private static String bit(int flags, int mask) {
        return (flags & mask) != 0 ? "1" : "0";
    }

    private static String absentOr(long value) {
        return value == EnhancedGreHeader.ABSENT ? "" : String.valueOf(value);
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    private static Set<Integer> frames(List<Map<String, String>> rows) {
        Set<Integer> frames = new TreeSet<>();
        rows.forEach(row -> frames.add(Integer.parseInt(row.get("frame.number"))));
        return frames;
    }

    private static InputStream resource(String name) {
        InputStream in = RealCaptureTest.class.getResourceAsStream(DIRECTORY + name);
        if (in == null) {
            throw new IllegalStateException("test resource " + DIRECTORY + name + " missing (made by captures/record-session.sh)");
        }
        return in;
    }

    /** tshark -T fields -E header=y output: one map per row, column name to value ("" when empty). */
    private static List<Map<String, String>> tsv(String name) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource(name), StandardCharsets.UTF_8))) {
            String[] header = reader.readLine().split("\t", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] values = line.split("\t", -1);
                assertEquals(header.length, values.length, "columns in " + name + ": " + line);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], values[i]);
                }
                rows.add(row);
            }
            assertFalse(rows.isEmpty(), name + " has no rows");
            return rows;
        }
    }
}
