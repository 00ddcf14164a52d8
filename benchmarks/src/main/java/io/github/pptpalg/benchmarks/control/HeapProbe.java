package io.github.pptpalg.benchmarks.control;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Live heap of this JVM: a class histogram through the HotSpot diagnostic command {@code GC.class_histogram}
 * (the same as {@code jcmd <pid> GC.class_histogram}: it runs a full GC first and counts only live objects),
 * plus the used heap the {@code MemoryMXBean} reports after that GC.
 */
final class HeapProbe {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    /** Instances and bytes of one class. */
    record Row(String className, long instances, long bytes) {
    }

    /**
     * One histogram: its totals, and the file holding its text (kept off the heap, so an earlier histogram
     * does not show up in a later one).
     */
    record Snapshot(long instances, long bytes, long usedHeapAfterGc, Path file) {

        /** The classes whose bytes grew most from {@code base} to this, largest growth first. */
        List<Row> growthOver(Snapshot base, int limit) throws IOException {
            Map<String, Row> mine = rows(file);
            Map<String, Row> theirs = rows(base.file);
            List<Row> out = new ArrayList<>();
            for (Row r : mine.values()) {
                Row b = theirs.get(r.className);
                long bytes = r.bytes - (b == null ? 0 : b.bytes);
                long instances = r.instances - (b == null ? 0 : b.instances);
                if (bytes > 0) {
                    out.add(new Row(r.className, instances, bytes));
                }
            }
            out.sort((x, y) -> Long.compare(y.bytes, x.bytes));
            return out.subList(0, Math.min(limit, out.size()));
        }
    }

    private HeapProbe() {
    }

    /**
     * Settles the heap (a few System.gc() calls), then takes a live class histogram and writes it to
     * {@code file}.
     */
    static Snapshot take(Path file) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Files.writeString(file, text);
        for (String line : text.split("\n")) {
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                return new Snapshot(Long.parseLong(t.group(1)), Long.parseLong(t.group(2)), used, file);
            }
        }
        throw new IllegalStateException("cannot parse GC.class_histogram output: "
                + text.substring(0, Math.min(200, text.length())));
    }

    private static Map<String, Row> rows(Path file) throws IOException {
        Map<String, Row> rows = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                Row r = new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                rows.merge(r.className, r, (a, b) -> new Row(a.className, a.instances + b.instances,
                        a.bytes + b.bytes));
            }
        }
        return rows;
    }
}
