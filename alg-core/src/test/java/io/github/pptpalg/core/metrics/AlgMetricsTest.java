package io.github.pptpalg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AlgMetricsTest {

    @Test
    void snapshotAfterConcurrentIncrementsCountsEverything() throws Exception {
        AlgMetrics metrics = new AlgMetrics();
        int threads = 4;
        int rounds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        metrics.greRelayed(GreDirection.ACCEPTED_TO_CONNECTED, 100);
                        metrics.greRelayed(GreDirection.CONNECTED_TO_ACCEPTED, 1 + thread);
                        metrics.greDropped(GreDropReason.NO_MATCHING_CALL);
                        metrics.controlConnectionOpened();
                        metrics.callOpened();
                        if (i % 2 == 0) {
                            metrics.callEstablished();
                            metrics.callClosed();
                            metrics.controlConnectionClosed();
                        }
                        metrics.callRefused(RefusalReason.CALL_IDS_EXHAUSTED);
                        metrics.controlConnectionRefused(RefusalReason.PER_SOURCE_LIMIT);
                        metrics.protocolError(thread % 2 == 0 ? "BAD_MAGIC_COOKIE" : "LENGTH_TOO_LONG");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) threads * rounds;
        MetricsSnapshot snapshot = metrics.snapshot();
        assertEquals(n, snapshot.grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
        assertEquals(n * 100, snapshot.greBytes(GreDirection.ACCEPTED_TO_CONNECTED));
        assertEquals(n, snapshot.grePackets(GreDirection.CONNECTED_TO_ACCEPTED));
        assertEquals((long) rounds * (1 + 2 + 3 + 4), snapshot.greBytes(GreDirection.CONNECTED_TO_ACCEPTED));
        assertEquals(n, snapshot.greDropped(GreDropReason.NO_MATCHING_CALL));
        assertEquals(0, snapshot.greDropped(GreDropReason.MALFORMED));
        assertEquals(n, snapshot.controlConnectionsTotal());
        assertEquals(n / 2, snapshot.controlConnectionsActive());
        assertEquals(n, snapshot.callsTotal());
        assertEquals(n / 2, snapshot.callsActive());
        assertEquals(n / 2, snapshot.callsEstablished());
        assertEquals(n / 2, snapshot.callsClosed());
        assertEquals(n, snapshot.callsRefused(RefusalReason.CALL_IDS_EXHAUSTED));
        assertEquals(n, snapshot.controlConnectionsRefused(RefusalReason.PER_SOURCE_LIMIT));
        assertEquals(0, snapshot.aclDenials());
        assertEquals(Map.of("BAD_MAGIC_COOKIE", n / 2, "LENGTH_TOO_LONG", n / 2), snapshot.protocolErrors());
        assertEquals(n, snapshot.protocolErrorsTotal());
    }

    @Test
    void asMapUsesPrometheusNamesAndListsEveryEnumLabel() {
        AlgMetrics metrics = new AlgMetrics();
        metrics.controlConnectionRefused(RefusalReason.ACL_DENIED);
        metrics.controlConnectionRefused(RefusalReason.ACL_DENIED);
        metrics.greDropped(GreDropReason.WRONG_SOURCE_ADDRESS);
        metrics.greRelayed(GreDirection.CONNECTED_TO_ACCEPTED, 1500);
        metrics.greRelayedByFastPath(GreDirection.ACCEPTED_TO_CONNECTED, 3, 300);
        metrics.protocolError("BAD_MAGIC_COOKIE");
        metrics.protocolError("protocol violation");

        Map<String, Long> map = metrics.snapshot().asMap();

        assertEquals(2L, map.get("pptp_alg_control_connections_refused_total{reason=\"acl_denied\"}"));
        assertEquals(0L, map.get("pptp_alg_control_connections_refused_total{reason=\"peer_unreachable\"}"));
        assertEquals(1L, map.get("pptp_alg_gre_dropped_total{reason=\"wrong_source_address\"}"));
        assertEquals(0L, map.get("pptp_alg_gre_dropped_total{reason=\"no_matching_call\"}"));
        assertEquals(1L, map.get("pptp_alg_gre_packets_total{direction=\"connected_to_accepted\"}"));
        assertEquals(1500L, map.get("pptp_alg_gre_bytes_total{direction=\"connected_to_accepted\"}"));
        assertEquals(300L, map.get("pptp_alg_gre_bytes_total{direction=\"accepted_to_connected\"}"));
        assertEquals(3L, map.get("pptp_alg_gre_packets_total{direction=\"accepted_to_connected\"}"));
        assertEquals(3L, map.get("pptp_alg_gre_fast_path_packets_total{direction=\"accepted_to_connected\"}"));
        assertEquals(0L, map.get("pptp_alg_gre_fast_path_packets_total{direction=\"connected_to_accepted\"}"));
        assertEquals(1L, map.get("pptp_alg_protocol_errors_total{kind=\"bad_magic_cookie\"}"));
        assertEquals(1L, map.get("pptp_alg_protocol_errors_total{kind=\"protocol_violation\"}"));
        assertEquals(0L, map.get("pptp_alg_calls_active"));
        // call reasons only under calls, connection reasons only under connections
        assertTrue(map.containsKey("pptp_alg_calls_refused_total{reason=\"call_limit\"}"));
        assertTrue(!map.containsKey("pptp_alg_calls_refused_total{reason=\"acl_denied\"}"));
        assertTrue(!map.containsKey("pptp_alg_control_connections_refused_total{reason=\"call_limit\"}"));
        long connectionReasons = java.util.Arrays.stream(RefusalReason.values()).filter(r -> !r.isCallRefusal()).count();
        long callReasons = RefusalReason.values().length - connectionReasons;
        long expected = 2 + connectionReasons + 4 + callReasons + 2 + 2 + 2 + GreDropReason.values().length + 2;
        assertEquals(expected, map.size());
        for (String name : map.keySet()) {
            assertTrue(name.matches("pptp_alg_[a-z_]+(\\{[a-z]+=\"[a-z0-9_]+\"\\})?"), name);
        }
    }

    @Test
    void fastPathCountsRefuseNegativeNumbers() {
        AlgMetrics metrics = new AlgMetrics();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> metrics.greRelayedByFastPath(GreDirection.ACCEPTED_TO_CONNECTED, -1, 0));
        assertEquals("packets, bytes: -1, 0 (expected: >= 0)", e.getMessage());
        assertEquals(0L, metrics.snapshot().grePackets(GreDirection.ACCEPTED_TO_CONNECTED));
    }

    @Test
    void prometheusTextHasTypeLinesAndSamples() {
        AlgMetrics metrics = new AlgMetrics();
        metrics.callOpened();
        String text = metrics.snapshot().toPrometheusText();
        assertTrue(text.contains("# TYPE pptp_alg_calls_active gauge\npptp_alg_calls_active 1\n"), text);
        assertTrue(text.contains("# TYPE pptp_alg_calls_total counter\npptp_alg_calls_total 1\n"), text);
        assertTrue(text.contains("# TYPE pptp_alg_gre_dropped_total counter\npptp_alg_gre_dropped_total{reason=\"no_matching_call\"} 0\n"), text);
        assertEquals(1, text.split("# TYPE pptp_alg_gre_dropped_total ", -1).length - 1);
    }

    @Test
    void protocolErrorKindsAreBounded() {
        AlgMetrics metrics = new AlgMetrics();
        for (int i = 0; i < AlgMetrics.MAX_PROTOCOL_ERROR_KINDS + 10; i++) {
            metrics.protocolError("kind" + i);
        }
        MetricsSnapshot snapshot = metrics.snapshot();
        assertEquals(AlgMetrics.MAX_PROTOCOL_ERROR_KINDS + 1, snapshot.protocolErrors().size());
        assertEquals(10L, snapshot.protocolErrors().get(AlgMetrics.OTHER_KIND));
        assertEquals(AlgMetrics.MAX_PROTOCOL_ERROR_KINDS + 10L, snapshot.protocolErrorsTotal());
    }

    @ParameterizedTest
    @EnumSource(value = RefusalReason.class, names = {"CALL_LIMIT", "CALLS_PER_CONNECTION_LIMIT", "CALL_IDS_EXHAUSTED"})
    void callReasonsAreNotConnectionReasons(RefusalReason reason) {
        AlgMetrics metrics = new AlgMetrics();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics.controlConnectionRefused(reason));
        assertEquals("reason: " + reason + " (expected: a control connection reason)", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = RefusalReason.class, names = {"CALL_LIMIT", "CALLS_PER_CONNECTION_LIMIT", "CALL_IDS_EXHAUSTED"},
            mode = EnumSource.Mode.EXCLUDE)
    void connectionReasonsAreNotCallReasons(RefusalReason reason) {
        AlgMetrics metrics = new AlgMetrics();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics.callRefused(reason));
        assertEquals("reason: " + reason + " (expected: a call reason)", e.getMessage());
    }

    @Test
    void kindLabelNormalizes() {
        assertEquals("bad_magic_cookie", MetricsSnapshot.kindLabel("BAD_MAGIC_COOKIE"));
        assertEquals("a_b_c", MetricsSnapshot.kindLabel("a-b.c"));
        assertEquals("_", MetricsSnapshot.kindLabel(""));
    }

    @Test
    void hotPathIncrementsAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "needs com.sun.management.ThreadMXBean to measure allocation");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation measurement unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);
        AlgMetrics metrics = new AlgMetrics();
        metrics.protocolError("BAD_MAGIC_COOKIE");
        Runnable loop = () -> {
            for (int i = 0; i < 100_000; i++) {
                metrics.greRelayed(GreDirection.ACCEPTED_TO_CONNECTED, i);
                metrics.greDropped(GreDropReason.TRUNCATED);
                metrics.protocolError("BAD_MAGIC_COOKIE");
            }
        };
        loop.run(); // warm up (JIT, LongAdder cells)
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        loop.run();
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // 300,000 increments; a single boxed Long per call would be megabytes
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
    }
}
