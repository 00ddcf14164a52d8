package io.github.pptpalg.examples.demo;

import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.netty.PptpAlg;
import io.github.pptpalg.netty.raw.RawGre;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A self-contained demonstration of the gateway on this host's loopback: a {@link PptpAlg} between an in-process
 * PPTP client (PNS) and server (PAC), several calls, enhanced-GRE data both ways through raw sockets, progress
 * once a second, a proper hang-up, and a summary that compares the peers' counts with the gateway's metrics.
 *
 * <pre>
 *   PNS 127.0.0.2 ──TCP──▶ gateway 127.0.0.1:&lt;port&gt; ──TCP──▶ PAC 127.0.0.3:&lt;port&gt;
 *   PNS raw GRE  ◀──────▶ gateway raw GRE (Call IDs 1..32767) ◀──────▶ PAC raw GRE
 *   PNS Call IDs 40000.., PAC Call IDs 50000..
 * </pre>
 *
 * <p>Linux routes all of 127/8 to the loopback interface, so the three parties have addresses of their own
 * without any setup. Every raw GRE socket on the host is offered every GRE packet for a local address, so the
 * parties keep apart by Call ID: the gateway's kernel filter admits only its own range, and each peer's socket is
 * bound to its address and filtered to its own IDs. Every payload carries the call, direction and sequence number
 * and a checksum, and the receiver checks them all: the demo exits 0 only if every packet arrived once and intact
 * and the gateway relayed exactly what was sent.
 *
 * <p>Needs raw sockets ({@code CAP_NET_RAW}: run as root); without them it says why and exits 1.
 * {@code java -cp pptp-alg.jar io.github.pptpalg.examples.demo.Demo [--calls N] [--duration 5s] ...}
 */
public final class Demo {

    /** The gateway's own Call IDs; the peers' IDs lie outside, so the gateway's kernel filter ignores their GRE. */
    static final CallIdRange GATEWAY_CALL_IDS = new CallIdRange(1, 32767);
    static final int PNS_CALL_ID_BASE = 40000;
    static final int PAC_CALL_ID_BASE = 50000;
    static final String GATEWAY_ADDRESS = "127.0.0.1";
    static final String PNS_ADDRESS = "127.0.0.2";
    static final String PAC_ADDRESS = "127.0.0.3";

    /** Every control step (connect, a reply) must complete within this. */
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    /** How long receivers may lag behind the senders at the end. */
    private static final long DRAIN_MILLIS = 3000;
    private static final int PEER_RECEIVE_BUFFER = 16 << 20;
    private static final Duration PEER_RECEIVE_TIMEOUT = Duration.ofMillis(100);

    private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final DemoOptions options;
    private final PrintStream out;

    Demo(DemoOptions options, PrintStream out) {
        this.options = Objects.requireNonNull(options, "options");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the demo with {@code options}, printing progress and the summary to {@code out}.
     *
     * @return 0 if every packet arrived intact and every count agrees; 1 otherwise, or if raw GRE sockets are
     *     unavailable (the reason is printed)
     */
    public static int run(DemoOptions options, PrintStream out) {
        return run(options, out, RawGre::unavailabilityCause);
    }

    /** {@link #run(DemoOptions, PrintStream)} with the raw-socket probe passed in (a seam for tests). */
    static int run(DemoOptions options, PrintStream out, Supplier<Throwable> rawGreUnavailability) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(out, "out");
        Throwable unavailable = rawGreUnavailability.get();
        if (unavailable != null) {
            out.println("The demo cannot run here: it needs raw IPv4 sockets for GRE (protocol 47), for the gateway"
                    + " and for its own PPTP client and server.");
            out.println("Reason: " + unavailable.getMessage());
            out.println("Run it as root (or give java CAP_NET_RAW), on Linux.");
            out.flush();
            return 1;
        }
        try {
            DemoReport report = new Demo(options, out).execute();
            return report.exitCode();
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            out.println("The demo failed: " + e);
            out.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("The demo was interrupted.");
            return 1;
        }
    }

