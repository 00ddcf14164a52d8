package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {

    private static final Path TSHARK = Path.of("/usr/bin/tshark");
    private static final long START_MICROS = 1_700_000_000_123_456L;

    @TempDir
    Path directory;

    private final InetSocketAddress client = socket("198.18.0.5", 40000);
    private final InetSocketAddress gatewayOnClientSide = socket("198.18.0.1", 1723);
    private final InetSocketAddress gatewayOnServerSide = socket("198.18.1.1", 50000);
    private final InetSocketAddress server = socket("198.18.1.2", 1723);

    private static InetSocketAddress socket(String address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int ip(String address) {
        return Ipv4Addresses.parse(address);
    }

    /** Makes sure tshark is there: skips without it, or fails when privileged prerequisites are required (CI). */
    static void requireTshark() {
        if (!Files.isExecutable(TSHARK)) {
            String reason = "tshark is not installed at " + TSHARK + " (Debian package tshark)";
            if (Boolean.getBoolean("pptpalg.requirePrivileged")) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
    }

    /** Runs tshark on {@code file}, returns its standard output lines; fails on a non-zero exit status. */
    static List<String> tshark(Path file, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("tshark", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("tshark did not finish within 60 s: " + command);
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            // tshark warns about running as root on stderr; keep only the field lines
            lines.removeIf(line -> line.startsWith("Running as user") || line.isBlank());
            assertEquals(0, process.exitValue(), () -> command + " failed: " + lines);
            return lines;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void control(PcapWriter writer, InetSocketAddress from, InetSocketAddress to, PptpMessage message) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer();
        try {
            PptpControlCodec.encode(message, buf);
            int readerIndex = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            writer.controlMessage(from, to, buf);
            assertEquals(readerIndex, buf.readerIndex(), "the tap leaves the indexes alone");
            assertEquals(writerIndex, buf.writerIndex(), "the tap leaves the indexes alone");
            assertEquals(1, buf.refCnt(), "the tap neither retains nor releases");
        } finally {
            buf.release();
        }
    }

    private static void gre(PcapWriter writer, int from, int to, int callId, long sequence, int payloadLength) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer();
        try {
            EnhancedGreHeader.writeHeader(buf, callId, payloadLength, sequence, EnhancedGreHeader.ABSENT);
            for (int i = 0; i < payloadLength; i++) {
                buf.writeByte(i == 0 ? 0xFF : i == 1 ? 0x03 : i); // PPP address and control, then filler
            }
            int readerIndex = buf.readerIndex();
            writer.grePacket(from, to, buf);
            assertEquals(readerIndex, buf.readerIndex());
            assertEquals(1, buf.refCnt());
        } finally {
            buf.release();
        }
    }

    @Test
    void tsharkDecodesControlMessagesAndGreCallIds() throws Exception {
        requireTshark();
        Path file = directory.resolve("relay.pcap");
        long[] clock = {START_MICROS};
        try (PcapWriter writer = new PcapWriter(file, 1 << 20, () -> clock[0] += 1_000)) {
            StartControlConnectionRequest sccrq = StartControlConnectionRequest.builder()
                    .protocolVersion(0x0100).framingCapabilities(1).bearerCapabilities(1).maximumChannels(0)
                    .firmwareRevision(1).hostName("pns").vendorString("pptp-alg test").build();
            StartControlConnectionReply sccrp = StartControlConnectionReply.builder()
                    .protocolVersion(0x0100).resultCode(ResultCode.OK).framingCapabilities(1).bearerCapabilities(1)
                    .firmwareRevision(1).hostName("pac").vendorString("pptp-alg test").build();
            control(writer, client, gatewayOnClientSide, sccrq);
            control(writer, gatewayOnServerSide, server, sccrq);
            control(writer, server, gatewayOnServerSide, sccrp);
            control(writer, gatewayOnClientSide, client, sccrp);
            // the client's Call ID 0x1234 becomes gateway Call ID 2001 towards the server
            control(writer, client, gatewayOnClientSide, OutgoingCallRequest.builder().callId(0x1234).callSerialNumber(1)
                    .minimumBps(300).maximumBps(100_000_000).bearerType(3).framingType(3).packetRecvWindowSize(64).build());
            control(writer, gatewayOnServerSide, server, OutgoingCallRequest.builder().callId(2001).callSerialNumber(1)
                    .minimumBps(300).maximumBps(100_000_000).bearerType(3).framingType(3).packetRecvWindowSize(64).build());
            // the server's Call ID 128 becomes gateway Call ID 2002 towards the client
            control(writer, server, gatewayOnServerSide, OutgoingCallReply.builder().callId(128).peerCallId(2001)
                    .resultCode(ResultCode.OCRP_CONNECTED).connectSpeed(100_000_000).packetRecvWindowSize(64).build());
            control(writer, gatewayOnClientSide, client, OutgoingCallReply.builder().callId(2002).peerCallId(0x1234)
                    .resultCode(ResultCode.OCRP_CONNECTED).connectSpeed(100_000_000).packetRecvWindowSize(64).build());
            gre(writer, ip("198.18.0.5"), ip("198.18.0.1"), 2002, 0, 24);
            gre(writer, ip("198.18.1.1"), ip("198.18.1.2"), 128, 0, 24);
            gre(writer, ip("198.18.1.2"), ip("198.18.1.1"), 2001, 0, 30);
            gre(writer, ip("198.18.0.1"), ip("198.18.0.5"), 0x1234, 0, 30);
            control(writer, client, gatewayOnClientSide, CallClearRequest.builder().callId(0x1234).build());
            assertEquals(13, writer.recordsWritten());
            assertEquals(0, writer.recordsDropped());
        }

        List<String> lines = tshark(file, "-o", "tcp.relative_sequence_numbers:FALSE",
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto", "-e", "ip.checksum.status",
                "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.checksum.status",
                "-e", "pptp.control_message_type", "-e", "pptp.call_id", "-e", "pptp.peer_call_id",
                "-e", "gre.key.call_id", "-e", "gre.key.payload_length");
        // time, IPv4 source, destination, protocol, header checksum status (1: good), TCP ports, sequence and
        // acknowledgment numbers, checksum status, PPTP control message type, Call ID, Peer Call ID, GRE Call ID,
        // GRE payload length
        String good = "1";
        assertEquals(List.of(
                row("1700000000.124456000", "198.18.0.5", "198.18.0.1", "6", good, "40000", "1723", "1", "1", good, "1", "", "", "", ""),
                row("1700000000.125456000", "198.18.1.1", "198.18.1.2", "6", good, "50000", "1723", "1", "1", good, "1", "", "", "", ""),
                row("1700000000.126456000", "198.18.1.2", "198.18.1.1", "6", good, "1723", "50000", "1", "157", good, "2", "", "", "", ""),
                row("1700000000.127456000", "198.18.0.1", "198.18.0.5", "6", good, "1723", "40000", "1", "157", good, "2", "", "", "", ""),
                row("1700000000.128456000", "198.18.0.5", "198.18.0.1", "6", good, "40000", "1723", "157", "157", good, "7", "4660", "", "", ""),
                row("1700000000.129456000", "198.18.1.1", "198.18.1.2", "6", good, "50000", "1723", "157", "157", good, "7", "2001", "", "", ""),
                row("1700000000.130456000", "198.18.1.2", "198.18.1.1", "6", good, "1723", "50000", "157", "325", good, "8", "128", "2001", "", ""),
                row("1700000000.131456000", "198.18.0.1", "198.18.0.5", "6", good, "1723", "40000", "157", "325", good, "8", "2002", "4660", "", ""),
                row("1700000000.132456000", "198.18.0.5", "198.18.0.1", "47", good, "", "", "", "", "", "", "", "", "2002", "24"),
                row("1700000000.133456000", "198.18.1.1", "198.18.1.2", "47", good, "", "", "", "", "", "", "", "", "128", "24"),
                row("1700000000.134456000", "198.18.1.2", "198.18.1.1", "47", good, "", "", "", "", "", "", "", "", "2001", "30"),
                row("1700000000.135456000", "198.18.0.1", "198.18.0.5", "47", good, "", "", "", "", "", "", "", "", "4660", "30"),
                row("1700000000.136456000", "198.18.0.5", "198.18.0.1", "6", good, "40000", "1723", "325", "189", good, "12", "4660", "", "", "")),
                lines);

        // tshark's TCP analysis finds nothing wrong with the made-up sequence numbers
        assertEquals(List.of(), tshark(file, "-Y", "tcp.analysis.flags", "-T", "fields", "-e", "frame.number"));
        // and no packet was malformed or drew an expert warning
        assertEquals(List.of(), tshark(file, "-Y", "_ws.malformed || _ws.expert.severity >= warning",
                "-T", "fields", "-e", "frame.number"));
    }

    private static String row(String... fields) {
        return String.join("|", fields);
    }

    @Test
    void fileHeaderAndRecordLayout() throws IOException {
        Path file = directory.resolve("layout.pcap");
        long[] clock = {START_MICROS};
        try (PcapWriter writer = new PcapWriter(file, 1 << 20, () -> clock[0])) {
            gre(writer, ip("198.18.0.5"), ip("198.18.0.1"), 7, 1, 4);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertEquals(PcapWriter.FILE_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH + 20 + 12 + 4, bytes.limit());
        assertEquals(0xA1B2C3D4, bytes.getInt(0), "microsecond magic");
        assertEquals(2, bytes.getShort(4));
        assertEquals(4, bytes.getShort(6));
        assertEquals(0xFFFF, bytes.getInt(16), "snap length");
        assertEquals(PcapWriter.LINKTYPE_RAW, bytes.getInt(20));
        assertEquals(1_700_000_000, bytes.getInt(24));
        assertEquals(123_456, bytes.getInt(28));
        assertEquals(36, bytes.getInt(32), "captured length");
        assertEquals(36, bytes.getInt(36), "original length");
        assertEquals(0x45, bytes.get(40) & 0xFF, "IPv4 without options");
        assertEquals(36, bytes.getShort(42), "IPv4 total length");
        assertEquals(47, bytes.get(49), "protocol GRE");
        assertEquals(ip("198.18.0.5"), bytes.getInt(52));
        assertEquals(ip("198.18.0.1"), bytes.getInt(56));
        assertEquals(7, bytes.getShort(60 + EnhancedGreHeader.CALL_ID_OFFSET), "the GRE packet follows as given");
    }

    @Test
    void stopsAtTheLimit() throws IOException {
        Path file = directory.resolve("bounded.pcap");
        long limit = 4096;
        int packet = PcapWriter.RECORD_HEADER_LENGTH + 20 + 16 + 100; // record header, IPv4, GRE with S and A, payload
        try (PcapWriter writer = new PcapWriter(file, limit, () -> START_MICROS)) {
            for (int i = 0; i < 100; i++) {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer();
                try {
                    EnhancedGreHeader.writeHeader(buf, 9, 100, i, i);
                    buf.writeZero(100);
                    writer.grePacket(ip("198.18.0.5"), ip("198.18.0.1"), buf);
                } finally {
                    buf.release();
                }
            }
            long fitting = (limit - PcapWriter.FILE_HEADER_LENGTH) / packet;
            assertTrue(writer.isFull());
            assertEquals(fitting, writer.recordsWritten());
            assertEquals(100 - fitting, writer.recordsDropped());
            // a smaller packet that would still fit is not written either: the capture ends at the first miss
            gre(writer, ip("198.18.0.5"), ip("198.18.0.1"), 9, EnhancedGreHeader.ABSENT, 0);
            assertEquals(fitting, writer.recordsWritten());
            assertEquals(PcapWriter.FILE_HEADER_LENGTH + fitting * packet, writer.bytesWritten());
        }
        assertEquals(PcapWriter.FILE_HEADER_LENGTH + (limit - PcapWriter.FILE_HEADER_LENGTH) / packet * packet, Files.size(file));
        assertTrue(Files.size(file) <= limit);
    }

    @Test
    void concurrentWritersProduceWholeRecords() throws Exception {
        requireTshark();
        Path file = directory.resolve("concurrent.pcap");
        int threads = 4;
        int perThread = 500;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (PcapWriter writer = new PcapWriter(file, 64L << 20)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int callId = 100 + t;
                InetSocketAddress source = socket("198.18.0." + (10 + t), 40000 + t);
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (i % 10 == 0) {
                            control(writer, source, gatewayOnClientSide, CallClearRequest.builder().callId(callId).build());
                        } else {
                            gre(writer, ip("198.18.0." + (10 + callId - 100)), ip("198.18.0.1"), callId, i, 40);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * perThread, writer.recordsWritten());
        } finally {
            executor.shutdownNow();
        }
        List<String> lines = tshark(file, "-T", "fields", "-e", "gre.key.call_id", "-e", "pptp.call_id");
        assertEquals(threads * perThread, lines.size());
        for (int t = 0; t < threads; t++) {
            String callId = Integer.toString(100 + t);
            assertEquals(perThread / 10, lines.stream().filter(line -> line.equals("\t" + callId)).count());
            assertEquals(perThread - perThread / 10, lines.stream().filter(line -> line.equals(callId + "\t")).count());
        }
        assertEquals(List.of(), tshark(file, "-Y", "tcp.analysis.flags", "-T", "fields", "-e", "frame.number"),
                "each thread's control flow keeps its own sequence numbers");
    }

    @Test
    void afterCloseNothingIsWritten() throws IOException {
        Path file = directory.resolve("closed.pcap");
        PcapWriter writer = new PcapWriter(file, 1 << 20);
        gre(writer, ip("198.18.0.5"), ip("198.18.0.1"), 7, 1, 4);
        writer.flush();
        long size = Files.size(file);
        assertEquals(writer.bytesWritten(), size, "flush writes the buffered records");
        writer.close();
        writer.close();
        gre(writer, ip("198.18.0.5"), ip("198.18.0.1"), 7, 2, 4);
        control(writer, client, gatewayOnClientSide, CallClearRequest.builder().callId(1).build());
        assertEquals(size, Files.size(file));
        assertEquals(1, writer.recordsWritten());
        assertEquals(2, writer.recordsDropped());
        assertFalse(writer.isFull());
    }

    @Test
    void ipv6ControlMessagesAreSkipped() throws IOException {
        Path file = directory.resolve("v6.pcap");
        try (PcapWriter writer = new PcapWriter(file, 1 << 20)) {
            control(writer, socket("::1", 40000), socket("::1", 1723), CallClearRequest.builder().callId(1).build());
            assertEquals(0, writer.recordsWritten());
        }
        assertEquals(PcapWriter.FILE_HEADER_LENGTH, Files.size(file));
    }
}
