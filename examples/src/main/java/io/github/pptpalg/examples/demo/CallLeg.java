package io.github.pptpalg.examples.demo;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One call as one of the demo's peers sees it: its own Call ID (the GRE key it receives with), the gateway's Call
 * ID it sends with and where to, what it sent and what it received, checked packet by packet.
 *
 * <p>The control thread sets up {@link #connect(int, int)} before any GRE flows; afterwards the sending thread
 * writes the sent counters and the receiving thread the received ones; any thread may read them.
 */
final class CallLeg {

    private static final DemoPayload.Check[] CHECKS = DemoPayload.Check.values();

    /** The demo's number of the call (0-based); carried in the payload and in the OCRQ's Call Serial Number. */
    final int index;
    /** This peer's own Call ID: the key of the GRE it receives. */
    final int ownCallId;
    /** The direction ({@link DemoPayload#PNS_TO_PAC} or {@link DemoPayload#PAC_TO_PNS}) this peer sends in. */
    final int sendDirection;
    /** Packets each side sends on this call. */
    final long expectedPackets;

    private volatile int sendCallId = -1;
    private volatile int gatewayAddress;

    final AtomicLong sentPackets = new AtomicLong();
    final AtomicLong sentBytes = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();

    final AtomicLong receivedPackets = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final AtomicLong wrongSource = new AtomicLong();
    /** Packets that failed a payload check, per {@link DemoPayload.Check} ordinal (INTACT stays 0). */
    final AtomicLongArray corrupt = new AtomicLongArray(CHECKS.length);

    private final BitSet seen;
    private long highestSeen = -1;

    CallLeg(int index, int ownCallId, int sendDirection, long expectedPackets) {
        this.index = index;
        this.ownCallId = ownCallId;
        this.sendDirection = sendDirection;
        this.expectedPackets = expectedPackets;
        this.seen = new BitSet((int) expectedPackets);
    }

    /** The call is up: send GRE with key {@code sendCallId} to {@code gatewayAddress}, accept GRE only from there. */
    void connect(int sendCallId, int gatewayAddress) {
        this.gatewayAddress = gatewayAddress;
        this.sendCallId = sendCallId;
    }

    boolean isConnected() {
        return sendCallId >= 0;
    }

    /** The gateway's Call ID this peer writes into the GRE it sends, or -1 before the call is up. */
    int sendCallId() {
        return sendCallId;
    }

    /** The gateway's address on this peer's leg (IPv4 as int). */
    int gatewayAddress() {
        return gatewayAddress;
    }

    /** The direction of the GRE this peer receives. */
    int receiveDirection() {
        return sendDirection == DemoPayload.PNS_TO_PAC ? DemoPayload.PAC_TO_PNS : DemoPayload.PNS_TO_PAC;
    }

    /** Counts a received packet whose payload passed every check; only the receiving thread calls it. */
    void received(long sequence, int datagramBytes) {
        if (sequence >= expectedPackets) {
            corrupt.incrementAndGet(DemoPayload.Check.WRONG_SEQUENCE.ordinal());
            return;
        }
        int bit = (int) sequence;
        if (seen.get(bit)) {
            duplicates.incrementAndGet();
            return;
        }
        seen.set(bit);
        if (sequence < highestSeen) {
            outOfOrder.incrementAndGet();
        } else {
            highestSeen = sequence;
        }
        receivedPackets.incrementAndGet();
        receivedBytes.addAndGet(datagramBytes);
    }

    void corrupt(DemoPayload.Check check) {
        corrupt.incrementAndGet(check.ordinal());
    }

    /** Packets that failed any payload check. */
    long corruptTotal() {
        long total = 0;
        for (int i = 0; i < corrupt.length(); i++) {
            total += corrupt.get(i);
        }
        return total;
    }

    /** Sent by the other side ({@code otherSent}) but never received here. */
    long missing(long otherSent) {
        return Math.max(0, otherSent - receivedPackets.get());
    }
}
