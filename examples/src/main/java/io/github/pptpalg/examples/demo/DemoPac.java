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
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's PPTP server (PAC): accepts the gateway's control connections, answers SCCRQ with a positive SCCRP,
 * every OCRQ with a positive OCRP (its own Call ID is {@code base + the OCRQ's Call Serial Number}, the demo's
 * number of the call, which the gateway relays unchanged), every CCRQ with a CDN and a StopCCRQ with a StopCCRP,
 * and answers Echo-Requests. Each accepted connection runs on its own thread until the gateway closes it; every
 * read is bounded by the read timeout and the accept loop by the expected number of connections.
 */
final class DemoPac implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final ServerSocket server;
    private final CallLeg[] legs;
    private final Duration readTimeout;
    private final int expectedConnections;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<ControlChannel> channels = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger callsCleared = new AtomicInteger();
    final AtomicInteger connectionsStopped = new AtomicInteger();
    private final long deadlineNanos;
    private volatile boolean closing;

    private DemoPac(ServerSocket server, CallLeg[] legs, Duration readTimeout, int expectedConnections,
            long deadlineNanos) {
        this.server = server;
        this.deadlineNanos = deadlineNanos;
        this.legs = legs.clone();
        this.readTimeout = readTimeout;
        this.expectedConnections = expectedConnections;
    }

    /**
     * Listens on {@code address} (ephemeral port) and accepts up to {@code expectedConnections} connections, each
     * served until the gateway closes it or {@code deadlineNanos} passes.
     */
    static DemoPac start(InetAddress address, CallLeg[] legs, int expectedConnections, Duration readTimeout,
            long deadlineNanos) throws IOException {
        Objects.requireNonNull(address, "address");
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(address, 0), 16);
            server.setSoTimeout(200);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        DemoPac pac = new DemoPac(server, legs, readTimeout, expectedConnections, deadlineNanos);
        Thread acceptor = new Thread(pac::acceptLoop, "demo-pac-accept");
        acceptor.setDaemon(true);
        pac.threads.add(acceptor);
        acceptor.start();
        return pac;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        int accepted = 0;
        while (!closing && accepted < expectedConnections && System.nanoTime() - deadline < 0) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (!closing) {
                    failures.add(e);
                }
                return;
            }
            accepted++;
            deadline = System.nanoTime() + readTimeout.toNanos();
            int number = accepted;
            Thread handler = new Thread(() -> serve(socket, number), "demo-pac-connection-" + number);
            handler.setDaemon(true);
            threads.add(handler);
            handler.start();
        }
        if (!closing && accepted < expectedConnections) {
            failures.add(new IllegalStateException("PAC: " + accepted + " control connections accepted (expected: "
                    + expectedConnections + ")"));
        }
    }

    private void serve(Socket socket, int number) {
        String name = "PAC connection " + number;
        List<CallLeg> calls = new ArrayList<>();
        ControlChannel channel;
        try {
            channel = new ControlChannel(socket, readTimeout, name);
        } catch (IOException e) {
            failures.add(e);
            closeQuietly(socket);
            return;
        }
        channels.add(channel);
        boolean stopped = false;
        try {
            while (!closing) {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IOException(name + ": still open at the demo's deadline");
                }
                PptpMessage message;
                try {
                    message = channel.poll(POLL);
                } catch (EOFException e) {
                    break; // the gateway closed the connection
                }
                if (message == null) {
                    continue;
                }
                if (stopped) {
                    throw new IOException(name + ": received " + message.type().abbreviation()
                            + " after the StopCCRP");
                }
                if (message instanceof StartControlConnectionRequest) {
                    channel.send(StartControlConnectionReply.builder()
                            .protocolVersion(0x0100)
                            .resultCode(ResultCode.OK)
                            .framingCapabilities(3)
                            .bearerCapabilities(3)
                            .maximumChannels(DemoOptions.MAX_CALLS)
                            .firmwareRevision(1)
                            .hostName("demo-pac")
                            .vendorString("pptp-alg demo")
                            .build());
                } else if (message instanceof OutgoingCallRequest ocrq) {
                    channel.send(answer(ocrq, channel, calls, name));
                } else if (message instanceof CallClearRequest ccrq) {
                    CallLeg leg = calls.stream().filter(c -> c.sendCallId() == ccrq.callId()).findFirst()
                            .orElseThrow(() -> new IOException(name + ": CCRQ for Call ID " + ccrq.callId()
                                    + ", which is no call of this connection"));
                    calls.remove(leg);
                    channel.send(CallDisconnectNotify.builder()
                            .callId(leg.ownCallId)
                            .resultCode(ResultCode.CDN_REQUEST)
                            .callStatistics("demo call " + (leg.index + 1) + " cleared")
                            .build());
                    callsCleared.incrementAndGet();
                } else if (message instanceof StopControlConnectionRequest) {
                    channel.send(StopControlConnectionReply.builder().resultCode(ResultCode.OK).build());
                    connectionsStopped.incrementAndGet();
                    stopped = true;
                } else if (message instanceof EchoRequest echo) {
                    channel.send(EchoReply.builder().identifier(echo.identifier()).resultCode(ResultCode.OK).build());
                } else if (!(message instanceof EchoReply)) {
                    throw new IOException(name + ": unexpected " + message.type().abbreviation());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                failures.add(e);
            }
        } finally {
            channel.close();
        }
    }

    /** Sets up the call an OCRQ asks for and returns the positive OCRP. */
    private OutgoingCallReply answer(OutgoingCallRequest ocrq, ControlChannel channel, List<CallLeg> calls,
            String name) throws IOException {
        int index = ocrq.callSerialNumber();
        if (index < 0 || index >= legs.length || legs[index].isConnected()) {
            throw new IOException(name + ": OCRQ with Call Serial Number " + index + " (expected: a new demo call, 0.."
                    + (legs.length - 1) + ")");
        }
        CallLeg leg = legs[index];
        // The gateway's Call ID for this call (what the PAC writes into its GRE) and its address on this leg.
        leg.connect(ocrq.callId(), Ipv4Addresses.toInt(channel.remoteAddress().getAddress()));
        calls.add(leg);
        return OutgoingCallReply.builder()
                .callId(leg.ownCallId)
                .peerCallId(ocrq.callId())
                .resultCode(ResultCode.OCRP_CONNECTED)
                .connectSpeed(100_000_000)
                .packetRecvWindowSize(64)
                .physicalChannelId(index)
                .build();
    }

    /** Waits at most {@code timeoutMillis} for every connection thread to end (the gateway closed them). */
    boolean awaitConnectionsClosed(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        for (Thread thread : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            thread.join(Math.max(1, left));
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(server);
        for (ControlChannel channel : channels) {
            channel.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing left to do
        }
    }
}
