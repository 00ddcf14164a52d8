package io.github.pptpalg.examples.demo;

import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's PPTP client (PNS): one thread per control connection, each connecting to the gateway from the
 * PNS's own address and running the script
 * <pre>
 * SCCRQ -> SCCRP; for each of its calls: OCRQ -> OCRP          (the calls are up: GRE may flow)
 * ... answer Echo-Requests until told to hang up ...
 * for each call: CCRQ -> CDN; StopCCRQ -> StopCCRP; close
 * </pre>
 * The OCRQ carries the PNS's own Call ID and, as Call Serial Number, the demo's number of the call; the OCRP
 * brings the gateway's Call ID for the call, which the PNS then writes into its GRE. Every wait is bounded.
 */
final class DemoPns {

    private static final Duration POLL = Duration.ofMillis(200);

    private final InetAddress localAddress;
    private final InetSocketAddress gateway;
    private final CallLeg[] legs;
    private final int callsPerConnection;
    private final Duration timeout;
    private final long deadlineNanos;
    private final CountDownLatch callsUp;
    private final CountDownLatch hangUp = new CountDownLatch(1);
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger callsCleared = new AtomicInteger();
    final AtomicInteger connectionsStopped = new AtomicInteger();

    DemoPns(InetAddress localAddress, InetSocketAddress gateway, CallLeg[] legs, int callsPerConnection,
            Duration timeout, long deadlineNanos) {
        this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.legs = legs.clone();
        this.callsPerConnection = callsPerConnection;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.deadlineNanos = deadlineNanos;
        this.callsUp = new CountDownLatch(legs.length);
    }

    /** Starts one thread per control connection. */
    void start() {
        for (int first = 0, number = 1; first < legs.length; first += callsPerConnection, number++) {
            int from = first;
            int to = Math.min(legs.length, first + callsPerConnection);
            String name = "PNS connection " + number;
            Thread thread = new Thread(() -> run(name, from, to), "demo-pns-connection-" + number);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Waits at most {@code timeoutMillis} until every call is up; false if not (see {@link #failures}). */
    boolean awaitCallsUp(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() - deadline < 0) {
            if (callsUp.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!failures.isEmpty()) {
                return false;
            }
        }
        return false;
    }

    /** Tells every connection to clear its calls and stop. */
    void hangUp() {
        hangUp.countDown();
    }

    /** Waits at most {@code timeoutMillis} for every connection thread to finish. */
    boolean awaitDone(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private void run(String name, int from, int to) {
        InetSocketAddress local = new InetSocketAddress(localAddress, 0);
        try (ControlChannel channel = ControlChannel.connect(local, gateway, timeout, name)) {
            channel.send(StartControlConnectionRequest.builder()
                    .protocolVersion(0x0100)
                    .framingCapabilities(3)
                    .bearerCapabilities(3)
                    .maximumChannels(0)
                    .firmwareRevision(1)
                    .hostName("demo-pns")
                    .vendorString("pptp-alg demo")
                    .build());
            StartControlConnectionReply sccrp = channel.expect(StartControlConnectionReply.class);
            if (!ResultCode.OK.equals(sccrp.resultCode())) {
                throw new IOException(name + ": SCCRP result " + sccrp.resultCode() + " (expected: 1, OK)");
            }
            int gatewayAddress = Ipv4Addresses.toInt(channel.remoteAddress().getAddress());
            for (int i = from; i < to; i++) {
                CallLeg leg = legs[i];
                channel.send(OutgoingCallRequest.builder()
                        .callId(leg.ownCallId)
                        .callSerialNumber(leg.index)
                        .minimumBps(2400)
                        .maximumBps(100_000_000)
                        .bearerType(3)
                        .framingType(3)
                        .packetRecvWindowSize(64)
                        .phoneNumberLength(4)
                        .phoneNumber(String.valueOf(1000 + leg.index))
                        .subaddress("pptp-alg demo")
                        .build());
                OutgoingCallReply ocrp = channel.expect(OutgoingCallReply.class);
                if (!ResultCode.OCRP_CONNECTED.equals(ocrp.resultCode()) || ocrp.peerCallId() != leg.ownCallId) {
                    throw new IOException(name + ": OCRP for call " + (leg.index + 1) + " with result "
                            + ocrp.resultCode() + ", Peer Call ID " + ocrp.peerCallId() + " (expected: 1, "
                            + leg.ownCallId + ")");
                }
                leg.connect(ocrp.callId(), gatewayAddress);
                callsUp.countDown();
            }
            waitForHangUp(channel, name);
            for (int i = from; i < to; i++) {
                CallLeg leg = legs[i];
                channel.send(CallClearRequest.builder().callId(leg.ownCallId).build());
                CallDisconnectNotify cdn = channel.expect(CallDisconnectNotify.class);
                if (cdn.callId() != leg.sendCallId()) {
                    throw new IOException(name + ": CDN with Call ID " + cdn.callId() + " (expected: "
                            + leg.sendCallId() + ", the gateway's ID of call " + (leg.index + 1) + ")");
                }
                callsCleared.incrementAndGet();
            }
            channel.send(StopControlConnectionRequest.builder().reason(StopReason.NONE).build());
            StopControlConnectionReply stop = channel.expect(StopControlConnectionReply.class);
            if (!ResultCode.OK.equals(stop.resultCode())) {
                throw new IOException(name + ": StopCCRP result " + stop.resultCode() + " (expected: 1, OK)");
            }
            connectionsStopped.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            failures.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
    }

    /** Answers Echo-Requests until {@link #hangUp()} or the deadline; anything else ends the demo's script. */
    private void waitForHangUp(ControlChannel channel, String name) throws IOException, InterruptedException {
        while (!hangUp.await(0, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException(name + ": no hang-up before the demo's deadline");
            }
            PptpMessage message = channel.poll(POLL);
            if (message instanceof EchoRequest echo) {
                channel.send(EchoReply.builder().identifier(echo.identifier()).resultCode(ResultCode.OK).build());
            } else if (message != null && !(message instanceof EchoReply)) {
                throw new IOException(name + ": unexpected " + message.type().abbreviation() + " while the calls were up");
            }
        }
    }
}
