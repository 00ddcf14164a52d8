package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.CallState;
import io.github.pptpalg.core.session.CallType;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.core.session.ControlConnectionState;
import io.github.pptpalg.core.session.Side;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsHttpServerTest {

    private final AlgMetrics metrics = new AlgMetrics();
    private final AtomicReference<List<ConnectionSnapshot>> sessions = new AtomicReference<>(List.of());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MetricsHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = MetricsHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                metrics::snapshot, sessions::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + SessionsJson.address(server.localAddress()) + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsInPrometheusTextFormat() throws Exception {
        metrics.controlConnectionOpened();
        metrics.controlConnectionOpened();
        metrics.controlConnectionClosed();
        for (int i = 0; i < 3; i++) {
            metrics.controlConnectionRefused(RefusalReason.ACL_DENIED);
        }
        metrics.callOpened();
        metrics.callOpened();
        metrics.callEstablished();
        metrics.callRefused(RefusalReason.CALL_LIMIT);
        metrics.greRelayed(GreDirection.ACCEPTED_TO_CONNECTED, 100);
        metrics.greRelayed(GreDirection.ACCEPTED_TO_CONNECTED, 120);
        metrics.greRelayed(GreDirection.CONNECTED_TO_ACCEPTED, 80);
        metrics.greDropped(GreDropReason.NO_MATCHING_CALL);
        metrics.protocolError("BAD_MAGIC_COOKIE");

        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());

        Exposition exposition = Exposition.parse(response.body());
        assertEquals(1.0, exposition.value("pptp_alg_control_connections_active"));
        assertEquals(2.0, exposition.value("pptp_alg_control_connections_total"));
        assertEquals(3.0, exposition.value("pptp_alg_control_connections_refused_total{reason=\"acl_denied\"}"));
        assertEquals(0.0, exposition.value("pptp_alg_control_connections_refused_total{reason=\"connection_limit\"}"));
        assertEquals(2.0, exposition.value("pptp_alg_calls_active"));
        assertEquals(1.0, exposition.value("pptp_alg_calls_established_total"));
        assertEquals(1.0, exposition.value("pptp_alg_calls_refused_total{reason=\"call_limit\"}"));
        assertEquals(2.0, exposition.value("pptp_alg_gre_packets_total{direction=\"accepted_to_connected\"}"));
        assertEquals(220.0, exposition.value("pptp_alg_gre_bytes_total{direction=\"accepted_to_connected\"}"));
        assertEquals(80.0, exposition.value("pptp_alg_gre_bytes_total{direction=\"connected_to_accepted\"}"));
        assertEquals(1.0, exposition.value("pptp_alg_gre_dropped_total{reason=\"no_matching_call\"}"));
        assertEquals(1.0, exposition.value("pptp_alg_protocol_errors_total{kind=\"bad_magic_cookie\"}"));

        assertEquals("gauge", exposition.types.get("pptp_alg_calls_active"));
        assertEquals("gauge", exposition.types.get("pptp_alg_control_connections_active"));
        assertEquals("counter", exposition.types.get("pptp_alg_gre_bytes_total"));
        assertEquals("GRE bytes relayed, by direction.", exposition.helps.get("pptp_alg_gre_bytes_total"));
        // every value of the snapshot is there, and nothing else
        MetricsSnapshot snapshot = metrics.snapshot();
        assertEquals(snapshot.asMap().keySet(), exposition.samples.keySet());
        snapshot.asMap().forEach((name, value) -> assertEquals((double) value, exposition.value(name), name));
        for (String family : exposition.types.keySet()) {
            assertTrue(PrometheusText.knownFamilies().contains(family), () -> family + " has no help text of its own");
        }
    }

    @Test
    void metricsAreReadForEachRequest() throws Exception {
        assertEquals(0.0, Exposition.parse(send("GET", "/metrics").body()).value("pptp_alg_calls_total"));
        metrics.callOpened();
        assertEquals(1.0, Exposition.parse(send("GET", "/metrics?fresh=1").body()).value("pptp_alg_calls_total"));
    }

    @Test
    void sessionsAsJson() throws Exception {
        CallSnapshot established = new CallSnapshot(7, 1, CallType.OUTGOING, Side.ACCEPTED, CallState.ESTABLISHED,
                0x1234, 2001, 128, 2002, 10, 1200, 9, 980, Duration.ofMillis(11_500));
        CallSnapshot waiting = new CallSnapshot(8, 1, CallType.INCOMING, Side.CONNECTED, CallState.WAIT_REPLY,
                -1, -1, 0, 2003, 0, 0, 0, 0, Duration.ofMillis(20));
        ConnectionSnapshot first = new ConnectionSnapshot(1, new InetSocketAddress(InetAddress.getByName("198.18.0.5"), 40000),
                new InetSocketAddress(InetAddress.getByName("198.18.1.2"), 1723), ControlConnectionState.ESTABLISHED,
                Duration.ofSeconds(12), List.of(established, waiting));
        ConnectionSnapshot second = new ConnectionSnapshot(2, new InetSocketAddress(InetAddress.getByName("::1"), 40001),
                InetSocketAddress.createUnresolved("vpn.\"example\".net", 1723), ControlConnectionState.WAIT_CTL_REPLY,
                Duration.ZERO, List.of());
        sessions.set(List.of(first, second));

        HttpResponse<String> response = send("GET", "/sessions");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        JsonArray array = strictJson(response.body()).getAsJsonArray();
        assertEquals(2, array.size());

        JsonObject c1 = array.get(0).getAsJsonObject();
        assertEquals(1, c1.get("id").getAsLong());
        assertEquals("198.18.0.5:40000", c1.get("acceptedPeer").getAsString());
        assertEquals("198.18.1.2:1723", c1.get("connectedPeer").getAsString());
        assertEquals("ESTABLISHED", c1.get("state").getAsString());
        assertEquals(12.0, c1.get("ageSeconds").getAsDouble());
        JsonArray calls = c1.getAsJsonArray("calls");
        assertEquals(2, calls.size());
        JsonObject call = calls.get(0).getAsJsonObject();
        assertEquals(7, call.get("id").getAsLong());
        assertEquals("OUTGOING", call.get("type").getAsString());
        assertEquals("ACCEPTED", call.get("pnsSide").getAsString());
        assertEquals("ESTABLISHED", call.get("state").getAsString());
        assertEquals(0x1234, call.get("acceptedCallId").getAsInt());
        assertEquals(2001, call.get("acceptedGatewayCallId").getAsInt());
        assertEquals(128, call.get("connectedCallId").getAsInt());
        assertEquals(2002, call.get("connectedGatewayCallId").getAsInt());
        assertEquals(10, call.getAsJsonObject("acceptedToConnected").get("packets").getAsLong());
        assertEquals(1200, call.getAsJsonObject("acceptedToConnected").get("bytes").getAsLong());
        assertEquals(9, call.getAsJsonObject("connectedToAccepted").get("packets").getAsLong());
        assertEquals(980, call.getAsJsonObject("connectedToAccepted").get("bytes").getAsLong());
        assertEquals(11.5, call.get("ageSeconds").getAsDouble());
        JsonObject pending = calls.get(1).getAsJsonObject();
        assertTrue(pending.get("acceptedCallId").isJsonNull(), "unknown Call IDs are null");
        assertTrue(pending.get("acceptedGatewayCallId").isJsonNull());
        assertEquals(0, pending.get("connectedCallId").getAsInt(), "Call ID 0 is a real ID");
        assertEquals(0.02, pending.get("ageSeconds").getAsDouble());

        JsonObject c2 = array.get(1).getAsJsonObject();
        assertEquals("[0:0:0:0:0:0:0:1]:40001", c2.get("acceptedPeer").getAsString());
        assertEquals("vpn.\"example\".net:1723", c2.get("connectedPeer").getAsString());
        assertEquals(0, c2.getAsJsonArray("calls").size());
        assertEquals(0.0, c2.get("ageSeconds").getAsDouble());
    }

    @Test
    void noSessionsIsAnEmptyArray() throws Exception {
        HttpResponse<String> response = send("GET", "/sessions");
        assertEquals(200, response.statusCode());
        assertEquals(0, strictJson(response.body()).getAsJsonArray().size());
    }

    @Test
    void jsonStringsAreEscaped() throws IOException {
        String tricky = "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 ctl\u001f del\u007f "
                + "ls\u2028 ps\u2029 \u00e9 \ud83d\ude00";
        StringBuilder json = new StringBuilder();
        SessionsJson.string(json, tricky);
        assertEquals(tricky, strictJson(json.toString()).getAsString());
        for (char c = 0; c < 0x20; c++) {
            assertFalse(json.indexOf(String.valueOf(c)) >= 0, "raw control character " + (int) c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/metricsx", "/metrics/", "/session", "/favicon.ico"})
    void unknownPathsAre404(String path) throws Exception {
        HttpResponse<String> response = send("GET", path);
        assertEquals(404, response.statusCode());
        assertEquals("not found: try /metrics or /sessions\n", response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "HEAD"})
    void otherMethodsAre405(String method) throws Exception {
        for (String path : List.of("/metrics", "/sessions")) {
            HttpResponse<String> response = send(method, path);
            assertEquals(405, response.statusCode(), method + ' ' + path);
            assertEquals("GET", response.headers().firstValue("allow").orElseThrow());
        }
    }

    @Test
    void aFailingSupplierGives500AndTheServerKeepsServing() throws Exception {
        MetricsHttpServer failing = MetricsHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> {
                    throw new IllegalStateException("metrics broke");
                }, List::of);
        try {
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://" + SessionsJson.address(failing.localAddress()) + "/metrics")).build();
            assertEquals(500, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpRequest sessionsRequest = HttpRequest.newBuilder(
                    URI.create("http://" + SessionsJson.address(failing.localAddress()) + "/sessions")).build();
            assertEquals(200, client.send(sessionsRequest, HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            failing.close();
        }
    }

    @Test
    void portInUseIsAClearError() {
        InetSocketAddress taken = server.localAddress();
        IOException e = assertThrows(IOException.class, () -> MetricsHttpServer.start(taken, metrics::snapshot, List::of));
        assertTrue(e.getMessage().startsWith("cannot serve metrics on " + SessionsJson.address(taken) + ": "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("in use"), e.getMessage());
    }

    @Test
    void closeReleasesThePort() throws Exception {
        InetSocketAddress address = server.localAddress();
        server.close();
        server = MetricsHttpServer.start(address, metrics::snapshot, List::of);
        assertEquals(200, send("GET", "/metrics").statusCode());
    }

    /** Parses JSON strictly (RFC 8259, no lenient extensions), requiring one value and nothing after it. */
    static JsonElement strictJson(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement element = new Gson().getAdapter(JsonElement.class).read(reader);
        assertEquals(JsonToken.END_DOCUMENT, reader.peek(), "nothing after the value");
        return element;
    }

    /**
     * A parser for Prometheus' text exposition format 0.0.4, written from its specification: HELP and TYPE
     * comments, samples {@code name{label="value",...} value}, every family's samples together, TYPE at most
     * once and before the family's first sample.
     */
    static final class Exposition {

        private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        private static final Pattern SAMPLE = Pattern.compile(
                "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
                        + "(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*,?)?})? "
                        + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|Inf|NaN))(?: -?[0-9]+)?");

        final Map<String, String> types = new LinkedHashMap<>();
        final Map<String, String> helps = new HashMap<>();
        final Map<String, Double> samples = new LinkedHashMap<>();

        static Exposition parse(String text) {
            assertTrue(text.endsWith("\n"), "the last line ends with a line feed");
            Exposition exposition = new Exposition();
            Set<String> finishedFamilies = new HashSet<>();
            String currentFamily = null;
            List<String> lines = new ArrayList<>(List.of(text.split("\n")));
            for (String line : lines) {
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ", 4);
                    assertEquals(4, parts.length, line);
                    assertTrue(NAME.matcher(parts[2]).matches(), line);
                    if (parts[1].equals("TYPE")) {
                        assertTrue(List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[3]), line);
                        assertNotNull(exposition.helps.get(parts[2]), "HELP comes first here: " + line);
                        assertEquals(null, exposition.types.put(parts[2], parts[3]), "TYPE twice: " + line);
                    } else {
                        assertEquals(null, exposition.helps.put(parts[2], parts[3]), "HELP twice: " + line);
                    }
                    if (!parts[2].equals(currentFamily)) {
                        if (currentFamily != null) {
                            finishedFamilies.add(currentFamily);
                        }
                        assertFalse(finishedFamilies.contains(parts[2]), "family split: " + line);
                        currentFamily = parts[2];
                    }
                    continue;
                }
                assertFalse(line.startsWith("#") && !line.startsWith("# "), line);
                if (line.isEmpty() || line.startsWith("# ")) {
                    continue;
                }
                Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), () -> "not a sample line: " + line);
                String family = sample.group(1);
                assertEquals(currentFamily, family, "a sample outside its family's block: " + line);
                assertNotNull(exposition.types.get(family), "TYPE before the first sample: " + line);
                String name = line.substring(0, line.lastIndexOf(' '));
                assertEquals(null, exposition.samples.put(name, Double.parseDouble(sample.group(3))), "sample twice: " + line);
            }
            return exposition;
        }

        double value(String sample) {
            Double value = samples.get(sample);
            assertNotNull(value, () -> "no sample " + sample + " in " + samples.keySet());
            return value;
        }
    }
}
