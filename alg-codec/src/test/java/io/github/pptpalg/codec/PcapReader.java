package io.github.pptpalg.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Just enough of a reader for the captures under {@code captures/}: classic pcap (either byte
 * order, micro- or nanosecond stamps), link type Ethernet (1) or Linux cooked (113), IPv4
 * only. Gives the IPv4 datagrams with their frame numbers (1-based, as tshark counts them), and
 * the TCP payload of each direction reassembled in sequence order.
 */
final class PcapReader {

    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_LINUX_SLL = 113;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_VLAN = 0x8100;

    /** One IPv4 datagram of the capture. */
    record Ipv4Packet(int frameNumber, byte[] datagram) {

        int protocol() {
            return datagram[9] & 0xFF;
        }

        int headerLength() {
            return (datagram[0] & 0x0F) * 4;
        }

        String source() {
            return address(12);
        }

        String destination() {
            return address(16);
        }

        private String address(int at) {
            return (datagram[at] & 0xFF) + "." + (datagram[at + 1] & 0xFF) + "." + (datagram[at + 2] & 0xFF) + "."
                    + (datagram[at + 3] & 0xFF);
        }
    }

    /** A TCP segment's payload, where it sits in its direction's byte stream. */
    record Segment(int frameNumber, long sequence, byte[] payload) {
    }

    /** One direction of a TCP connection, its payload reassembled in sequence order. */
    record TcpStream(String source, int sourcePort, String destination, int destinationPort, byte[] bytes,
                     List<Segment> segments, long[] endOffsets) {

        /** The frame whose segment carried the byte at {@code offset} of {@link #bytes}. */
        int frameAt(long offset) {
            for (int i = 0; i < segments.size(); i++) {
                if (offset < endOffsets[i]) {
                    return segments.get(i).frameNumber();
                }
            }
            throw new IllegalArgumentException("offset " + offset + " beyond the stream (" + bytes.length + " bytes)");
        }

        String key() {
            return source + ":" + sourcePort + " -> " + destination + ":" + destinationPort;
        }
    }

    private final int linkType;
    private final List<Ipv4Packet> packets;
    private final int frames;

    private PcapReader(int linkType, List<Ipv4Packet> packets, int frames) {
        this.linkType = linkType;
        this.packets = packets;
        this.frames = frames;
    }

