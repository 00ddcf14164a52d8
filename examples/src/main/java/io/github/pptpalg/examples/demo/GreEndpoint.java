package io.github.pptpalg.examples.demo;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.GreValidation;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.codec.gre.Ipv4Validation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The GRE side of one of the demo's peers: a {@link DemoRawSocket}, one thread sending paced, numbered packets
 * on every call and one thread receiving and checking every packet addressed to the peer. Both loops are bounded:
 * the sender by its packet count and a deadline, the receiver by a stop flag and a deadline, each receive by the
 * socket's timeout.
 */
final class GreEndpoint {

    private final String name;
    private final DemoRawSocket socket;
    private final CallLeg[] legs;
    private final int lowestOwnCallId;
    private final int payloadSize;
    private final int rate;

    /** GRE addressed to this peer that is not a valid IPv4 + enhanced-GRE packet with a sequence number. */
    final AtomicLong malformed = new AtomicLong();
    /** Valid GRE with a Call ID of this peer's range that belongs to no call that is up. */
    final AtomicLong unknownCall = new AtomicLong();
    /** Datagrams whose destination is not this peer (the kernel should not deliver any). */
    final AtomicLong notForThisPeer = new AtomicLong();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private volatile boolean stopReceiving;
    private volatile boolean stopSending;
    private volatile boolean sendingDone;
    private Thread sender;
    private Thread receiver;

    GreEndpoint(String name, DemoRawSocket socket, CallLeg[] legs, int lowestOwnCallId, int payloadSize, int rate) {
        this.name = Objects.requireNonNull(name, "name");
        this.socket = Objects.requireNonNull(socket, "socket");
        this.legs = legs.clone();
        this.lowestOwnCallId = lowestOwnCallId;
        this.payloadSize = payloadSize;
        this.rate = rate;
    }

    String name() {
        return name;
    }

    /** Starts the receiving thread; it runs until {@link #stopReceiving(long)} or {@code deadlineNanos}. */
    void startReceiving(long deadlineNanos) {
        receiver = new Thread(() -> receiveLoop(deadlineNanos), "demo-" + name + "-gre-receive");
        receiver.setDaemon(true);
        receiver.start();
    }

    /**
     * Starts the sending thread: round {@code r} (one packet on every call, sequence number {@code r}) is due at
     * {@code startNanos + r / rate}; it stops after {@link CallLeg#expectedPackets} rounds, at
     * {@code deadlineNanos}, or at {@link #abortSending()}.
     */
    void startSending(long startNanos, long deadlineNanos) {
        sender = new Thread(() -> sendLoop(startNanos, deadlineNanos), "demo-" + name + "-gre-send");
        sender.setDaemon(true);
        sender.start();
    }

    boolean sendingDone() {
        return sendingDone;
    }

    void abortSending() {
        stopSending = true;
    }

    /** Waits for the sender to finish, at most {@code timeoutMillis}. */
    boolean awaitSending(long timeoutMillis) throws InterruptedException {
        if (sender == null) {
            return true;
        }
        sender.join(Math.max(1, timeoutMillis));
        return !sender.isAlive();
    }

    /** Stops both loops, waits for them at most {@code timeoutMillis} each, closes the socket. */
    void stop(long timeoutMillis) throws InterruptedException {
        stopSending = true;
        stopReceiving = true;
        boolean stopped = true;
        for (Thread thread : new Thread[] {sender, receiver}) {
            if (thread != null) {
                thread.join(Math.max(1, timeoutMillis));
                stopped &= !thread.isAlive();
            }
        }
        if (stopped) {
            socket.close(); // only once nobody reads or writes it any more
        } else {
            failures.add(new IllegalStateException(name + ": a GRE thread did not stop within " + timeoutMillis
                    + " ms"));
        }
    }

    long sentPackets() {
        long total = 0;
        for (CallLeg leg : legs) {
            total += leg.sentPackets.get();
        }
        return total;
    }

    long sentBytes() {
        long total = 0;
        for (CallLeg leg : legs) {
            total += leg.sentBytes.get();
        }
        return total;
    }

