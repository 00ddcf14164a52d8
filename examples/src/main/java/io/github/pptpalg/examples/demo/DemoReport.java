package io.github.pptpalg.examples.demo;

import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Demo} run did, as counted by the peers and by the gateway, and whether it passed: every packet
 * sent arrived exactly once and intact, the gateway relayed exactly those packets and bytes, and every call and
 * control connection was set up and torn down properly. Bytes are IPv4 datagram bytes (20 IPv4 + 12 GRE +
 * payload), the unit of the gateway's {@code pptp_alg_gre_bytes_total}.
 *
 * @param calls calls the options asked for
 * @param connections control connections the options asked for
 * @param expectedPacketsPerDirection packets each direction should carry over all calls
 * @param pnsToPac the PNS-to-PAC direction (the gateway's accepted-to-connected)
 * @param pacToPns the PAC-to-PNS direction (the gateway's connected-to-accepted)
 * @param pnsCallsCleared calls the PNS cleared (CCRQ answered by the gateway's relayed CDN)
 * @param pacCallsCleared CCRQs the PAC answered with a CDN
 * @param pnsConnectionsStopped control connections the PNS stopped (StopCCRQ answered by StopCCRP)
 * @param pacConnectionsStopped StopCCRQs the PAC answered
 * @param dataNanos how long data flowed, from the first packet due to the last packet received
 * @param kernelBacklogDrops packets the kernel's input backlogs dropped during the data phase, host-wide
 *        ({@link KernelDrops#backlogDrops()}), or -1 if unknown
 * @param gateway the gateway's counters after it closed
 * @param failures what went wrong outside the counts (setup, teardown, I/O), as messages
 */
record DemoReport(
        int calls,
        int connections,
        long expectedPacketsPerDirection,
        Direction pnsToPac,
        Direction pacToPns,
        int pnsCallsCleared,
        int pacCallsCleared,
        int pnsConnectionsStopped,
        int pacConnectionsStopped,
        long dataNanos,
        long kernelBacklogDrops,
        MetricsSnapshot gateway,
        List<String> failures) {

    DemoReport {
        Objects.requireNonNull(pnsToPac, "pnsToPac");
        Objects.requireNonNull(pacToPns, "pacToPns");
        Objects.requireNonNull(gateway, "gateway");
        failures = List.copyOf(failures);
    }

    /**
     * One direction of GRE over all calls.
     *
     * @param label e.g. {@code "PNS -> PAC"}
     * @param gatewayDirection the gateway's name of the direction
     * @param sentPackets packets the sending peer sent
     * @param sentBytes their bytes
     * @param receivedPackets packets the receiving peer received intact, once each
     * @param receivedBytes their bytes
     * @param corrupt received packets that failed a payload check
     * @param duplicates received packets whose sequence number had come before
     * @param missing packets sent but never received (summed per call)
     * @param reordered packets received after one with a higher sequence number
     * @param wrongSource packets of a call that came from another address than the gateway's
     * @param sendErrors packets the kernel refused to send
     * @param strays GRE for the receiving peer that belonged to no call or was malformed
     * @param receiverSocketDrops packets the kernel dropped at the receiving peer's full socket queue, or -1
     */
    record Direction(
            String label,
            GreDirection gatewayDirection,
            long sentPackets,
            long sentBytes,
            long receivedPackets,
            long receivedBytes,
            long corrupt,
            long duplicates,
            long missing,
            long reordered,
            long wrongSource,
            long sendErrors,
            long strays,
            long receiverSocketDrops) {

        /** Totals over the legs of one sending and one receiving peer (the same calls, the same order). */
        static Direction of(String label, GreDirection gatewayDirection, CallLeg[] senders, CallLeg[] receivers,
                long strays, long receiverSocketDrops) {
            long sentPackets = 0;
            long sentBytes = 0;
            long receivedPackets = 0;
            long receivedBytes = 0;
            long corrupt = 0;
            long duplicates = 0;
            long missing = 0;
            long reordered = 0;
            long wrongSource = 0;
            long sendErrors = 0;
            for (int i = 0; i < senders.length; i++) {
                CallLeg sender = senders[i];
                CallLeg receiver = receivers[i];
                sentPackets += sender.sentPackets.get();
                sentBytes += sender.sentBytes.get();
                sendErrors += sender.sendErrors.get();
                receivedPackets += receiver.receivedPackets.get();
                receivedBytes += receiver.receivedBytes.get();
                corrupt += receiver.corruptTotal();
                duplicates += receiver.duplicates.get();
                missing += receiver.missing(sender.sentPackets.get());
                reordered += receiver.outOfOrder.get();
                wrongSource += receiver.wrongSource.get();
            }
            return new Direction(label, gatewayDirection, sentPackets, sentBytes, receivedPackets, receivedBytes,
                    corrupt, duplicates, missing, reordered, wrongSource, sendErrors, strays, receiverSocketDrops);
        }
    }

    /** 0 if the run passed, else 1. */
    int exitCode() {
        return problems().isEmpty() ? 0 : 1;
    }

    /** Every reason the run did not pass; empty if it passed. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(failures);
        for (Direction d : List.of(pnsToPac, pacToPns)) {
            long relayedPackets = gateway.grePackets(d.gatewayDirection());
            long relayedBytes = gateway.greBytes(d.gatewayDirection());
            expect(problems, d.label() + " packets sent", d.sentPackets(), expectedPacketsPerDirection);
            expect(problems, d.label() + " packets relayed by the gateway", relayedPackets, d.sentPackets());
            expect(problems, d.label() + " bytes relayed by the gateway", relayedBytes, d.sentBytes());
            expect(problems, d.label() + " packets received intact", d.receivedPackets(), d.sentPackets());
            expect(problems, d.label() + " bytes received intact", d.receivedBytes(), d.sentBytes());
            expect(problems, d.label() + " corrupt packets", d.corrupt(), 0);
            expect(problems, d.label() + " duplicated packets", d.duplicates(), 0);
            expect(problems, d.label() + " missing packets", d.missing(), 0);
            expect(problems, d.label() + " packets from a wrong source", d.wrongSource(), 0);
            expect(problems, d.label() + " send errors", d.sendErrors(), 0);
        }
        expect(problems, "calls cleared by the PNS", pnsCallsCleared, calls);
        expect(problems, "calls cleared by the PAC", pacCallsCleared, calls);
        expect(problems, "control connections stopped by the PNS", pnsConnectionsStopped, connections);
        expect(problems, "control connections stopped at the PAC", pacConnectionsStopped, connections);
        expect(problems, "gateway: calls established", gateway.callsEstablished(), calls);
        expect(problems, "gateway: calls closed", gateway.callsClosed(), calls);
        expect(problems, "gateway: calls still active", gateway.callsActive(), 0);
        expect(problems, "gateway: control connections", gateway.controlConnectionsTotal(), connections);
        expect(problems, "gateway: control connections still active", gateway.controlConnectionsActive(), 0);
        expect(problems, "gateway: protocol errors", gateway.protocolErrorsTotal(), 0);
        return problems;
    }

    private static String known(long count) {
        return count < 0 ? "unknown" : Long.toString(count);
    }

    private static void expect(List<String> problems, String what, long actual, long expected) {
        if (actual != expected) {
            problems.add(what + ": " + actual + " (expected: " + expected + ")");
        }
    }

    /** GRE packets the gateway relayed in both directions per second of data. */
    double gatewayPacketRate() {
        long packets = gateway.grePackets(GreDirection.ACCEPTED_TO_CONNECTED)
                + gateway.grePackets(GreDirection.CONNECTED_TO_ACCEPTED);
        return dataNanos <= 0 ? 0 : packets * 1e9 / dataNanos;
    }

    /** Bits per second the gateway relayed in both directions (IPv4 datagrams). */
    double gatewayBitRate() {
        long bytes = gateway.greBytes(GreDirection.ACCEPTED_TO_CONNECTED)
                + gateway.greBytes(GreDirection.CONNECTED_TO_ACCEPTED);
        return dataNanos <= 0 ? 0 : bytes * 8e9 / dataNanos;
    }

    /** Prints the summary. */
    void print(PrintStream out) {
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  calls        %d on %d control connections: %d cleared (CCRQ/CDN), %d stopped"
                + " (StopCCRQ/StopCCRP)%n", calls, connections, pnsCallsCleared, pnsConnectionsStopped);
        out.printf(Locale.ROOT, "  gateway      %d calls established, %d closed, %d active; %d control connections,"
                + " %d active; %d protocol errors%n", gateway.callsEstablished(), gateway.callsClosed(),
                gateway.callsActive(), gateway.controlConnectionsTotal(), gateway.controlConnectionsActive(),
                gateway.protocolErrorsTotal());
        out.printf(Locale.ROOT, "  %-12s %-9s %12s %16s%n", "GRE", "", "packets", "bytes");
        for (Direction d : List.of(pnsToPac, pacToPns)) {
            out.printf(Locale.ROOT, "  %-12s %-9s %,12d %,16d   counted by the %s%n", d.label(), "sent",
                    d.sentPackets(), d.sentBytes(), d.label().substring(0, 3));
            out.printf(Locale.ROOT, "  %-12s %-9s %,12d %,16d   gateway metrics (%s)%n", "", "relayed",
                    gateway.grePackets(d.gatewayDirection()), gateway.greBytes(d.gatewayDirection()),
                    d.gatewayDirection().label());
            out.printf(Locale.ROOT, "  %-12s %-9s %,12d %,16d   counted by the %s, every payload checked%n", "",
                    "received", d.receivedPackets(), d.receivedBytes(), d.label().substring(d.label().length() - 3));
        }
        out.printf(Locale.ROOT, "  rate         %,.0f packets/s, %.1f Mbit/s through the gateway over %.2f s"
                + " (bytes: IPv4 datagrams)%n", gatewayPacketRate(), gatewayBitRate() / 1e6, dataNanos / 1e9);
        StringBuilder drops = new StringBuilder();
        for (Map.Entry<GreDropReason, Long> drop : gateway.greDropped().entrySet()) {
            if (drop.getValue() > 0) {
                drops.append(drops.length() == 0 ? "" : ", ").append(drop.getKey().label()).append(' ')
                        .append(drop.getValue());
            }
        }
        out.println("  GRE drops    " + (drops.length() == 0 ? "none" : drops
                + " (packets of other GRE traffic on this host count here too)"));
        for (Direction d : List.of(pnsToPac, pacToPns)) {
            out.printf(Locale.ROOT, "  checks       %s: %d corrupt, %d duplicated, %d missing, %d reordered,"
                    + " %d from a wrong source, %d send errors, %d strays%n", d.label(), d.corrupt(), d.duplicates(),
                    d.missing(), d.reordered(), d.wrongSource(), d.sendErrors(), d.strays());
            long relayed = gateway.grePackets(d.gatewayDirection());
            if (d.missing() > 0) {
                // The kernel drops silently when an input backlog or a raw socket's receive queue is full: before
                // the gateway relays, or after (at the receiving peer's socket).
                out.printf(Locale.ROOT, "               %s: %d lost before the gateway relayed them, %d after;"
                        + " the receiver's socket queue dropped %s%n", d.label(), Math.max(0, d.sentPackets() - relayed),
                        Math.max(0, relayed - d.receivedPackets()), known(d.receiverSocketDrops()));
            }
        }
        out.println("  kernel       input backlog drops during the run: " + known(kernelBacklogDrops)
                + (kernelBacklogDrops > 0 ? " (host-wide: other traffic on this host overloads it)" : ""));
        List<String> problems = problems();
        if (problems.isEmpty()) {
            out.println("  result       PASS: every packet arrived once and intact, and the peers' counts equal"
                    + " the gateway's");
        } else {
            out.println("  result       FAIL:");
            for (String problem : problems) {
                out.println("                 " + problem);
            }
        }
    }
}