    static PcapReader read(InputStream in) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(in.readAllBytes());
        if (file.remaining() < 24) {
            throw new IOException("pcap file length: " + file.remaining() + " (expected: at least the 24-byte header)");
        }
        int magic = file.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D) {
            file.order(ByteOrder.LITTLE_ENDIAN);
        } else if (Integer.reverseBytes(magic) == 0xA1B2C3D4 || Integer.reverseBytes(magic) == 0xA1B23C4D) {
            file.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new IOException(String.format("pcap magic: 0x%08x (expected: 0xa1b2c3d4 or 0xa1b23c4d; pcapng is not read)", magic));
        }
        int linkType = file.getInt(20) & 0x0FFFFFFF;
        if (linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_LINUX_SLL) {
            throw new IOException("pcap link type: " + linkType + " (expected: 1 Ethernet or 113 Linux cooked)");
        }
        List<Ipv4Packet> packets = new ArrayList<>();
        int frame = 0;
        int at = 24;
        while (at < file.limit()) {
            if (file.limit() - at < 16) {
                throw new IOException("truncated record header at byte " + at);
            }
            int captured = file.getInt(at + 8);
            int original = file.getInt(at + 12);
            at += 16;
            if (captured < 0 || captured > file.limit() - at) {
                throw new IOException("record " + (frame + 1) + " length: " + captured + " (expected: <= " + (file.limit() - at) + ")");
            }
            if (captured != original) {
                throw new IOException("record " + (frame + 1) + " was cut by the snap length: " + captured + " of " + original);
            }
            byte[] record = Arrays.copyOfRange(file.array(), at, at + captured);
            at += captured;
            frame++;
            byte[] datagram = ipv4(record, linkType);
            if (datagram != null) {
                packets.add(new Ipv4Packet(frame, datagram));
            }
        }
        return new PcapReader(linkType, List.copyOf(packets), frame);
    }

    /** The IPv4 datagram in a link-layer record (trimmed to its Total Length), or null if it is something else. */
    private static byte[] ipv4(byte[] record, int linkType) {
        int at;
        int etherType;
        if (linkType == LINKTYPE_ETHERNET) {
            at = 14;
            etherType = u16(record, 12);
            if (etherType == ETHERTYPE_VLAN) {
                etherType = u16(record, 16);
                at = 18;
            }
        } else {
            at = 16;
            etherType = u16(record, 14);
        }
        if (etherType != ETHERTYPE_IPV4 || record.length < at + 20 || (record[at] & 0xF0) != 0x40) {
            return null;
        }
        int totalLength = u16(record, at + 2);
        return Arrays.copyOfRange(record, at, at + totalLength);
    }

    int linkType() {
        return linkType;
    }

    int frames() {
        return frames;
    }

    List<Ipv4Packet> packets() {
        return packets;
    }

    List<Ipv4Packet> packets(int protocol) {
        return packets.stream().filter(p -> p.protocol() == protocol).toList();
    }

    /**
     * The payload of every TCP direction, in sequence order (from the SYN's sequence number + 1,
     * or the lowest seen); retransmitted bytes count once, a hole is an error.
     */
    List<TcpStream> tcpStreams() throws IOException {
        Map<String, TreeMap<Long, Segment>> byDirection = new LinkedHashMap<>();
        Map<String, Long> initial = new LinkedHashMap<>();
        Map<String, String[]> endpoints = new LinkedHashMap<>();
        for (Ipv4Packet packet : packets(6)) {
            byte[] ip = packet.datagram();
            int tcp = packet.headerLength();
            int sourcePort = u16(ip, tcp);
            int destinationPort = u16(ip, tcp + 2);
            long sequence = u32(ip, tcp + 4);
            int dataOffset = ((ip[tcp + 12] & 0xF0) >>> 4) * 4;
            boolean syn = (ip[tcp + 13] & 0x02) != 0;
            String key = packet.source() + ":" + sourcePort + " -> " + packet.destination() + ":" + destinationPort;
            endpoints.putIfAbsent(key, new String[] {packet.source(), String.valueOf(sourcePort), packet.destination(),
                    String.valueOf(destinationPort)});
            TreeMap<Long, Segment> segments = byDirection.computeIfAbsent(key, k -> new TreeMap<>());
            if (syn) {
                initial.put(key, sequence + 1);
                continue;
            }
            byte[] payload = Arrays.copyOfRange(ip, tcp + dataOffset, ip.length);
            if (payload.length > 0) {
                segments.putIfAbsent(sequence, new Segment(packet.frameNumber(), sequence, payload));
            }
        }
        List<TcpStream> streams = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Segment>> direction : byDirection.entrySet()) {
            TreeMap<Long, Segment> segments = direction.getValue();
            if (segments.isEmpty()) {
                continue;
            }
            long next = initial.getOrDefault(direction.getKey(), segments.firstKey());
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            List<Segment> used = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            for (Segment segment : segments.values()) {
                long start = segment.sequence();
                long end = start + segment.payload().length;
                if (end <= next) {
                    continue; // a retransmission of bytes we have
                }
                if (start > next) {
                    throw new IOException("hole in " + direction.getKey() + " before frame " + segment.frameNumber()
                            + ": sequence " + start + " (expected: " + next + ")");
                }
                bytes.write(segment.payload(), (int) (next - start), (int) (end - next));
                next = end;
                used.add(segment);
                ends.add((long) bytes.size());
            }
            String[] e = endpoints.get(direction.getKey());
            streams.add(new TcpStream(e[0], Integer.parseInt(e[1]), e[2], Integer.parseInt(e[3]), bytes.toByteArray(),
                    List.copyOf(used), ends.stream().mapToLong(Long::longValue).toArray()));
        }
        return streams;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
