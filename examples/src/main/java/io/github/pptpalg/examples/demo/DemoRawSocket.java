package io.github.pptpalg.examples.demo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.netty.raw.GreCallIdFilter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A blocking raw IPv4 socket for GRE (protocol 47), as one of the demo's peers uses it: bound to the peer's own
 * loopback address (the kernel then delivers only GRE addressed to it and writes it as the source of what the
 * peer sends) and filtered in the kernel to the peer's own Call IDs ({@link GreCallIdFilter}), so that the copies
 * of the gateway's and the other peer's GRE, which every raw GRE socket on the host is offered, stay out of its
 * queue. Receives time out after a short while, so that the loops reading it stay bounded.
 *
 * <p>Not thread-safe per direction: one thread sends, one thread receives, and {@link #close()} runs after both
 * stopped (closing a descriptor that another thread still reads would race with its reuse).
 */
final class DemoRawSocket implements AutoCloseable {

    /** Big enough for any IPv4 datagram: nothing is ever cut short. */
    private static final int RECEIVE_SLOT = 65536;

    private final int fd;
    private final int address;
    private final Memory sendBuffer;
    private final Memory receiveBuffer = new Memory(RECEIVE_SLOT);
    private final Memory destination = sockaddrIn(0);
    private boolean closed;

    private DemoRawSocket(int fd, int address, int maxSend) {
        this.fd = fd;
        this.address = address;
        this.sendBuffer = new Memory(maxSend);
    }

    /**
     * Opens a raw GRE socket bound to {@code address}, admitting only GRE whose Call ID lies in
     * {@code lowestCallId..highestCallId}.
     *
     * @param address the peer's IPv4 address (network-order int), local to this host
     * @param maxSend the largest GRE packet that will be sent (header and payload)
     * @throws IOException naming the call that failed and why
     */
    static DemoRawSocket open(int address, int lowestCallId, int highestCallId, int receiveBufferBytes,
            Duration receiveTimeout, int maxSend) throws IOException {
        Objects.requireNonNull(receiveTimeout, "receiveTimeout");
        GreCallIdFilter filter = GreCallIdFilter.forRange(lowestCallId, highestCallId);
        int fd = DemoLibC.socket(DemoLibC.AF_INET, DemoLibC.SOCK_RAW | DemoLibC.SOCK_CLOEXEC, DemoLibC.IPPROTO_GRE);
        if (fd < 0) {
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_GRE) failed: " + DemoLibC.lastError());
        }
        boolean ok = false;
        try {
            Memory bound = sockaddrIn(address);
            check(DemoLibC.bind(fd, bound, (int) bound.size()), "bind(" + Ipv4Addresses.format(address) + ")");
            Memory size = new Memory(4);
            size.setInt(0, receiveBufferBytes);
            if (DemoLibC.setsockopt(fd, DemoLibC.SOL_SOCKET, DemoLibC.SO_RCVBUFFORCE, size, 4) < 0) {
                check(DemoLibC.setsockopt(fd, DemoLibC.SOL_SOCKET, DemoLibC.SO_RCVBUF, size, 4), "SO_RCVBUF");
            }
            Memory timeout = new Memory(16); // struct timeval {time_t tv_sec; suseconds_t tv_usec;}
            long micros = Math.max(1000, receiveTimeout.toNanos() / 1000);
            timeout.setLong(0, micros / 1_000_000);
            timeout.setLong(8, micros % 1_000_000);
            check(DemoLibC.setsockopt(fd, DemoLibC.SOL_SOCKET, DemoLibC.SO_RCVTIMEO, timeout, 16), "SO_RCVTIMEO");
            byte[] instructions = filter.toNativeBytes();
            Memory program = new Memory(instructions.length);
            program.write(0, instructions, 0, instructions.length);
            Memory fprog = new Memory(16); // struct sock_fprog {unsigned short len; struct sock_filter *filter;}
            fprog.clear();
            fprog.setShort(0, (short) filter.length());
            fprog.setPointer(Native.POINTER_SIZE, program);
            check(DemoLibC.setsockopt(fd, DemoLibC.SOL_SOCKET, DemoLibC.SO_ATTACH_FILTER, fprog, (int) fprog.size()),
                    "SO_ATTACH_FILTER");
            ok = true;
            return new DemoRawSocket(fd, address, maxSend);
        } finally {
            if (!ok) {
                DemoLibC.close(fd);
            }
        }
    }

    private static void check(int result, String what) throws IOException {
        if (result < 0) {
            throw new IOException(what + " on a raw GRE socket failed: " + DemoLibC.lastError());
        }
    }

    /** A {@code struct sockaddr_in} for {@code address}, port 0 (raw sockets have none). */
    private static Memory sockaddrIn(int address) {
        Memory sockaddr = new Memory(16);
        sockaddr.clear();
        sockaddr.setShort(0, (short) DemoLibC.AF_INET); // sin_family, host order
        setAddress(sockaddr, address);
        return sockaddr;
    }

    private static void setAddress(Memory sockaddr, int address) {
        sockaddr.setByte(4, (byte) (address >>> 24)); // sin_addr, network order
        sockaddr.setByte(5, (byte) (address >>> 16));
        sockaddr.setByte(6, (byte) (address >>> 8));
        sockaddr.setByte(7, (byte) address);
    }

    /** The address this socket is bound to. */
    int address() {
        return address;
    }

    /**
     * Sends the readable bytes of {@code gre} (an enhanced-GRE header and payload) to {@code destinationAddress};
     * the kernel writes the IPv4 header.
     *
     * @throws IOException if the kernel refused the packet
     */
    void send(ByteBuf gre, int destinationAddress) throws IOException {
        int length = gre.readableBytes();
        if (gre.hasArray()) {
            sendBuffer.write(0, gre.array(), gre.arrayOffset() + gre.readerIndex(), length);
        } else {
            byte[] copy = new byte[length];
            gre.getBytes(gre.readerIndex(), copy);
            sendBuffer.write(0, copy, 0, length);
        }
        setAddress(destination, destinationAddress);
        long sent = DemoLibC.sendto(fd, sendBuffer, length, 0, destination, (int) destination.size());
        if (sent != length) {
            throw new IOException("sendto(" + Ipv4Addresses.format(destinationAddress) + ", " + length + " bytes) "
                    + (sent < 0 ? "failed: " + DemoLibC.lastError() : "sent " + sent + " bytes"));
        }
    }

    /**
     * Waits up to the receive timeout for one datagram (its IPv4 header and the GRE packet) and copies it into
     * {@code into} from index 0 (its indexes are set to the datagram).
     *
     * @return the bytes received, or 0 if the timeout passed first
     * @throws IOException for any other failure
     */
    int receive(ByteBuf into) throws IOException {
        long received = DemoLibC.recv(fd, receiveBuffer, RECEIVE_SLOT, 0);
        if (received < 0) {
            int errno = Native.getLastError();
            if (errno == DemoLibC.EAGAIN || errno == DemoLibC.EINTR) {
                return 0;
            }
            throw new IOException("recv on the raw GRE socket of " + Ipv4Addresses.format(address) + " failed: "
                    + DemoLibC.strerror(errno) + " (errno " + errno + ")");
        }
        int length = (int) received;
        into.clear();
        into.ensureWritable(length);
        if (into.hasArray()) {
            receiveBuffer.read(0, into.array(), into.arrayOffset(), length);
            into.writerIndex(length);
        } else {
            into.writeBytes(receiveBuffer.getByteBuffer(0, length));
        }
        return length;
    }

    /** Closes the descriptor; idempotent. Call only once no thread uses the socket any more. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            DemoLibC.close(fd);
        }
    }
}
