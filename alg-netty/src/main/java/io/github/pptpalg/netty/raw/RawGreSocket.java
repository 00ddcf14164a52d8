package io.github.pptpalg.netty.raw;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw IPv4 socket for protocol 47 (GRE), driven by Netty's epoll event loop as an
 * {@link EpollIoHandle}: epoll says when it is readable or writable, and the socket does its own
 * batched system calls with memory allocated once.
 *
 * <p><b>Receiving.</b> One {@code recvmmsg} fills up to {@code batchSize} slots of one direct
 * buffer; each datagram (IPv4 header + GRE) is handed to the {@link GreDatagramHandler} in arrival
 * order. The loop repeats until the kernel says {@code EAGAIN} or {@code maxBatchesPerWakeup}
 * batches have been handled; epoll is level-triggered, so a socket that still holds data is
 * reported again on the next turn of the event loop (no explicit re-arm).
 *
 * <p><b>Sending.</b> The handler queues, per datagram, a range of the same slot (the GRE part) and
 * a destination ({@link GreSendQueue}); after the batch, one {@code sendmmsg} sends them all. Nothing
 * is copied: the kernel reads the GRE bytes from the slot and writes a new IPv4 header. If the
 * kernel answers {@code EAGAIN} (send buffer full), the unsent rest is kept, reading stops and the
 * socket waits for {@code EPOLLOUT}; the slots are not reused before the rest is sent. This pushes
 * back into the receive queue (sized large for that reason) instead of dropping. Any other error
 * drops just the datagram it concerns (counted, and reported through
 * {@link GreDatagramHandler#sendFailed}).
 *
 * <p><b>Threads and lifetime.</b> Everything after {@link #register} runs on the event loop. The
 * descriptor is closed exactly once, by this class, on the event loop (after it has left epoll),
 * by {@link #closeAsync()} or when the event loop shuts down, and the buffers are freed then.
 * Per packet, this class allocates nothing.
 */
public final class RawGreSocket implements EpollIoHandle, GreSendQueue {

    private static final Logger logger = LoggerFactory.getLogger(RawGreSocket.class);

    // struct mmsghdr on LP64 Linux: struct msghdr (56 bytes) + unsigned int msg_len, padded to 64.
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_LEN = 56;
    // struct iovec: void *iov_base; size_t iov_len.
    static final int IOVEC_SIZE = 16;
    // struct sockaddr_in: sa_family_t (host order), in_port_t, struct in_addr (network order), zero[8].
    static final int SOCKADDR_IN_SIZE = 16;
    static final int SIN_ADDR = 4;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int EPOLLIN = EpollIoOps.EPOLLIN.value();
    private static final int EPOLLOUT = EpollIoOps.EPOLLOUT.value();
    private static final int EPOLLERR = EpollIoOps.EPOLLERR.value();

    private final Syscalls syscalls;
    private final RawFileDescriptor fd;
    private final GreDatagramHandler handler;
    private final GreCallIdFilter filter;
    private final int batchSize;
    private final int slotSize;
    private final int maxBatchesPerWakeup;
    private final int receiveBufferSize;

    private final ByteBuf slots;
    private final long slotsAddress;
    private final ByteBuffer control;
    private final long controlAddress;
    private final int receiveVector;
    private final int sendVector;
    private final int sendIovecs;
    private final int sendAddresses;
    private final int scratch;

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile IoEventLoop eventLoop;
    private IoRegistration registration;

    private int currentSlot = -1;
    private int sendCount;
    private int sendStart;
    private boolean waitingForWritable;

    private volatile long receivedDatagrams;
    private volatile long receiveBatches;
    private volatile long sentDatagrams;
    private volatile long sendFailures;
    private volatile long sendStalls;
    private volatile long receiveErrors;
    private volatile long handlerErrors;

    private RawGreSocket(Syscalls syscalls, int fd, GreCallIdFilter filter, RawGreSocketOptions options,
            int receiveBufferSize, GreDatagramHandler handler) {
        this.syscalls = syscalls;
        this.fd = new RawFileDescriptor(syscalls, fd);
        this.filter = filter;
        this.handler = handler;
        this.batchSize = options.batchSize();
        this.slotSize = options.slotSize();
        this.maxBatchesPerWakeup = options.maxBatchesPerWakeup();
        this.receiveBufferSize = receiveBufferSize;

        slots = Unpooled.directBuffer(batchSize * slotSize, batchSize * slotSize);
        slotsAddress = addressOf(slots.nioBuffer(0, slots.capacity()));

        receiveVector = 0;
        int receiveIovecs = receiveVector + batchSize * MMSGHDR_SIZE;
        sendVector = receiveIovecs + batchSize * IOVEC_SIZE;
        sendIovecs = sendVector + batchSize * MMSGHDR_SIZE;
        sendAddresses = sendIovecs + batchSize * IOVEC_SIZE;
        scratch = sendAddresses + batchSize * SOCKADDR_IN_SIZE;
        control = ByteBuffer.allocateDirect(scratch + 16).order(ByteOrder.nativeOrder());
        controlAddress = addressOf(control);
        for (int i = 0; i < batchSize; i++) {
            int header = receiveVector + i * MMSGHDR_SIZE;
            int iovec = receiveIovecs + i * IOVEC_SIZE;
            control.putLong(iovec, slotsAddress + (long) i * slotSize);
            control.putLong(iovec + 8, slotSize);
            control.putLong(header + MSG_IOV, controlAddress + iovec);
            control.putLong(header + MSG_IOVLEN, 1);

            header = sendVector + i * MMSGHDR_SIZE;
            iovec = sendIovecs + i * IOVEC_SIZE;
            int address = sendAddresses + i * SOCKADDR_IN_SIZE;
            control.putShort(address, (short) LibC.AF_INET);
            control.putLong(header + MSG_NAME, controlAddress + address);
            control.putInt(header + MSG_NAMELEN, SOCKADDR_IN_SIZE);
            control.putLong(header + MSG_IOV, controlAddress + iovec);
            control.putLong(header + MSG_IOVLEN, 1);
        }
    }

    private static long addressOf(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /**
     * Opens a raw GRE socket: non-blocking, close-on-exec, the receive (and optionally send)
     * buffer sized, the BPF {@code filter} attached, and whatever was queued before the filter
     * took effect discarded. Call {@link #register} next.
     *
     * @throws IOException if a system call fails (the message names it and the error; a missing
     *     {@code CAP_NET_RAW} says how to grant it)
     * @throws IllegalStateException if {@link RawGre#isAvailable()} is false
     */
    public static RawGreSocket open(GreCallIdFilter filter, RawGreSocketOptions options, GreDatagramHandler handler)
            throws IOException {
        RawGre.ensureAvailability();
        return open(NativeSyscalls.INSTANCE, filter, options, handler);
    }

    static RawGreSocket open(Syscalls syscalls, GreCallIdFilter filter, RawGreSocketOptions options,
            GreDatagramHandler handler) throws IOException {
        Objects.requireNonNull(syscalls, "syscalls");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        int fd = syscalls.socket(LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC,
                LibC.IPPROTO_GRE);
        if (fd < 0) {
            int errno = -fd;
            String hint = errno == LibC.EPERM || errno == LibC.EACCES ? ": the process lacks CAP_NET_RAW; "
                    + RawGre.SETCAP_HINT : "";
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_GRE) failed: " + syscalls.describe(errno) + hint);
        }
        RawGreSocket socket = null;
        try {
            int receiveBufferSize = setBufferSize(syscalls, fd, LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF,
                    "SO_RCVBUF", options.receiveBufferSize(), "net.core.rmem_max");
            if (options.sendBufferSize() != 0) {
                setBufferSize(syscalls, fd, LibC.SO_SNDBUFFORCE, LibC.SO_SNDBUF, "SO_SNDBUF", options.sendBufferSize(),
                        "net.core.wmem_max");
            }
            attachFilter(syscalls, fd, filter);
            socket = new RawGreSocket(syscalls, fd, filter, options, receiveBufferSize, handler);
            socket.discardQueued();
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            if (socket != null) {
                socket.close0();
            } else {
                syscalls.close(fd);
            }
            throw e;
        }
    }

    /**
     * Sets a buffer size, first with the {@code *FORCE} option (needs CAP_NET_ADMIN, passes the
     * sysctl limit), else with the plain one (capped by the sysctl); returns what the kernel reports
     * (it doubles the request for its bookkeeping).
     */
    private static int setBufferSize(Syscalls syscalls, int fd, int forceOption, int option, String name,
            int requested, String sysctl) throws IOException {
        try (Memory value = new Memory(8)) {
            value.setInt(0, requested);
            long address = Pointer.nativeValue(value);
            int result = syscalls.setsockopt(fd, LibC.SOL_SOCKET, forceOption, address, 4);
            if (result < 0) {
                result = syscalls.setsockopt(fd, LibC.SOL_SOCKET, option, address, 4);
                if (result < 0) {
                    throw new IOException("setsockopt(" + name + ", " + requested + ") failed: "
                            + syscalls.describe(-result));
                }
            }
            value.setInt(0, 0);
            value.setInt(4, 4);
            result = syscalls.getsockopt(fd, LibC.SOL_SOCKET, option, address, address + 4);
            if (result < 0) {
                throw new IOException("getsockopt(" + name + ") failed: " + syscalls.describe(-result));
            }
            int actual = value.getInt(0);
            if (actual < requested) {
                logger.warn("{} of the raw GRE socket is {} bytes, less than the {} asked for: raise the sysctl {} "
                        + "or give the process CAP_NET_ADMIN", name, actual, requested, sysctl);
            }
            return actual;
        }
    }

    private static void attachFilter(Syscalls syscalls, int fd, GreCallIdFilter filter) throws IOException {
        byte[] program = filter.toNativeBytes();
        try (Memory instructions = new Memory(program.length); Memory fprog = new Memory(16)) {
            instructions.write(0, program, 0, program.length);
            fprog.clear();
            fprog.setShort(0, (short) filter.length());
            fprog.setPointer(8, instructions);
            int result = syscalls.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, Pointer.nativeValue(fprog), 16);
            if (result < 0) {
                throw new IOException("setsockopt(SO_ATTACH_FILTER, " + filter + ") failed: "
                        + syscalls.describe(-result));
            }
        }
    }

    /** Drops what the kernel queued between socket() and the filter: not ours to see. */
    private void discardQueued() {
        for (int round = 0; round < 1024; round++) {
            int received = syscalls.recvmmsg(fd.intValue(), controlAddress + receiveVector, batchSize, 0);
            if (received < batchSize && (received >= 0 || received != -LibC.EINTR)) {
                return;
            }
        }
    }

    /**
     * Registers this socket with an epoll event loop and starts reading.
     *
     * @return completes on the event loop once reading has started, or fails if registration failed
     * @throws IllegalArgumentException if the loop is not an epoll loop
     * @throws IllegalStateException if already registered or closed
     */
    public Future<Void> register(IoEventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (!loop.isCompatible(RawGreSocket.class)) {
            throw new IllegalArgumentException("event loop: " + loop
                    + " (expected: one of a MultiThreadIoEventLoopGroup made with EpollIoHandler.newFactory())");
        }
        if (closed.get()) {
            throw new IllegalStateException("raw GRE socket " + fd.intValue() + " is closed");
        }
        synchronized (this) {
            if (eventLoop != null) {
                throw new IllegalStateException("raw GRE socket " + fd.intValue() + " is already registered with "
                        + eventLoop);
            }
            eventLoop = loop;
        }
        Promise<Void> started = loop.newPromise();
        // An event loop that terminates closes its registered handles, but not always: with a quiet
        // period of 0 it may end without doing so. Close after termination then (safe: no I/O left).
        loop.terminationFuture().addListener(terminated -> close0());
        loop.register(this).addListener(future -> {
            if (!future.isSuccess()) {
                close0();
                started.setFailure(future.cause());
                return;
            }
            registration = (IoRegistration) future.getNow();
            if (closed.get()) {
                registration.cancel();
                started.setFailure(new IllegalStateException("raw GRE socket closed while registering"));
                return;
            }
            try {
                interest(EPOLLIN);
                started.setSuccess(null);
            } catch (Exception e) {
                close0();
                started.setFailure(e);
            }
        });
        return started;
    }

    private void interest(int ops) throws Exception {
        registration.submit(EpollIoOps.valueOf(ops));
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        int ops = ((EpollIoEvent) event).ops().value();
        if ((ops & EPOLLERR) != 0) {
            clearSocketError();
        }
        if ((ops & EPOLLOUT) != 0 && waitingForWritable) {
            writable();
        }
        if ((ops & EPOLLIN) != 0 && !waitingForWritable) {
            readable();
        }
    }

    /** The kernel's pending socket error (an ICMP error for a sent datagram): read it to clear it. */
    private void clearSocketError() {
        control.putInt(scratch, 0);
        control.putInt(scratch + 4, 4);
        int result = syscalls.getsockopt(fd.intValue(), LibC.SOL_SOCKET, LibC.SO_ERROR, controlAddress + scratch,
                controlAddress + scratch + 4);
        int error = result < 0 ? -result : control.getInt(scratch);
        if (error != 0) {
            receiveErrors++;
            if (logger.isDebugEnabled()) {
                logger.debug("raw GRE socket {}: socket error {}", fd.intValue(), syscalls.describe(error));
            }
        }
    }

    /** Reads and hands on batches until EAGAIN or the budget; package-private for tests. */
    void readable() {
        int fdValue = fd.intValue();
        for (int round = 0; round < maxBatchesPerWakeup && !closed.get(); round++) {
            int received = syscalls.recvmmsg(fdValue, controlAddress + receiveVector, batchSize, 0);
            if (received <= 0) {
                int errno = received == 0 ? LibC.EAGAIN : -received;
                if (errno == LibC.EAGAIN) {
                    return;
                }
                if (errno != LibC.EINTR) {
                    receiveErrors++;
                    if (logger.isDebugEnabled()) {
                        logger.debug("raw GRE socket {}: recvmmsg failed: {}", fdValue, syscalls.describe(errno));
                    }
                }
                continue;
            }
            receiveBatches++;
            receivedDatagrams += received;
            sendCount = 0;
            sendStart = 0;
            for (int i = 0; i < received; i++) {
                int bytesRead = Math.min(control.getInt(receiveVector + i * MMSGHDR_SIZE + MSG_LEN), slotSize);
                currentSlot = i;
                try {
                    handler.datagramReceived(slots, i * slotSize, bytesRead, this);
                } catch (RuntimeException e) {
                    handlerErrors++;
                    logger.debug("raw GRE socket {}: the datagram handler failed", fdValue, e);
                }
            }
            currentSlot = -1;
            if (!flush()) {
                waitForWritable();
                return;
            }
            if (received < batchSize) {
                return;
            }
        }
    }

    /** The send buffer has room again: send the rest, then read again. Package-private for tests. */
    void writable() {
        if (!flush()) {
            return;
        }
        waitingForWritable = false;
        if (registration != null) {
            try {
                interest(EPOLLIN);
            } catch (Exception e) {
                logger.debug("raw GRE socket {}: epoll_ctl failed", fd.intValue(), e);
            }
        }
        readable();
    }

    private void waitForWritable() {
        waitingForWritable = true;
        sendStalls++;
        if (registration != null) {
            try {
                interest(EPOLLOUT);
            } catch (Exception e) {
                // without EPOLLOUT the socket would wait for writability forever and relay nothing more
                logger.warn("raw GRE socket {}: cannot wait for writability (epoll_ctl failed), closing it",
                        fd.intValue(), e);
                closeAsync();
            }
        }
    }

    /** Whether the socket waits for EPOLLOUT with unsent datagrams (and does not read meanwhile). */
    boolean isWaitingForWritable() {
        return waitingForWritable;
    }

    /** Sends the queued datagrams; false if EAGAIN left some unsent. */
    private boolean flush() {
        int fdValue = fd.intValue();
        while (sendStart < sendCount) {
            int sent = syscalls.sendmmsg(fdValue, controlAddress + sendVector + (long) sendStart * MMSGHDR_SIZE,
                    sendCount - sendStart, 0);
            if (sent > 0) {
                sentDatagrams += sent;
                sendStart += sent;
                continue;
            }
            int errno = sent == 0 ? LibC.EAGAIN : -sent;
            if (errno == LibC.EINTR) {
                continue;
            }
            if (errno == LibC.EAGAIN) {
                return false;
            }
            // The first unsent datagram failed on its own (no route, too big, refused by a firewall): drop it.
            int destination = destinationOf(sendStart);
            sendStart++;
            sendFailures++;
            if (logger.isDebugEnabled()) {
                logger.debug("raw GRE socket {}: sendmmsg failed: {}", fdValue, syscalls.describe(errno));
            }
            try {
                handler.sendFailed(destination, errno);
            } catch (RuntimeException e) {
                handlerErrors++;
                logger.debug("raw GRE socket {}: the datagram handler failed", fdValue, e);
            }
        }
        sendCount = 0;
        sendStart = 0;
        return true;
    }

    private int destinationOf(int index) {
        int raw = control.getInt(sendAddresses + index * SOCKADDR_IN_SIZE + SIN_ADDR);
        return LITTLE_ENDIAN ? Integer.reverseBytes(raw) : raw;
    }

    @Override
    public void add(int offset, int length, int destinationAddress) {
        int slot = currentSlot;
        if (slot < 0 || sendCount >= batchSize) {
            throw new IllegalStateException("send queue: " + sendCount + " datagrams queued, slot " + slot
                    + " (expected: one send per datagram, from inside datagramReceived)");
        }
        int slotStart = slot * slotSize;
        if (offset < slotStart || length < 0 || offset > slotStart + slotSize - length) {
            throw new IndexOutOfBoundsException("send range: offset " + offset + ", length " + length
                    + " (expected: inside slot " + slot + " = [" + slotStart + ", " + (slotStart + slotSize) + "))");
        }
        int index = sendCount++;
        int iovec = sendIovecs + index * IOVEC_SIZE;
        control.putLong(iovec, slotsAddress + offset);
        control.putLong(iovec + 8, length);
        control.putInt(sendAddresses + index * SOCKADDR_IN_SIZE + SIN_ADDR,
                LITTLE_ENDIAN ? Integer.reverseBytes(destinationAddress) : destinationAddress);
    }

    /**
     * Closes the socket on its event loop (after leaving epoll) and frees its buffers; idempotent.
     *
     * @return completes when closed
     */
    public Future<Void> closeAsync() {
        IoEventLoop loop = eventLoop;
        if (loop == null) {
            close0();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        if (loop.inEventLoop()) {
            close0();
            return loop.newSucceededFuture(null);
        }
        Promise<Void> done = loop.newPromise();
        try {
            loop.execute(() -> {
                close0();
                done.setSuccess(null);
            });
        } catch (RejectedExecutionException e) {
            // The loop is shutting down: close once it has ended (if it has not closed us itself).
            loop.terminationFuture().addListener(f -> {
                close0();
                done.setSuccess(null);
            });
        }
        return done;
    }

    /**
     * Called by the event loop when it shuts down. From another thread, while the loop runs, this
     * is {@link #closeAsync()} (the buffers must not be freed under a running receive).
     */
    @Override
    public void close() {
        IoEventLoop loop = eventLoop;
        if (loop != null && !loop.inEventLoop() && !loop.isTerminated()) {
            closeAsync();
            return;
        }
        close0();
    }

    private void close0() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IoRegistration r = registration;
        if (r != null) {
            try {
                r.cancel();
            } catch (RejectedExecutionException e) {
                // The event loop has ended: its epoll instance is gone, nothing to cancel.
            }
        }
        try {
            fd.close();
        } catch (IOException e) {
            logger.debug("raw GRE socket {}", fd.intValue(), e);
        }
        slots.release();
        logger.debug("raw GRE socket {} ({}) closed: {} datagrams received, {} sent", fd.intValue(), filter,
                receivedDatagrams, sentDatagrams);
    }

    /** Whether {@link #closeAsync()} or the event loop has closed this socket. */
    public boolean isClosed() {
        return closed.get();
    }

    /** The descriptor number (for logs). */
    public int fdValue() {
        return fd.intValue();
    }

    /** The filter attached to this socket. */
    public GreCallIdFilter filter() {
        return filter;
    }

    /** {@code SO_RCVBUF} as the kernel reports it after setting (twice the usable payload bytes). */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** Datagrams received. */
    public long receivedDatagrams() {
        return receivedDatagrams;
    }

    /** {@code recvmmsg} calls that returned datagrams. */
    public long receiveBatches() {
        return receiveBatches;
    }

    /** Datagrams sent. */
    public long sentDatagrams() {
        return sentDatagrams;
    }

    /** Queued datagrams dropped because {@code sendmmsg} failed for them. */
    public long sendFailures() {
        return sendFailures;
    }

    /** Times the send buffer was full ({@code EAGAIN}) and the socket waited for {@code EPOLLOUT}. */
    public long sendStalls() {
        return sendStalls;
    }

    /** Receive errors and socket errors (e.g. ICMP errors the kernel reported). */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** Exceptions thrown by the handler (a bug: handlers must not throw). */
    public long handlerErrors() {
        return handlerErrors;
    }

    @Override
    public String toString() {
        return "RawGreSocket(fd " + fd.intValue() + ", " + filter + (closed.get() ? ", closed)" : ")");
    }
}
