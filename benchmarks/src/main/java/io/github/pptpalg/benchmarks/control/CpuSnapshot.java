package io.github.pptpalg.benchmarks.control;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time consumed so far by this process and by its Java threads, grouped by role (thread name prefix).
 * The difference of two snapshots says where the CPU went between them; what the process used beyond its Java
 * threads is the VM's own work (GC and JIT threads).
 */
record CpuSnapshot(long processNanos, Map<String, Long> groupNanos) {

    static final String GATEWAY = "gateway (pptp-alg-control)";
    static final String GENERATOR = "PNS generator";
    static final String PAC = "PAC server";
    static final String OTHER = "other Java threads";
    static final String VM = "VM (GC, JIT, not Java threads)";

    static CpuSnapshot take() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new LinkedHashMap<>();
        for (String g : new String[] {GATEWAY, GENERATOR, PAC, OTHER}) {
            groups.put(g, 0L);
        }
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info == null || cpu < 0) {
                continue;
            }
            groups.merge(group(info.getThreadName()), cpu, Long::sum);
        }
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new CpuSnapshot(process, groups);
    }

    private static String group(String threadName) {
        if (threadName.startsWith("pptp-alg-control")) {
            return GATEWAY;
        }
        if (threadName.startsWith("pns-generator")) {
            return GENERATOR;
        }
        if (threadName.startsWith("pac-server")) {
            return PAC;
        }
        return OTHER;
    }

    /** CPU used from {@code earlier} to this snapshot, per group, with the VM's share added as {@link #VM}. */
    Map<String, Long> since(CpuSnapshot earlier) {
        Map<String, Long> out = new LinkedHashMap<>();
        long threadsTotal = 0;
        for (Map.Entry<String, Long> e : groupNanos.entrySet()) {
            long d = e.getValue() - earlier.groupNanos.getOrDefault(e.getKey(), 0L);
            out.put(e.getKey(), d);
            threadsTotal += d;
        }
        out.put(VM, Math.max(0, processNanos - earlier.processNanos - threadsTotal));
        return out;
    }

    long processSince(CpuSnapshot earlier) {
        return processNanos - earlier.processNanos;
    }
}
