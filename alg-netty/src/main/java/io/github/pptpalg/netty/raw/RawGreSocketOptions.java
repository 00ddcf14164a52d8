package io.github.pptpalg.netty.raw;

/**
 * Sizes of a {@link RawGreSocket}.
 *
 * @param receiveBufferSize {@code SO_RCVBUF} to ask for, in bytes (forced past {@code net.core.rmem_max}
 *     with {@code SO_RCVBUFFORCE} when the process has {@code CAP_NET_ADMIN}). The receive queue must
 *     absorb bursts while the loop is busy: a full queue makes the kernel answer GRE with ICMP
 *     protocol-unreachable, which tears calls down.
 * @param sendBufferSize {@code SO_SNDBUF} to ask for, in bytes, or 0 to keep the system default
 * @param batchSize datagrams per {@code recvmmsg}/{@code sendmmsg} (the number of receive slots)
 * @param slotSize bytes per receive slot: the largest IPv4 datagram (header + GRE) relayed whole;
 *     longer ones are counted as truncated and dropped
 * @param maxBatchesPerWakeup receive batches handled per epoll wakeup before other work of the
 *     event loop gets its turn (the socket stays readable, so epoll reports it again)
 */
public record RawGreSocketOptions(int receiveBufferSize, int sendBufferSize, int batchSize, int slotSize,
        int maxBatchesPerWakeup) {

    /** 8 MiB: about 5,000 full-size packets of backlog, or tens of milliseconds at high rates. */
    public static final int DEFAULT_RECEIVE_BUFFER_SIZE = 8 << 20;
    /** 64 datagrams per system call. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /**
     * 16 KiB: a PPP frame in GRE is normally at most ~1,500 bytes, a jumbo-frame path ~9,000; the
     * slots of a batch together take {@code batchSize * slotSize} (1 MiB by default) per socket.
     */
    public static final int DEFAULT_SLOT_SIZE = 16 << 10;
    /** 16 batches (1,024 datagrams by default) per wakeup. */
    public static final int DEFAULT_MAX_BATCHES_PER_WAKEUP = 16;

    /** The smallest slot: an IPv4 header with options (60) and the largest GRE header (16). */
    public static final int MIN_SLOT_SIZE = 76;
    /** The largest slot: the largest IPv4 datagram. */
    public static final int MAX_SLOT_SIZE = 65535;

    /** Validates. */
    public RawGreSocketOptions {
        if (receiveBufferSize < 4096) {
            throw new IllegalArgumentException("receiveBufferSize: " + receiveBufferSize + " (expected: >= 4096)");
        }
        if (sendBufferSize != 0 && sendBufferSize < 4096) {
            throw new IllegalArgumentException("sendBufferSize: " + sendBufferSize + " (expected: 0 or >= 4096)");
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: 1..1024)");
        }
        if (slotSize < MIN_SLOT_SIZE || slotSize > MAX_SLOT_SIZE) {
            throw new IllegalArgumentException("slotSize: " + slotSize + " (expected: " + MIN_SLOT_SIZE + ".."
                    + MAX_SLOT_SIZE + ")");
        }
        if (maxBatchesPerWakeup < 1) {
            throw new IllegalArgumentException("maxBatchesPerWakeup: " + maxBatchesPerWakeup + " (expected: >= 1)");
        }
    }

    /** Prefix of the system properties that override {@link #defaults()} (for tuning and measuring). */
    public static final String PROPERTY_PREFIX = "io.github.pptpalg.gre.";

    /**
     * The defaults: 8 MiB receive buffer, system send buffer, 64 slots of 16 KiB, 16 batches per
     * wakeup; each can be overridden by a system property named {@value #PROPERTY_PREFIX} plus the
     * component's name (e.g. {@code -Dio.github.pptpalg.gre.batchSize=128}).
     *
     * @throws IllegalArgumentException if such a property is not a valid value (the message names it)
     */
    public static RawGreSocketOptions defaults() {
        return new RawGreSocketOptions(property("receiveBufferSize", DEFAULT_RECEIVE_BUFFER_SIZE),
                property("sendBufferSize", 0), property("batchSize", DEFAULT_BATCH_SIZE),
                property("slotSize", DEFAULT_SLOT_SIZE), property("maxBatchesPerWakeup", DEFAULT_MAX_BATCHES_PER_WAKEUP));
    }

    private static int property(String component, int defaultValue) {
        String name = PROPERTY_PREFIX + component;
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + ": " + value + " (expected: an integer)");
        }
    }

    /** A copy with another receive buffer size. */
    public RawGreSocketOptions withReceiveBufferSize(int bytes) {
        return new RawGreSocketOptions(bytes, sendBufferSize, batchSize, slotSize, maxBatchesPerWakeup);
    }

    /** A copy with another send buffer size (0: system default). */
    public RawGreSocketOptions withSendBufferSize(int bytes) {
        return new RawGreSocketOptions(receiveBufferSize, bytes, batchSize, slotSize, maxBatchesPerWakeup);
    }

    /** A copy with another batch size. */
    public RawGreSocketOptions withBatchSize(int datagrams) {
        return new RawGreSocketOptions(receiveBufferSize, sendBufferSize, datagrams, slotSize, maxBatchesPerWakeup);
    }

    /** A copy with another slot size. */
    public RawGreSocketOptions withSlotSize(int bytes) {
        return new RawGreSocketOptions(receiveBufferSize, sendBufferSize, batchSize, bytes, maxBatchesPerWakeup);
    }

    /** A copy with another number of batches per wakeup. */
    public RawGreSocketOptions withMaxBatchesPerWakeup(int batches) {
        return new RawGreSocketOptions(receiveBufferSize, sendBufferSize, batchSize, slotSize, batches);
    }
}
