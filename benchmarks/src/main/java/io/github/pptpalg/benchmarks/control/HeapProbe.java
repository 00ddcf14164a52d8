package io.github.pptpalg.benchmarks.control;

import java.lang.management.ManagementFactory;
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

    /** One histogram: rows by class name, and the totals. */
    record Histogram(Map<String, Row> rows, long instances, long bytes, long usedHeapAfterGc) {

        /** The classes whose bytes grew most from {@code base} to this, largest growth first. */
        List<Row> growthOver(Histogram base, int limit) {
            List<Row> out = new ArrayList<>();
            for (Row r : rows.values()) {
                Row b = base.rows.get(r.className);
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

    /** Settles the heap (a few System.gc() calls), then takes a live class histogram. */
    static Histogram histogram() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Row> rows = new HashMap<>();
        long instances = 0;
        long bytes = 0;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                Row r = new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                rows.merge(r.className, r, (a, b) -> new Row(a.className, a.instances + b.instances,
                        a.bytes + b.bytes));
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                instances = Long.parseLong(t.group(1));
                bytes = Long.parseLong(t.group(2));
            }
        }
        if (rows.isEmpty() || bytes == 0) {
            throw new IllegalStateException("cannot parse GC.class_histogram output: "
                    + text.substring(0, Math.min(200, text.length())));
        }
        return new Histogram(rows, instances, bytes, used);
    }
}
