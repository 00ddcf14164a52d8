package io.github.pptpalg.benchmarks.control;

import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.netty.PptpAlg;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The control-plane benchmark: a {@link PptpAlg} on 127.0.0.1 (control plane only unless {@code --gre on}),
 * a {@link ScriptedPac} on 127.0.0.3 and a {@link ScriptedPns} load generator on 127.0.0.2, all in this JVM.
 *
 * <h2>Load mode (default)</h2>
 * <ol>
 *   <li>warm-up ({@code --warmup} s), not reported;</li>
 *   <li>load ({@code --duration} s): slices of {@code --slice-ms} alternate between the gateway and the PAC
 *       directly; in each slice {@code --connections} PNS connections run full cycles (SCCRQ, then
 *       {@code --calls-per-connection} times OCRQ/OCRP + CCRQ/CDN, then StopCCRQ/StopCCRP, reconnect). Reports
 *       completed calls per second for each target, the request/reply round-trip times and the CPU time per
 *       thread group;</li>
 *   <li>light load ({@code --latency-duration} s, {@code --latency-connections} connections, alternating the
 *       same way): the round-trip times through the gateway and directly, and their difference = the
 *       latency the gateway adds per control message;</li>
 *   <li>checks: no error on either peer (every OCRP's Peer Call ID is the PNS's Call ID, every Call ID the PAC
 *       sees through the gateway is in the gateway's range, ...), and afterwards 0 live calls, 0 control
 *       connections and an empty translation map in the gateway.</li>
 * </ol>
 *
 * <h2>Heap mode ({@code --heap K1,K2,...})</h2>
 * For each K: hold K calls open directly on the PAC (the peers' own heap), take a live class histogram,
 * release; then hold K calls through the gateway, histogram, release. The gateway's heap per call is the
 * difference of the two histograms' totals divided by the calls held; the classes that grew most tell what
 * the gateway keeps per call.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.pptpalg.benchmarks.control.ControlPlaneBenchmark --help}
 */
public final class ControlPlaneBenchmark {

    static final String USAGE = """
            usage: ControlPlaneBenchmark [options]
              --connections N            parallel PNS connections under load (default 64)
              --calls-per-connection M   calls per control connection (default 100; heap mode: 64; max 4095)
              --duration S               load phase in seconds, both targets together (default 10)
              --slice-ms MS              length of one slice before switching target (default 1000)
              --warmup S                 warm-up seconds, not reported (default 8)
              --latency-connections L    connections in the light-load latency phase (default 1)
              --latency-duration S       light-load phase in seconds, both targets together (default 4)
              --quarantine-ms MS         gateway Call ID quarantine in load mode (default 250). Released IDs
                                         rest this long, so at most (61440 / 2) / quarantine calls/s can be
                                         sustained: 122,880/s at 250 ms, 3,072/s at the library's 10 s
              --gre on|off               also run the GRE plane (root, raw socket; default off)
              --heap K1,K2,...           heap mode: hold K calls open and measure the heap per call
            """;

    private static final InetAddress GATEWAY_ADDRESS = address(127, 0, 0, 1);
    private static final InetAddress PNS_ADDRESS = address(127, 0, 0, 2);
    private static final InetAddress PAC_ADDRESS = address(127, 0, 0, 3);
    /** The gateway's Call IDs in load mode: disjoint from the peers' own IDs (1..4095). */
    private static final CallIdRange LOAD_GATEWAY_RANGE = new CallIdRange(4096, 65535);

    /** Close-drain timeout in heap mode (default 5 s): see {@link #settle()}. */
    private static final Duration HEAP_CLOSE_DRAIN = Duration.ofSeconds(1);

    private enum Target { GATEWAY, DIRECT }

    private ControlPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // The gateway logs every connection's end at info: too much under load.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.print(USAGE);
            return;
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        // One thread each: the peers' state is confined to their event loop, and they should take as little
        // of the shared CPU as they can.
        IoEventLoopGroup pacGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pac-server", true), io);
        IoEventLoopGroup pnsGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pns-generator", true), io);
        boolean ok;
        try {
            ScriptedPac pac = new ScriptedPac(pacGroup, serverType);
            ScriptedPns pns = new ScriptedPns(pnsGroup, channelType, PNS_ADDRESS);
            printEnvironment(o, epoll);
            ok = o.heapCalls == null ? runLoad(o, pac, pns) : runHeap(o, pac, pns);
            pac.close();
        } finally {
            pnsGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            pacGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAILED (see above)");
        System.exit(ok ? 0 : 1);
    }

    // ------------------------------------------------------------------------------------------ load mode

    /** Sums of the slices of one target. */
    private static final class Totals {
        long calls;
        long nanos;
        long errors;
        long connections;
        int slices;
        String firstError;
        final List<Double> sliceRates = new ArrayList<>();
        final Map<String, Long> cpu = new java.util.LinkedHashMap<>();
        long processCpu;

        void add(ScriptedPns.SliceResult r, Map<String, Long> cpuUsed, long processCpuUsed) {
            calls += r.calls();
            nanos += r.nanos();
            errors += r.errors();
            connections += r.connections();
            slices++;
            if (firstError == null) {
                firstError = r.firstError();
            }
            sliceRates.add(r.calls() * 1e9 / r.nanos());
            cpuUsed.forEach((k, v) -> cpu.merge(k, v, Long::sum));
            processCpu += processCpuUsed;
        }

        double rate() {
            return nanos == 0 ? 0 : calls * 1e9 / nanos;
        }
    }

    private static boolean runLoad(Options o, ScriptedPac pac, ScriptedPns pns) throws Exception {
        InetSocketAddress pacViaGateway = pac.listen(new InetSocketAddress(PAC_ADDRESS, 0), LOAD_GATEWAY_RANGE);
        InetSocketAddress pacDirect = pac.listen(new InetSocketAddress(PAC_ADDRESS, 0), ScriptedPns.OWN_CALL_IDS);
        PptpAlgConfig config = PptpAlgConfig.builder()
                .addProxy(new ProxyPair(new InetSocketAddress(GATEWAY_ADDRESS, 0), pacViaGateway))
                .limits(Limits.unlimited())
                .callIdRange(LOAD_GATEWAY_RANGE)
                .callIdQuarantine(Duration.ofMillis(o.quarantineMillis))
                .build();
        PptpAlg alg = PptpAlg.builder(config).greEnabled(o.gre).build();
        alg.start().get(30, TimeUnit.SECONDS);
        boolean ok = true;
        try {
            InetSocketAddress gateway = alg.listenAddresses().get(0);
            Map<Target, InetSocketAddress> targets = new EnumMap<>(Map.of(Target.GATEWAY, gateway, Target.DIRECT, pacDirect));
            Map<Target, CallIdRange> pacIds = new EnumMap<>(Map.of(
                    Target.GATEWAY, LOAD_GATEWAY_RANGE, Target.DIRECT, ScriptedPac.OWN_CALL_IDS));
            System.out.printf(Locale.ROOT, "gateway %s -> PAC %s (Call IDs %s, quarantine %d ms, GRE plane %s); "
                    + "PAC direct %s; PNS from %s%n", gateway, pacViaGateway, LOAD_GATEWAY_RANGE, o.quarantineMillis,
                    o.gre ? "on" : "off", pacDirect, PNS_ADDRESS.getHostAddress());

            System.out.printf(Locale.ROOT, "%nwarm-up: %d s%n", o.warmupSeconds);
            alternate(pns, targets, pacIds, o.connections, o.callsPerConnection, o.warmupSeconds, o.sliceMillis,
                    null, null);

            System.out.printf(Locale.ROOT, "%nload: %d connections x %d calls per connection, %d s, slices of %d ms "
                    + "alternating gateway/direct%n", o.connections, o.callsPerConnection, o.durationSeconds,
                    o.sliceMillis);
            Map<Target, LatencyRecorder> loaded = recorders();
            Map<Target, Totals> load = alternate(pns, targets, pacIds, o.connections, o.callsPerConnection,
                    o.durationSeconds, o.sliceMillis, loaded, "load");
            int peakBindings = alg.greBindings();

            System.out.printf(Locale.ROOT, "%nlight load: %d connection(s), %d s%n", o.latencyConnections,
                    o.latencyDurationSeconds);
            Map<Target, LatencyRecorder> light = recorders();
            Map<Target, Totals> lightTotals = alternate(pns, targets, pacIds, o.latencyConnections,
                    o.callsPerConnection, o.latencyDurationSeconds, o.sliceMillis, light, null);

            System.out.println();
            System.out.println("== results ==");
            for (Target t : Target.values()) {
                Totals x = load.get(t);
                System.out.printf(Locale.ROOT, "calls/s %-8s %,10.0f  (%,d calls in %.2f s, %d slices, %,d control "
                        + "connections; per slice: %s)%n", t.name().toLowerCase(Locale.ROOT), x.rate(), x.calls,
                        x.nanos / 1e9, x.slices, x.connections, rates(x.sliceRates));
            }
            Totals g = load.get(Target.GATEWAY);
            System.out.printf(Locale.ROOT, "target >= 10,000 calls/s through the gateway: %s%n",
                    g.rate() >= 10_000 ? "met" : "MISSED");
            for (Target t : Target.values()) {
                Totals x = load.get(t);
                System.out.printf(Locale.ROOT, "CPU during %s slices: process %.2f s of %.2f s wall = %.2f cores; "
                        + "per call %.1f us%n", t.name().toLowerCase(Locale.ROOT), x.processCpu / 1e9, x.nanos / 1e9,
                        x.processCpu / (double) x.nanos, x.calls == 0 ? 0 : x.processCpu / 1e3 / x.calls);
                for (Map.Entry<String, Long> e : x.cpu.entrySet()) {
                    System.out.printf(Locale.ROOT, "    %-32s %7.2f s  %5.1f%%  %6.1f us/call%n", e.getKey(),
                            e.getValue() / 1e9, 100.0 * e.getValue() / Math.max(1, x.processCpu),
                            x.calls == 0 ? 0 : e.getValue() / 1e3 / x.calls);
                }
            }
            printLatency("round trip under load (" + o.connections + " connections)", loaded);
            printLatency("round trip under light load (" + o.latencyConnections + " connection(s))", light);
            long[] gl = light.get(Target.GATEWAY).percentiles(99);
            long[] dl = light.get(Target.DIRECT).percentiles(99);
            System.out.printf(Locale.ROOT, "target: added latency p99 < 1 ms (light load): %s%n",
                    gl[0] - dl[0] < 1_000_000 ? "met" : "MISSED");

            long errors = 0;
            for (Map<Target, Totals> phase : List.of(load, lightTotals)) {
                for (Totals x : phase.values()) {
                    errors += x.errors;
                    if (x.firstError != null) {
                        System.out.println("PNS error: " + x.firstError);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "errors: PNS %d, PAC %d%s; OCRQs seen by the PAC: %,d%n", errors,
                    pac.errors(), pac.firstError() == null ? "" : " (first: " + pac.firstError() + ")",
                    pac.outgoingCalls());
            System.out.printf(Locale.ROOT, "GRE bindings in the translation map right after the load phase: %d%n",
                    peakBindings);
            ok = errors == 0 && pac.errors() == 0;
            ok &= checkDrained(alg);
        } finally {
            alg.close().get(30, TimeUnit.SECONDS);
        }
        return ok;
    }

    private static Map<Target, LatencyRecorder> recorders() {
        Map<Target, LatencyRecorder> m = new EnumMap<>(Target.class);
        for (Target t : Target.values()) {
            m.put(t, new LatencyRecorder(4_000_000));
        }
        return m;
    }

    /**
     * Alternates slices between the targets until {@code seconds} have passed (at most 2 * seconds * 1000 /
     * sliceMillis + 2 slices).
     */
    private static Map<Target, Totals> alternate(ScriptedPns pns, Map<Target, InetSocketAddress> targets,
            Map<Target, CallIdRange> pacIds, int connections, int callsPerConnection, int seconds, int sliceMillis,
            Map<Target, LatencyRecorder> recorders, String label) throws InterruptedException {
        Map<Target, Totals> totals = new EnumMap<>(Target.class);
        for (Target t : Target.values()) {
            totals.put(t, new Totals());
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int maxSlices = (int) Math.min(10_000, 2L * seconds * 1000 / sliceMillis + 2);
        for (int i = 0; i < maxSlices && (i % 2 == 1 || System.nanoTime() < end); i++) {
            Target t = Target.values()[i % 2];
            CpuSnapshot before = CpuSnapshot.take();
            ScriptedPns.SliceResult r = pns.cycle(targets.get(t), pacIds.get(t), connections, callsPerConnection,
                    sliceMillis, recorders == null ? null : recorders.get(t));
            CpuSnapshot after = CpuSnapshot.take();
            totals.get(t).add(r, after.since(before), after.processSince(before));
            if (label != null && r.errors() > 0) {
                System.out.printf(Locale.ROOT, "  %s slice %d (%s): %d errors, first: %s%n", label, i, t,
                        r.errors(), r.firstError());
            }
        }
        return totals;
    }

    private static String rates(List<Double> rates) {
        StringBuilder sb = new StringBuilder();
        for (double r : rates) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", r));
        }
        return sb.toString();
    }

    private static void printLatency(String title, Map<Target, LatencyRecorder> recorders) {
        double[] ps = {50, 99, 99.9};
        long[] g = recorders.get(Target.GATEWAY).percentiles(ps);
        long[] d = recorders.get(Target.DIRECT).percentiles(ps);
        System.out.printf(Locale.ROOT, "%s, request -> reply, microseconds:%n", title);
        System.out.printf(Locale.ROOT, "    %-10s %10s %10s %10s %12s%n", "", "p50", "p99", "p99.9", "samples");
        System.out.printf(Locale.ROOT, "    %-10s %10.1f %10.1f %10.1f %,12d%n", "gateway", g[0] / 1e3, g[1] / 1e3,
                g[2] / 1e3, recorders.get(Target.GATEWAY).count());
        System.out.printf(Locale.ROOT, "    %-10s %10.1f %10.1f %10.1f %,12d%n", "direct", d[0] / 1e3, d[1] / 1e3,
                d[2] / 1e3, recorders.get(Target.DIRECT).count());
        System.out.printf(Locale.ROOT, "    %-10s %10.1f %10.1f %10.1f%n", "added", (g[0] - d[0]) / 1e3,
                (g[1] - d[1]) / 1e3, (g[2] - d[2]) / 1e3);
    }

    /** Waits (at most 10 s) until the gateway holds no call, no connection and no GRE binding; prints them. */
    private static boolean checkDrained(PptpAlg alg) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        MetricsSnapshot m = alg.metrics();
        while (System.nanoTime() < deadline
                && (m.callsActive() != 0 || m.controlConnectionsActive() != 0 || alg.greBindings() != 0)) {
            Thread.sleep(50);
            m = alg.metrics();
        }
        boolean drained = m.callsActive() == 0 && m.controlConnectionsActive() == 0 && alg.greBindings() == 0;
        System.out.printf(Locale.ROOT, "gateway at the end: %d live calls, %d control connections, %d GRE bindings "
                + "(%s); totals: %,d calls, %,d established, %,d closed, %,d refused, %,d protocol errors%n",
                m.callsActive(), m.controlConnectionsActive(), alg.greBindings(), drained ? "drained" : "NOT DRAINED",
                m.callsTotal(), m.callsEstablished(), m.callsClosed(),
                m.callsRefused().values().stream().mapToLong(Long::longValue).sum(), m.protocolErrorsTotal());
        return drained && m.protocolErrorsTotal() == 0;
    }

    // ------------------------------------------------------------------------------------------ heap mode

    private static boolean runHeap(Options o, ScriptedPac pac, ScriptedPns pns) throws Exception {
        CallIdRange range = PptpAlgConfig.DEFAULT_CALL_ID_RANGE;
        InetSocketAddress pacViaGateway = pac.listen(new InetSocketAddress(PAC_ADDRESS, 0), range);
        InetSocketAddress pacDirect = pac.listen(new InetSocketAddress(PAC_ADDRESS, 0), ScriptedPns.OWN_CALL_IDS);
        // No quarantine: released IDs return at once, so one K's teardown leaves nothing behind for the next.
        PptpAlgConfig config = PptpAlgConfig.builder()
                .addProxy(new ProxyPair(new InetSocketAddress(GATEWAY_ADDRESS, 0), pacViaGateway))
                .limits(Limits.unlimited())
                .callIdRange(range)
                .callIdQuarantine(Duration.ZERO)
                .timeouts(Timeouts.defaults().withCloseDrain(HEAP_CLOSE_DRAIN))
                .build();
        PptpAlg alg = PptpAlg.builder(config).greEnabled(o.gre).build();
        alg.start().get(30, TimeUnit.SECONDS);
        boolean ok = true;
        try {
            InetSocketAddress gateway = alg.listenAddresses().get(0);
            int m = o.callsPerConnectionSet ? o.callsPerConnection : 64;
            System.out.printf(Locale.ROOT, "heap mode: gateway %s (Call IDs %s: at most %d calls, two IDs each), "
                    + "%d calls per control connection, GRE plane %s%n", gateway, range, range.size() / 2, m,
                    o.gre ? "on" : "off");
            // Warm-up: load every class of both paths and fill the pools, so the baseline holds them.
            Map<Target, InetSocketAddress> targets = new EnumMap<>(Map.of(Target.GATEWAY, gateway, Target.DIRECT, pacDirect));
            Map<Target, CallIdRange> pacIds = new EnumMap<>(Map.of(Target.GATEWAY, range, Target.DIRECT,
                    ScriptedPac.OWN_CALL_IDS));
            alternate(pns, targets, pacIds, 16, 16, 2, 500, null, null);
            for (Target t : Target.values()) {
                ScriptedPns.Hold h = pns.hold(targets.get(t), pacIds.get(t), 256, 4);
                ok &= h.release() && h.errors() == 0;
            }
            ok &= checkDrained(alg);
            settle();
            Path dir = Files.createTempDirectory("control-plane-heap");
            HeapProbe.Snapshot base = HeapProbe.take(dir.resolve("baseline.txt"));
            System.out.printf(Locale.ROOT, "baseline: live %,d bytes (%,d objects), used heap after GC %,d bytes, "
                    + "pooled direct memory %,d bytes; histograms in %s%n", base.bytes(), base.instances(),
                    base.usedHeapAfterGc(), PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), dir);
            for (int k : o.heapCalls) {
                ok &= heapRound(alg, pns, gateway, pacDirect, range, k, m, base, dir);
            }
            HeapProbe.Snapshot end = HeapProbe.take(dir.resolve("end.txt"));
            System.out.printf(Locale.ROOT, "%nafter all releases: live %,d bytes (%+,d vs baseline)%n", end.bytes(),
                    end.bytes() - base.bytes());
        } finally {
            alg.close().get(30, TimeUnit.SECONDS);
        }
        return ok;
    }

    /**
     * After a control connection's normal stop the relay still schedules its drain deadline, which keeps the
     * relay and both channels reachable for the close-drain timeout: wait that out so one measurement does not
     * count the previous one's leftovers.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(HEAP_CLOSE_DRAIN.toMillis() + 500);
    }

    private static String origin(String className) {
        if (className.startsWith("io.netty.")) {
            return "io.netty";
        }
        if (className.startsWith("io.github.pptpalg.")) {
            return "pptp-alg";
        }
        if (className.startsWith("[Lio.github.pptpalg.")) {
            return "pptp-alg arrays";
        }
        if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")) {
            return "JDK";
        }
        return "other arrays/classes";
    }

    /** The peers' share: K calls held directly on the PAC; only numbers survive, so nothing of it stays live. */
    private record DirectRound(long held, HeapProbe.Snapshot heap, boolean ok) {
    }

    private static DirectRound holdDirect(ScriptedPns pns, InetSocketAddress pacDirect, int k, int connections,
            HeapProbe.Snapshot base, Path dir) throws Exception {
        ScriptedPns.Hold direct = pns.hold(pacDirect, ScriptedPac.OWN_CALL_IDS, k, connections);
        HeapProbe.Snapshot hd = HeapProbe.take(dir.resolve("direct-" + k + ".txt"));
        long held = direct.held();
        System.out.printf(Locale.ROOT, "direct:  %,d calls held (%d refused, %d errors); live %,d bytes, +%,d over "
                + "baseline = %,.0f bytes/call (the peers alone)%n", held, direct.refused(), direct.errors(),
                hd.bytes(), hd.bytes() - base.bytes(), (hd.bytes() - base.bytes()) / (double) Math.max(1, held));
        if (direct.firstError() != null) {
            System.out.println("PNS error: " + direct.firstError());
        }
        boolean ok = direct.release() && direct.errors() == 0 && held == k;
        settle();
        return new DirectRound(held, hd, ok);
    }

    /** One K: direct, then through the gateway; prints the gateway's heap per call and its largest classes. */
    private static boolean heapRound(PptpAlg alg, ScriptedPns pns, InetSocketAddress gateway,
            InetSocketAddress pacDirect, CallIdRange range, int k, int m, HeapProbe.Snapshot base, Path dir)
            throws Exception {
        int connections = (k + m - 1) / m;
        System.out.printf(Locale.ROOT, "%n== K = %,d calls on %,d control connections (load average %s) ==%n", k,
                connections, loadAverage());
        DirectRound direct = holdDirect(pns, pacDirect, k, connections, base, dir);
        boolean ok = direct.ok();
        HeapProbe.Snapshot hd = direct.heap();
        ScriptedPns.Hold through = pns.hold(gateway, range, k, connections);
        HeapProbe.Snapshot hg = HeapProbe.take(dir.resolve("gateway-" + k + ".txt"));
        MetricsSnapshot during = alg.metrics();
        int bindings = alg.greBindings();
        long held = through.held();
        long refused = through.refused();
        long gatewayBytes = hg.bytes() - hd.bytes();
        double perCall = gatewayBytes / (double) Math.max(1, held);
        System.out.printf(Locale.ROOT, "gateway: %,d calls held (%d refused, %d errors), gateway metrics: %,d live "
                + "calls, %,d control connections, %,d GRE bindings; live %,d bytes, +%,d over baseline%n", held,
                refused, through.errors(), during.callsActive(), during.controlConnectionsActive(), bindings,
                hg.bytes(), hg.bytes() - base.bytes());
        if (through.firstError() != null) {
            System.out.println("PNS error: " + through.firstError());
        }
        System.out.printf(Locale.ROOT, "GATEWAY HEAP PER CALL (K=%d, %d calls/connection): %,.0f bytes (live bytes "
                + "through the gateway - live bytes direct = %,d, / %,d calls); used-heap variant: %,.0f bytes; "
                + "target <= 1024: %s%n", k, m, perCall, gatewayBytes, held,
                (hg.usedHeapAfterGc() - hd.usedHeapAfterGc()) / (double) Math.max(1, held),
                perCall <= 1024 ? "met" : "MISSED");
        System.out.println("classes that grew most (through the gateway vs direct), per call:");
        for (HeapProbe.Row r : hg.growthOver(hd, 15)) {
            System.out.printf(Locale.ROOT, "    %9.1f B  %6.2f objects  %s%n", r.bytes() / (double) held,
                    r.instances() / (double) held, r.className());
        }
        Map<String, Long> byOrigin = new java.util.TreeMap<>();
        for (HeapProbe.Row r : hg.growthOver(hd, Integer.MAX_VALUE)) {
            byOrigin.merge(origin(r.className()), r.bytes(), Long::sum);
        }
        StringBuilder origins = new StringBuilder();
        byOrigin.forEach((origin, bytes) -> origins.append(String.format(Locale.ROOT, "  %s %.0f B", origin,
                bytes / (double) held)));
        System.out.println("growth per call by origin:" + origins);
        ok &= through.release() && through.errors() == 0 && held + refused == k;
        ok &= checkDrained(alg);
        settle();
        if (refused > 0) {
            System.out.printf(Locale.ROOT, "note: %d of %d calls refused by the gateway: %s%n", refused, k,
                    alg.metrics().callsRefused());
        }
        return ok;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void printEnvironment(Options o, boolean epoll) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "date %s; %d CPUs (%s); %s %s; max heap %,d MiB; transport %s%n",
                ZonedDateTime.now(), rt.availableProcessors(), cpuModel(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), rt.maxMemory() >> 20, epoll ? "epoll" : "nio");
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        System.out.println("the gateway (2 event loops), the PNS generator (1 thread) and the PAC (1 thread) share "
                + "these CPUs: figures are for all three together, not for the gateway alone");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Command-line options. */
    private static final class Options {
        boolean help;
        int connections = 64;
        int callsPerConnection = 100;
        boolean callsPerConnectionSet;
        int durationSeconds = 10;
        int sliceMillis = 1000;
        int warmupSeconds = 8;
        int latencyConnections = 1;
        int latencyDurationSeconds = 4;
        int quarantineMillis = 250;
        boolean gre;
        int[] heapCalls;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": missing value");
                }
                String v = args[++i];
                switch (a) {
                    case "--connections" -> o.connections = number(a, v, 1, 10_000);
                    case "--calls-per-connection" -> {
                        o.callsPerConnection = number(a, v, 1, ScriptedPns.OWN_CALL_IDS.size());
                        o.callsPerConnectionSet = true;
                    }
                    case "--duration" -> o.durationSeconds = number(a, v, 1, 600);
                    case "--slice-ms" -> o.sliceMillis = number(a, v, 50, 60_000);
                    case "--warmup" -> o.warmupSeconds = number(a, v, 0, 600);
                    case "--latency-connections" -> o.latencyConnections = number(a, v, 1, 10_000);
                    case "--latency-duration" -> o.latencyDurationSeconds = number(a, v, 1, 600);
                    case "--quarantine-ms" -> o.quarantineMillis = number(a, v, 0, 3_600_000);
                    case "--gre" -> {
                        if (!v.equals("on") && !v.equals("off")) {
                            throw new IllegalArgumentException("--gre: " + v + " (expected: on or off)");
                        }
                        o.gre = v.equals("on");
                    }
                    case "--heap" -> {
                        String[] parts = v.split(",");
                        o.heapCalls = new int[parts.length];
                        for (int j = 0; j < parts.length; j++) {
                            o.heapCalls[j] = number(a, parts[j].strip(), 1, 65_536);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            }
            return o;
        }

        private static int number(String option, String value, int lowest, int highest) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: a number)");
            }
            if (n < lowest || n > highest) {
                throw new IllegalArgumentException(option + ": " + n + " (expected: " + lowest + ".." + highest + ")");
            }
            return n;
        }
    }
}
