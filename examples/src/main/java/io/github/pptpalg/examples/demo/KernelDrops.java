package io.github.pptpalg.examples.demo;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the kernel counts packets it dropped on loopback without any socket seeing them, so that the demo can
 * say where a lost packet went:
 * <ul>
 *   <li>{@code /proc/net/softnet_stat}, second column: packets dropped because a CPU's input backlog was full
 *       (loopback traffic passes through it; the counter is host-wide, so a busy host's other traffic counts
 *       too);</li>
 *   <li>{@code /proc/net/raw}, last column: packets dropped because a raw socket's receive queue was full,
 *       per socket (the demo's peers are found by their bound address).</li>
 * </ul>
 * Each method returns -1 if the file cannot be read or parsed.
 */
final class KernelDrops {

    private static final Path SOFTNET_STAT = Path.of("/proc/net/softnet_stat");
    private static final Path RAW = Path.of("/proc/net/raw");
    private static final int GRE_PROTOCOL = 47;

    private KernelDrops() {
    }

    /** Packets the input backlogs of all CPUs dropped since boot, or -1. */
    static long backlogDrops() {
        return backlogDrops(SOFTNET_STAT);
    }

    static long backlogDrops(Path softnetStat) {
        try {
            long total = 0;
            for (String line : Files.readAllLines(softnetStat)) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length >= 2) {
                    total += Long.parseUnsignedLong(columns[1], 16);
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Receive-queue drops of the raw GRE sockets bound to {@code address} (IPv4 as int), or -1. */
    static long rawSocketDrops(int address) {
        return rawSocketDrops(RAW, address, ByteOrder.nativeOrder());
    }

    static long rawSocketDrops(Path raw, int address, ByteOrder order) {
        // The kernel prints the address as the 32-bit word it stores (network order) read in host order.
        int word = order == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(address) : address;
        String local = String.format(Locale.ROOT, "%08X:%04X", word, GRE_PROTOCOL);
        try {
            List<String> lines = Files.readAllLines(raw);
            long total = 0;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length >= 3 && columns[1].equalsIgnoreCase(local)) {
                    total += Long.parseLong(columns[columns.length - 1]);
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
