package io.github.pptpalg.netty.raw;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw GRE socket that takes nothing, so that a full receive queue of the relaying sockets never
 * makes the kernel answer GRE with ICMP protocol-unreachable.
 *
 * <p><b>Why.</b> The kernel hands a received GRE packet to every raw GRE socket of the namespace
 * and counts it as delivered for each socket whose receive queue is not full, <em>before</em> the
 * socket's BPF filter runs. If no socket counted it and no kernel protocol handler takes GRE, the
 * packet is an "unknown protocol": {@code InUnknownProtos}, and ICMP protocol-unreachable to the
 * sender (rate-limited, but each attempt costs a route lookup on the busy core). PPTP peers
 * (pptpd, pptp-linux) tear the call down on that ICMP. So under overload, when the relaying
 * socket's queue is full, every further packet would cost an ICMP attempt and risk the calls.
 *
 * <p><b>How.</b> This socket's filter rejects every packet ({@code ret #0}), so its queue stays
 * empty and the kernel always counts a GRE packet as delivered to it: a packet that finds the
 * relaying queue full is dropped silently (counted in {@code /proc/net/raw} as a drop of the
 * relaying socket). It is never read and needs no event loop. The price is one {@code skb_clone}
 * and one filter run per received GRE packet in the kernel.
 *
 * <p>Not needed for correctness when several relaying sockets share the traffic by Call ID slices
 * (each already "takes" the others' packets), but harmless; the GRE plane opens one by default.
 */
public final class ProtocolUnreachableGuard implements AutoCloseable {

    /** {@code struct sock_filter} {@code { BPF_RET | BPF_K, 0, 0, 0 }}: accept 0 bytes, i.e. reject. */
    private static final byte[] REJECT_ALL = {0x06, 0, 0, 0, 0, 0, 0, 0};
    /** Enough for whatever arrived between socket() and the filter (drained once). */
    private static final int RECEIVE_BUFFER_SIZE = 64 << 10;
    private static final int DRAIN_BATCH = 16;
    private static final int DRAIN_SLOT = 2048;

    private final Syscalls syscalls;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProtocolUnreachableGuard(Syscalls syscalls, int fd) {
        this.syscalls = syscalls;
        this.fd = fd;
    }

    /**
     * Opens the guard in the calling thread's network namespace: a raw GRE socket with a
     * reject-all filter and an empty queue.
     *
     * @throws IOException if a system call fails (the message names it and the error)
     * @throws IllegalStateException if {@link RawGre#isAvailable()} is false
     */
    public static ProtocolUnreachableGuard open() throws IOException {
        RawGre.ensureAvailability();
        return open(NativeSyscalls.INSTANCE);
    }

    static ProtocolUnreachableGuard open(Syscalls syscalls) throws IOException {
        Objects.requireNonNull(syscalls, "syscalls");
        int fd = syscalls.socket(LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC,
                LibC.IPPROTO_GRE);
        if (fd < 0) {
            int errno = -fd;
            String hint = errno == LibC.EPERM || errno == LibC.EACCES ? ": the process lacks CAP_NET_RAW; "
                    + RawGre.SETCAP_HINT : "";
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_GRE) for the protocol-unreachable guard failed: "
                    + syscalls.describe(errno) + hint);
        }
        try {
            configure(syscalls, fd);
            return new ProtocolUnreachableGuard(syscalls, fd);
        } catch (IOException | RuntimeException | Error e) {
            syscalls.close(fd);
            throw e;
        }
    }

    private static void configure(Syscalls syscalls, int fd) throws IOException {
        int controlSize = DRAIN_BATCH * (RawGreSocket.MMSGHDR_SIZE + RawGreSocket.IOVEC_SIZE);
        try (Memory value = new Memory(4); Memory program = new Memory(REJECT_ALL.length); Memory fprog = new Memory(16);
                Memory control = new Memory(controlSize); Memory slots = new Memory((long) DRAIN_BATCH * DRAIN_SLOT)) {
            value.setInt(0, RECEIVE_BUFFER_SIZE);
            int result = syscalls.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, Pointer.nativeValue(value), 4);
            if (result < 0) {
                throw new IOException("setsockopt(SO_RCVBUF, " + RECEIVE_BUFFER_SIZE + ") of the protocol-unreachable "
                        + "guard failed: " + syscalls.describe(-result));
            }
            program.write(0, REJECT_ALL, 0, REJECT_ALL.length);
            fprog.clear();
            fprog.setShort(0, (short) 1);
            fprog.setPointer(8, program);
            result = syscalls.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, Pointer.nativeValue(fprog), 16);
            if (result < 0) {
                throw new IOException("setsockopt(SO_ATTACH_FILTER, reject all) of the protocol-unreachable guard "
                        + "failed: " + syscalls.describe(-result));
            }
            // Empty the queue of what arrived before the filter: a full guard would guard nothing.
            control.clear();
            long iovecs = (long) DRAIN_BATCH * RawGreSocket.MMSGHDR_SIZE;
            for (int i = 0; i < DRAIN_BATCH; i++) {
                long header = (long) i * RawGreSocket.MMSGHDR_SIZE;
                long iovec = iovecs + (long) i * RawGreSocket.IOVEC_SIZE;
                control.setLong(iovec, Pointer.nativeValue(slots) + (long) i * DRAIN_SLOT);
                control.setLong(iovec + 8, DRAIN_SLOT);
                control.setLong(header + RawGreSocket.MSG_IOV, Pointer.nativeValue(control) + iovec);
                control.setLong(header + RawGreSocket.MSG_IOVLEN, 1);
            }
            for (int round = 0; round < 4096; round++) {
                int received = syscalls.recvmmsg(fd, Pointer.nativeValue(control), DRAIN_BATCH, 0);
                if (received < DRAIN_BATCH && received != -LibC.EINTR) {
                    break;
                }
            }
        }
    }

    /** The descriptor number (for logs). */
    public int fdValue() {
        return fd;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            syscalls.close(fd);
        }
    }

    @Override
    public String toString() {
        return "ProtocolUnreachableGuard(fd " + fd + (closed.get() ? ", closed)" : ")");
    }
}