    long receivedPackets() {
        long total = 0;
        for (CallLeg leg : legs) {
            total += leg.receivedPackets.get();
        }
        return total;
    }

    long receivedBytes() {
        long total = 0;
        for (CallLeg leg : legs) {
            total += leg.receivedBytes.get();
        }
        return total;
    }

    private void sendLoop(long startNanos, long deadlineNanos) {
        int greLength = EnhancedGreHeader.MIN_HEADER_LENGTH + 4 + payloadSize;
        int datagramBytes = Ipv4Header.MIN_HEADER_LENGTH + greLength;
        ByteBuf packet = Unpooled.buffer(greLength, greLength);
        try {
            long rounds = legs.length == 0 ? 0 : legs[0].expectedPackets;
            for (long round = 0; round < rounds && !stopSending; round++) {
                long due = startNanos + round * 1_000_000_000L / rate;
                long now;
                while ((now = System.nanoTime()) < due && !stopSending) {
                    LockSupport.parkNanos(Math.min(due - now, TimeUnit.MILLISECONDS.toNanos(10)));
                }
                if (now - deadlineNanos > 0) {
                    failures.add(new IllegalStateException(name + ": stopped sending at its deadline after " + round
                            + " of " + rounds + " rounds (the machine is too slow for --rate " + rate + ")"));
                    break;
                }
                for (CallLeg leg : legs) {
                    packet.clear();
                    EnhancedGreHeader.writeHeader(packet, leg.sendCallId(), payloadSize, round,
                            EnhancedGreHeader.ABSENT);
                    DemoPayload.write(packet, leg.index, leg.sendDirection, round, payloadSize);
                    try {
                        socket.send(packet, leg.gatewayAddress());
                        leg.sentPackets.incrementAndGet();
                        leg.sentBytes.addAndGet(datagramBytes);
                    } catch (IOException e) {
                        if (leg.sendErrors.getAndIncrement() == 0) {
                            failures.add(e);
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            failures.add(e);
        } finally {
            packet.release();
            sendingDone = true;
        }
    }

    private void receiveLoop(long deadlineNanos) {
        ByteBuf datagram = Unpooled.buffer(65536);
        try {
            while (!stopReceiving && System.nanoTime() - deadlineNanos < 0) {
                int length = socket.receive(datagram);
                if (length > 0) {
                    check(datagram, length);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failures.add(e);
        } finally {
            datagram.release();
        }
    }

    /** Checks one received datagram (IPv4 header first) and counts it. */
    private void check(ByteBuf datagram, int length) {
        if (Ipv4Header.validate(datagram, 0, length) != Ipv4Validation.VALID) {
            malformed.incrementAndGet();
            return;
        }
        if (Ipv4Header.destinationAddress(datagram, 0) != socket.address()) {
            notForThisPeer.incrementAndGet();
            return;
        }
        int gre = Ipv4Header.payloadOffset(datagram, 0);
        int greLength = Ipv4Header.payloadLength(datagram, 0);
        if (EnhancedGreHeader.validate(datagram, gre, greLength) != GreValidation.VALID
                || !EnhancedGreHeader.hasSequence(datagram, gre)) {
            malformed.incrementAndGet();
            return;
        }
        int slot = EnhancedGreHeader.callId(datagram, gre) - lowestOwnCallId;
        if (slot < 0 || slot >= legs.length || !legs[slot].isConnected()) {
            unknownCall.incrementAndGet();
            return;
        }
        CallLeg leg = legs[slot];
        if (Ipv4Header.sourceAddress(datagram, 0) != leg.gatewayAddress()) {
            leg.wrongSource.incrementAndGet();
            return;
        }
        long sequence = EnhancedGreHeader.sequence(datagram, gre);
        int payload = EnhancedGreHeader.payloadOffset(datagram, gre);
        DemoPayload.Check check = DemoPayload.verify(datagram, payload, EnhancedGreHeader.payloadLength(datagram, gre),
                payloadSize, leg.index, leg.receiveDirection(), sequence);
        if (check == DemoPayload.Check.INTACT) {
            leg.received(sequence, Ipv4Header.totalLength(datagram, 0));
        } else {
            leg.corrupt(check);
        }
    }
}
