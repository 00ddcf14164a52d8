package io.github.pptpalg.netty.interop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * One established call between a {@link PptpClient} and a {@link Pptpd}, with both PPP sides
 * proven to carry frames and drained of the harness's own frames, so a test starts from a clean
 * state: the next frame either side receives is one the test sent.
 *
 * <p>{@link #establish} waits for the server's call, then for the first frame at the client (the
 * {@link Pptpd#PRIMING_FRAME}, or a probe: the server side repeats an LCP Echo-Request probe
 * every 250 ms in case the priming frame was lost, e.g. dropped by a gateway before it knew
 * the call), sends an "ack" probe from the client to the server, then a "fence" probe from the
 * server to the client, and discards everything the client received before the fence (GRE
 * sequence numbers keep the order). Harness frames are LCP Echo-Requests (code 9) whose data
 * starts with {@code "pptpalg-harness"}.
 */
public record InteropCall(PppPipe client, PppPipe server) {

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    public InteropCall {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
    }

    /**
     * Establishes {@code client}'s call with the next call {@code server} accepts (see
     * {@link Pptpd#awaitCall}), within {@code timeout}. With several clients starting at once,
     * pick the server's call yourself ({@link Pptpd#awaitCallFrom}) and use
     * {@link #establish(PptpClient, PppPipe, Duration)}.
     */
    public static InteropCall establish(PptpClient client, Pptpd server, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return establish(client, server.awaitCall(timeout), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    /** Establishes the call between {@code client} and the server's call {@code serverCall}, within {@code timeout}. */
    public static InteropCall establish(PptpClient client, PppPipe serverCall, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PppPipe s = serverCall;
        PppPipe c = client.ppp();
        int probes = 0;
        byte[] first = c.poll(remaining(deadline, PROBE_INTERVAL));
        while (first == null) {
            if (System.nanoTime() >= deadline || c.isPeerClosed()) {
                throw new AssertionFailedError("no PPP frame reached " + c.name() + " from " + s.name() + " within "
                        + timeout + " (" + probes + " probes sent" + (c.isPeerClosed() ? ", pptp closed" : "")
                        + "); pptp log: " + client.log());
            }
            s.send(probe("probe-" + probes++));
            first = c.poll(remaining(deadline, PROBE_INTERVAL));
        }
        expectHarnessFrame(first, c);
        c.send(probe("ack"));
        byte[] ack = s.poll(remaining(deadline, timeout));
        if (ack == null) {
            ack = s.receive(Duration.ZERO); // fails (with the pipe's diagnostics) unless it just came
        }
        if (!Arrays.equals(ack, probe("ack"))) {
            throw new AssertionFailedError(s.name() + " received " + PppPipe.hex(ack) + " (expected: the harness ack "
                    + PppPipe.hex(probe("ack")) + ")");
        }
        byte[] fence = probe("fence");
        s.send(fence);
        while (true) {
            byte[] frame = c.poll(remaining(deadline, timeout));
            if (frame == null) {
                frame = c.receive(Duration.ZERO); // fails (with the pipe's diagnostics) unless it just came
            }
            if (Arrays.equals(frame, fence)) {
                return new InteropCall(c, s);
            }
            expectHarnessFrame(frame, c);
        }
    }

    /** A harness frame: LCP Echo-Request, Identifier 0x5A, Magic-Number 0, data {@code "pptpalg-harness-" + what}. */
    public static byte[] probe(String what) {
        byte[] data = ("pptpalg-harness-" + what).getBytes(StandardCharsets.US_ASCII);
        int lcpLength = 8 + data.length;
        byte[] frame = new byte[4 + lcpLength];
        frame[0] = (byte) 0xFF;
        frame[1] = 0x03;
        frame[2] = (byte) 0xC0;
        frame[3] = 0x21;
        frame[4] = 9;
        frame[5] = 0x5A;
        frame[6] = (byte) (lcpLength >>> 8);
        frame[7] = (byte) lcpLength;
        System.arraycopy(data, 0, frame, 12, data.length);
        return frame;
    }

    private static void expectHarnessFrame(byte[] frame, PppPipe at) {
        boolean priming = Arrays.equals(frame, Pptpd.PRIMING_FRAME);
        boolean probe = frame.length > 12 && frame[4] == 9 && frame[5] == 0x5A
                && new String(frame, 12, frame.length - 12, StandardCharsets.US_ASCII).startsWith("pptpalg-harness-");
        if (!priming && !probe) {
            throw new AssertionFailedError(at.name() + " received " + PppPipe.hex(frame)
                    + " while the call was being established (expected: the priming frame or a harness probe)");
        }
    }

    private static Duration remaining(long deadline, Duration cap) {
        long left = Math.max(deadline - System.nanoTime(), 1);
        return Duration.ofNanos(Math.min(left, cap.toNanos()));
    }

    /** Sends {@code frame} from the client and returns what the server received. */
    public byte[] clientToServer(byte[] frame, Duration timeout) {
        client.send(frame);
        return server.receive(timeout);
    }

    /** Sends {@code frame} from the server and returns what the client received. */
    public byte[] serverToClient(byte[] frame, Duration timeout) {
        server.send(frame);
        return client.receive(timeout);
    }
}
