package io.github.pptpalg.examples;

import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.netty.PacketTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PacketTap} that writes what the gateway relays to a pcap file (the classic libpcap format,
 * microsecond time stamps, link type {@value #LINKTYPE_RAW}: every record is an IPv4 packet), readable by
 * Wireshark and tshark.
 *
 * <p>The tap sees control messages without their IP and TCP headers and GRE packets without their IPv4 header,
 * so the writer makes those headers up: for a control message an IPv4 header (protocol 6) and a 20-byte TCP
 * header with PSH|ACK, the ports of the given addresses, and sequence and acknowledgment numbers that continue
 * per flow (each direction of each connection counts its own bytes from 1, and acknowledges what the other
 * direction sent so far), so a dissector reassembles the stream; for a GRE packet an IPv4 header (protocol 47).
 * The IPv4 and TCP checksums are correct. Control messages whose addresses are not IPv4 are not written.
 *
 * <p>Thread-safe (one lock; the taps are called from several event loops), buffered (64 KiB), flushed by
 * {@link #flush()} and {@link #close()}. The file is bounded: the first record that would take it past the limit
 * is not written, a warning is logged once, and nothing more is written. A write error is logged once and ends
 * the capture; the tap never throws into the gateway.
 */
public final class PcapWriter implements PacketTap, Closeable {

    /** The pcap link type of raw IP packets (the version is in the packet's first nibble). */
    public static final int LINKTYPE_RAW = 101;
    /** The libpcap magic number for microsecond time stamps. */
    static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    /** The length of the pcap file header. */
    public static final int FILE_HEADER_LENGTH = 24;
    /** The length of a pcap record header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    static final int SNAP_LENGTH = 0xFFFF;
    static final int TCP_HEADER_LENGTH = 20;
    static final int PROTOCOL_TCP = 6;
    static final int TCP_FLAGS_PSH_ACK = 0x18;
    static final int TIME_TO_LIVE = 64;
    /** How many TCP flows keep their sequence numbers; the least recently used is forgotten beyond that. */
    static final int MAX_FLOWS = 65536;

    private static final Logger logger = LoggerFactory.getLogger(PcapWriter.class);

    private final Object lock = new Object();
    private final String name;
    private final OutputStream out;
    private final long limitBytes;
    private final LongSupplier epochMicros;
    /** One record at a time: record header, IPv4 header, TCP header, payload. Guarded by lock. */
    private final ByteBuf scratch = Unpooled.buffer(RECORD_HEADER_LENGTH + SNAP_LENGTH, RECORD_HEADER_LENGTH + SNAP_LENGTH);
    /** Next sequence number per flow direction. Guarded by lock. */
    private final Map<Flow, Long> nextSequence = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Flow, Long> eldest) {
            return size() > MAX_FLOWS;
        }
    };

    private long bytesWritten;
    private long recordsWritten;
    private long recordsDropped;
    private int identification;
    private boolean full;
    private boolean failed;
    private boolean closed;

    /**
     * Creates (or truncates) {@code file} and writes the pcap file header.
     *
     * @param limitBytes the largest the file may grow, file header included; at least 4096
     * @throws IOException if the file cannot be created or written
     */
    public PcapWriter(Path file, long limitBytes) throws IOException {
        this(file, limitBytes, wallClockMicros());
    }

    PcapWriter(Path file, long limitBytes, LongSupplier epochMicros) throws IOException {
        Objects.requireNonNull(file, "file");
        if (limitBytes < LauncherCommandLine.MIN_PCAP_LIMIT_BYTES) {
            throw new IllegalArgumentException(
                    "limitBytes: " + limitBytes + " (expected: >= " + LauncherCommandLine.MIN_PCAP_LIMIT_BYTES + ")");
        }
        this.name = file.toString();
        this.limitBytes = limitBytes;
        this.epochMicros = Objects.requireNonNull(epochMicros, "epochMicros");
        OutputStream stream = Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(stream, 1 << 16);
        try {
            scratch.writeInt(MAGIC_MICROSECONDS);
            scratch.writeShort(2); // version 2.4
            scratch.writeShort(4);
            scratch.writeInt(0); // this zone: UTC
            scratch.writeInt(0); // significant figures
            scratch.writeInt(SNAP_LENGTH);
            scratch.writeInt(LINKTYPE_RAW);
            out.write(scratch.array(), scratch.arrayOffset(), FILE_HEADER_LENGTH);
            out.flush();
            bytesWritten = FILE_HEADER_LENGTH;
        } catch (IOException e) {
            out.close();
            throw e;
        } finally {
            scratch.clear();
        }
    }

    /** Wall-clock time in microseconds since the epoch, from one reading of the clock plus nanoTime. */
    private static LongSupplier wallClockMicros() {
        Instant start = Instant.now();
        long startMicros = start.getEpochSecond() * 1_000_000L + start.getNano() / 1_000;
        long startNanos = System.nanoTime();
        return () -> startMicros + (System.nanoTime() - startNanos) / 1_000;
    }

    @Override
    public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
        if (!(source.getAddress() instanceof Inet4Address) || !(destination.getAddress() instanceof Inet4Address)) {
            logger.debug("Not capturing a control message from {} to {}: not IPv4", source, destination);
            return;
        }
        int sourceAddress = toInt((Inet4Address) source.getAddress());
        int destinationAddress = toInt((Inet4Address) destination.getAddress());
        int length = message.readableBytes();
        int captured = Math.min(length, SNAP_LENGTH - Ipv4Header.MIN_HEADER_LENGTH - TCP_HEADER_LENGTH);
        Flow flow = new Flow(sourceAddress, source.getPort(), destinationAddress, destination.getPort());
        Flow reverse = new Flow(destinationAddress, destination.getPort(), sourceAddress, source.getPort());
        synchronized (lock) {
            if (!writable(Ipv4Header.MIN_HEADER_LENGTH + TCP_HEADER_LENGTH + captured)) {
                return;
            }
            long sequence = nextSequence.getOrDefault(flow, 1L);
            long acknowledgment = nextSequence.getOrDefault(reverse, 1L);
            nextSequence.put(flow, sequence + length & 0xFFFF_FFFFL);
            if (!nextSequence.containsKey(reverse)) {
                nextSequence.put(reverse, acknowledgment);
            }
            try {
                int packetLength = Ipv4Header.MIN_HEADER_LENGTH + TCP_HEADER_LENGTH + captured;
                writeRecordHeader(packetLength);
                Ipv4Header.writeHeader(scratch, sourceAddress, destinationAddress, PROTOCOL_TCP,
                        TCP_HEADER_LENGTH + captured, nextIdentification(), TIME_TO_LIVE);
                int tcp = scratch.writerIndex();
                scratch.writeShort(source.getPort());
                scratch.writeShort(destination.getPort());
                scratch.writeInt((int) sequence);
                scratch.writeInt((int) acknowledgment);
                scratch.writeShort(TCP_HEADER_LENGTH / 4 << 12 | TCP_FLAGS_PSH_ACK);
                scratch.writeShort(0xFFFF); // window
                scratch.writeShort(0); // checksum, set below
                scratch.writeShort(0); // urgent pointer
                scratch.writeBytes(message, message.readerIndex(), captured);
                scratch.setShort(tcp + 16, tcpChecksum(scratch, tcp, TCP_HEADER_LENGTH + captured,
                        sourceAddress, destinationAddress));
                emit();
            } finally {
                scratch.clear();
            }
        }
    }

    @Override
    public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
        int captured = Math.min(gre.readableBytes(), SNAP_LENGTH - Ipv4Header.MIN_HEADER_LENGTH);
        synchronized (lock) {
            if (!writable(Ipv4Header.MIN_HEADER_LENGTH + captured)) {
                return;
            }
            try {
                writeRecordHeader(Ipv4Header.MIN_HEADER_LENGTH + captured);
                Ipv4Header.writeHeader(scratch, sourceAddress, destinationAddress, Ipv4Header.PROTOCOL_GRE, captured,
                        nextIdentification(), TIME_TO_LIVE);
                scratch.writeBytes(gre, gre.readerIndex(), captured);
                emit();
            } finally {
                scratch.clear();
            }
        }
    }

    /** Whether a record with a packet of {@code packetLength} bytes may be written; counts it as dropped if not. */
    private boolean writable(int packetLength) {
        if (closed || failed) {
            recordsDropped++;
            return false;
        }
        if (full || bytesWritten + RECORD_HEADER_LENGTH + packetLength > limitBytes) {
            if (!full) {
                full = true;
                logger.warn("Capture file {} reached its limit of {} bytes: not writing more packets", name, limitBytes);
            }
            recordsDropped++;
            return false;
        }
        return true;
    }

    private void writeRecordHeader(int packetLength) {
        long micros = epochMicros.getAsLong();
        scratch.writeInt((int) Math.floorDiv(micros, 1_000_000L));
        scratch.writeInt((int) Math.floorMod(micros, 1_000_000L));
        scratch.writeInt(packetLength);
        scratch.writeInt(packetLength);
    }

    private void emit() {
        int length = scratch.readableBytes();
        try {
            out.write(scratch.array(), scratch.arrayOffset() + scratch.readerIndex(), length);
            bytesWritten += length;
            recordsWritten++;
        } catch (IOException e) {
            failed = true;
            recordsDropped++;
            logger.warn("Writing the capture file {} failed, not writing more packets: {}", name, e.toString());
        }
    }

    private int nextIdentification() {
        identification = identification + 1 & 0xFFFF;
        return identification;
    }

    /** The TCP checksum (RFC 793) over the segment at {@code offset} and the IPv4 pseudo-header. */
    static int tcpChecksum(ByteBuf buf, int offset, int segmentLength, int source, int destination) {
        long sum = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + PROTOCOL_TCP + segmentLength;
        int end = offset + segmentLength;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            if (i != offset + 16) {
                sum += buf.getUnsignedShort(i);
            }
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }

    /** Writes the buffered records to the file. */
    public void flush() {
        synchronized (lock) {
            if (closed || failed) {
                return;
            }
            try {
                out.flush();
            } catch (IOException e) {
                failed = true;
                logger.warn("Writing the capture file {} failed, not writing more packets: {}", name, e.toString());
            }
        }
    }

    /** Flushes and closes the file; later packets are ignored. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
            } catch (IOException e) {
                if (!failed) {
                    logger.warn("Closing the capture file {} failed: {}", name, e.toString());
                }
            }
        }
    }

    /** The bytes in the file so far (buffered ones included), file header included. */
    public long bytesWritten() {
        synchronized (lock) {
            return bytesWritten;
        }
    }

    /** The packets written. */
    public long recordsWritten() {
        synchronized (lock) {
            return recordsWritten;
        }
    }

    /** The packets not written: past the limit, after a write error, or after {@link #close()}. */
    public long recordsDropped() {
        synchronized (lock) {
            return recordsDropped;
        }
    }

    /** Whether the limit was reached. */
    public boolean isFull() {
        synchronized (lock) {
            return full;
        }
    }

    /** One direction of a TCP connection. */
    private record Flow(int sourceAddress, int sourcePort, int destinationAddress, int destinationPort) {
    }
}