    /** {@code java -cp pptp-alg.jar io.github.pptpalg.examples.demo.Demo [options]}; exits with the run's code. */
    public static void main(String[] args) {
        // The demo prints what happens; the gateway's own log says only what goes wrong (unless asked otherwise).
        if (System.getProperty(SIMPLE_LOGGER_LEVEL) == null) {
            System.setProperty(SIMPLE_LOGGER_LEVEL, "warn");
        }
        DemoOptions options;
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            printUsage(System.out);
            return;
        }
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            printUsage(System.err);
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out));
    }

    private static void printUsage(PrintStream stream) {
        stream.println("Usage: pptp-alg --demo [options]   (or: java -jar pptp-alg.jar --demo [options])");
        stream.println("Runs a PPTP gateway between an in-process PPTP client and server on loopback and checks"
                + " every GRE packet (needs root).");
        for (String line : DemoOptions.usage()) {
            stream.println("  " + line);
        }
    }

    /**
     * Runs the demo and returns what it counted; throws only if it could not even start (addresses, sockets,
     * the gateway). Everything it opened is closed when it returns.
     */
    DemoReport execute() throws IOException, InterruptedException, ExecutionException, TimeoutException {
        int calls = options.calls();
        long perLeg = options.packetsPerLeg();
        long deadline = System.nanoTime() + options.duration().toNanos() + TimeUnit.SECONDS.toNanos(90);
        InetAddress gatewayAddress = address(GATEWAY_ADDRESS);
        InetAddress pnsAddress = address(PNS_ADDRESS);
        InetAddress pacAddress = address(PAC_ADDRESS);
        CallLeg[] pnsLegs = new CallLeg[calls];
        CallLeg[] pacLegs = new CallLeg[calls];
        for (int i = 0; i < calls; i++) {
            pnsLegs[i] = new CallLeg(i, PNS_CALL_ID_BASE + i, DemoPayload.PNS_TO_PAC, perLeg);
            pacLegs[i] = new CallLeg(i, PAC_CALL_ID_BASE + i, DemoPayload.PAC_TO_PNS, perLeg);
        }
        int maxSend = 16 + options.payloadSize();
        List<String> failures = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        PptpAlg alg = null;
        GreEndpoint pnsGre = null;
        GreEndpoint pacGre = null;
        try {
            DemoRawSocket pnsSocket = DemoRawSocket.open(Ipv4Addresses.toInt(pnsAddress), PNS_CALL_ID_BASE,
                    PNS_CALL_ID_BASE + DemoOptions.MAX_CALLS - 1, PEER_RECEIVE_BUFFER, PEER_RECEIVE_TIMEOUT, maxSend);
            resources.add(pnsSocket);
            DemoRawSocket pacSocket = DemoRawSocket.open(Ipv4Addresses.toInt(pacAddress), PAC_CALL_ID_BASE,
                    PAC_CALL_ID_BASE + DemoOptions.MAX_CALLS - 1, PEER_RECEIVE_BUFFER, PEER_RECEIVE_TIMEOUT, maxSend);
            resources.add(pacSocket);
            DemoPac pac = DemoPac.start(pacAddress, pacLegs, options.connections(), CONTROL_TIMEOUT, deadline);
            resources.add(pac);

            PptpAlgConfig config = PptpAlgConfig.builder()
                    .addProxy(new ProxyPair(new InetSocketAddress(gatewayAddress, 0), pac.address()))
                    .callIdRange(GATEWAY_CALL_IDS)
                    .build();
            alg = PptpAlg.create(config);
            alg.start().get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            InetSocketAddress listen = alg.listenAddresses().get(0);
            out.printf(Locale.ROOT, "pptp-alg demo: PNS %s -> gateway %s:%d -> PAC %s:%d, on loopback%n",
                    PNS_ADDRESS, GATEWAY_ADDRESS, listen.getPort(), PAC_ADDRESS, pac.address().getPort());
            out.printf(Locale.ROOT, "  %d calls on %d control connections, %s of data, %d packets/s per call and"
                    + " direction, %d-byte payloads; gateway Call IDs %s%n", calls, options.connections(),
                    seconds(options.duration().toNanos()), options.rate(), options.payloadSize(), GATEWAY_CALL_IDS);

            pnsGre = new GreEndpoint("pns", pnsSocket, pnsLegs, PNS_CALL_ID_BASE, options.payloadSize(),
                    options.rate());
            pacGre = new GreEndpoint("pac", pacSocket, pacLegs, PAC_CALL_ID_BASE, options.payloadSize(),
                    options.rate());
            pnsGre.startReceiving(deadline);
            pacGre.startReceiving(deadline);

            DemoPns pns = new DemoPns(pnsAddress, listen, pnsLegs, options.callsPerConnection(), CONTROL_TIMEOUT,
                    deadline);
            pns.start();
            if (!pns.awaitCallsUp(CONTROL_TIMEOUT.toMillis() + 5000)) {
                failures.add("not every call came up");
                failures.addAll(messages(pns.failures));
                failures.addAll(messages(pac.failures));
                pns.hangUp();
                pns.awaitDone(1000);
                DemoReport report = report(pnsLegs, pacLegs, pnsGre, pacGre, pns, pac, 0, -1, -1, -1,
                        closeGateway(alg, failures), failures);
                report.print(out);
                out.flush();
                return report;
            }
            printCalls(pnsLegs, pacLegs);

            long backlogDropsBefore = KernelDrops.backlogDrops();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            long sendDeadline = start + options.duration().toNanos()
                    + Math.max(TimeUnit.SECONDS.toNanos(5), options.duration().toNanos() / 2);
            pnsGre.startSending(start, sendDeadline);
            pacGre.startSending(start, sendDeadline);
            long dataEnd = progress(alg, pnsGre, pacGre, start, sendDeadline);
            long backlogDropsAfter = KernelDrops.backlogDrops();
            long backlogDrops = backlogDropsBefore < 0 || backlogDropsAfter < 0 ? -1
                    : backlogDropsAfter - backlogDropsBefore;
            long pnsSocketDrops = KernelDrops.rawSocketDrops(pnsSocket.address());
            long pacSocketDrops = KernelDrops.rawSocketDrops(pacSocket.address());

            pnsGre.stop(1000);
            pacGre.stop(1000);
            pns.hangUp();
            if (!pns.awaitDone(CONTROL_TIMEOUT.toMillis() + 5000)) {
                failures.add("the PNS did not finish hanging up");
            }
            MetricsSnapshot metrics = closeGateway(alg, failures);
            if (!pac.awaitConnectionsClosed(5000)) {
                failures.add("the PAC's control connections did not close");
            }
            DemoReport report = report(pnsLegs, pacLegs, pnsGre, pacGre, pns, pac, dataEnd - start, backlogDrops,
                    pacSocketDrops, pnsSocketDrops, metrics, failures);
            report.print(out);
            out.flush();
            return report;
        } finally {
            if (pnsGre != null) {
                pnsGre.stop(1000);
            }
            if (pacGre != null) {
                pacGre.stop(1000);
            }
            if (alg != null) {
                try {
                    alg.close().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    out.println("closing the gateway failed: " + e);
                }
            }
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    out.println("closing " + resources.get(i) + " failed: " + e);
                }
            }
        }
    }

    private static InetAddress address(String text) throws UnknownHostException {
        return InetAddress.getByAddress(Ipv4Addresses.toBytes(Ipv4Addresses.parse(text)));
    }

    private MetricsSnapshot closeGateway(PptpAlg alg, List<String> failures) throws InterruptedException {
        try {
            alg.close().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            failures.add("closing the gateway: " + e);
        }
        return alg.metrics();
    }

    private DemoReport report(CallLeg[] pnsLegs, CallLeg[] pacLegs, GreEndpoint pnsGre, GreEndpoint pacGre,
            DemoPns pns, DemoPac pac, long dataNanos, long backlogDrops, long pacSocketDrops, long pnsSocketDrops,
            MetricsSnapshot metrics, List<String> failures) {
        List<String> all = new ArrayList<>(failures);
        all.addAll(messages(pns.failures));
        all.addAll(messages(pac.failures));
        all.addAll(messages(pnsGre.failures));
        all.addAll(messages(pacGre.failures));
        return new DemoReport(options.calls(), options.connections(), options.calls() * options.packetsPerLeg(),
                DemoReport.Direction.of("PNS -> PAC", GreDirection.ACCEPTED_TO_CONNECTED, pnsLegs, pacLegs,
                        strays(pacGre), pacSocketDrops),
                DemoReport.Direction.of("PAC -> PNS", GreDirection.CONNECTED_TO_ACCEPTED, pacLegs, pnsLegs,
                        strays(pnsGre), pnsSocketDrops),
                pns.callsCleared.get(), pac.callsCleared.get(), pns.connectionsStopped.get(),
                pac.connectionsStopped.get(), dataNanos, backlogDrops, metrics, all);
    }

    private static long strays(GreEndpoint receiver) {
        return receiver.malformed.get() + receiver.unknownCall.get() + receiver.notForThisPeer.get();
    }

    private static List<String> messages(List<Throwable> throwables) {
        List<String> messages = new ArrayList<>();
        for (Throwable t : throwables) {
            messages.add(t.getMessage() != null ? t.getMessage() : t.toString());
        }
        return messages;
    }

    private void printCalls(CallLeg[] pnsLegs, CallLeg[] pacLegs) {
        out.println("  call  PNS Call ID  gateway's ID to PNS  gateway's ID to PAC  PAC Call ID");
        for (int i = 0; i < pnsLegs.length; i++) {
            // The PNS writes the gateway's ID for the PAC side into its GRE, the PAC the gateway's ID for the PNS side.
            out.printf(Locale.ROOT, "  %4d  %11d  %19d  %19d  %11d%n", i + 1, pnsLegs[i].ownCallId,
                    pnsLegs[i].sendCallId(), pacLegs[i].sendCallId(), pacLegs[i].ownCallId);
        }
    }

    /**
     * Prints a line per second while the senders run, then waits (at most {@link #DRAIN_MILLIS}) for the
     * receivers to catch up.
     *
     * @return when the last packet was received, or the drain gave up
     */
    private long progress(PptpAlg alg, GreEndpoint pnsGre, GreEndpoint pacGre, long start, long sendDeadline)
            throws InterruptedException {
        long next = start + TimeUnit.SECONDS.toNanos(1);
        long[] last = {0, 0, start};
        while (!(pnsGre.sendingDone() && pacGre.sendingDone()) && System.nanoTime() - sendDeadline < 0) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(wait))));
                continue;
            }
            printProgress(alg, pnsGre, pacGre, start, last);
            next += TimeUnit.SECONDS.toNanos(1);
        }
        pnsGre.abortSending();
        pacGre.abortSending();
        long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (System.nanoTime() - drainEnd < 0) {
            if (pacGre.receivedPackets() >= pnsGre.sentPackets() && pnsGre.receivedPackets() >= pacGre.sentPackets()) {
                break;
            }
            Thread.sleep(10);
        }
        long end = System.nanoTime();
        printProgress(alg, pnsGre, pacGre, start, last);
        return end;
    }

    /** One progress line; {@code last} holds the gateway's packets, bytes and the time of the previous line. */
    private void printProgress(PptpAlg alg, GreEndpoint pnsGre, GreEndpoint pacGre, long start, long[] last) {
        long now = System.nanoTime();
        MetricsSnapshot m = alg.metrics();
        long packets = m.grePackets(GreDirection.ACCEPTED_TO_CONNECTED) + m.grePackets(GreDirection.CONNECTED_TO_ACCEPTED);
        long bytes = m.greBytes(GreDirection.ACCEPTED_TO_CONNECTED) + m.greBytes(GreDirection.CONNECTED_TO_ACCEPTED);
        double interval = Math.max(1e-3, (now - last[2]) / 1e9);
        long drops = m.greDropped().values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "  %6s  PNS->PAC %,9d pkt %9s | PAC->PNS %,9d pkt %9s | gateway %,7.0f pkt/s"
                + " %6.1f Mbit/s, %d drops%n", seconds(now - start), pacGre.receivedPackets(),
                megabytes(pacGre.receivedBytes()), pnsGre.receivedPackets(), megabytes(pnsGre.receivedBytes()),
                (packets - last[0]) / interval, (bytes - last[1]) * 8 / interval / 1e6, drops);
        out.flush();
        last[0] = packets;
        last[1] = bytes;
        last[2] = now;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }
}
