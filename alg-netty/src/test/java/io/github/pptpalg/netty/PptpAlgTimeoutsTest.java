package io.github.pptpalg.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.netty.interop.Exec;
import io.github.pptpalg.netty.interop.InteropCall;
import io.github.pptpalg.netty.interop.NetnsTopology;
import io.github.pptpalg.netty.interop.PptpClient;
import io.github.pptpalg.netty.interop.Pptpd;
import io.github.pptpalg.netty.interop.Privileged;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

/**
 * The gateway's timers against real peers (pptp-linux and pptpd in namespaces, the gateway in the test JVM):
 * GRE idle expiry, a client that vanishes without a FIN, and a client that never starts its control connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PptpAlgTimeoutsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static NetnsTopology topology;

    @BeforeAll
    static void createTopology() {
        Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.PPTPD, Requirement.PPTP_LINUX,
                Requirement.PYTHON3, Requirement.NFTABLES);
        topology = NetnsTopology.builder(NetnsTopology.defaultName("pagt")).clients(1).forwarding(false).create();
    }

    @AfterAll
    static void deleteTopology() {
        if (topology != null) {
            topology.close();
        }
    }

    private static PptpAlg.Builder gateway(Timeouts timeouts) {
        PptpAlgConfig config = PptpAlgConfig.builder()
                .addProxy(new ProxyPair(new InetSocketAddress(topology.client(0).gatewayAddress(), Pptpd.PORT),
                        new InetSocketAddress(topology.server().address(), Pptpd.PORT)))
                .timeouts(timeouts)
                .build();
        return PptpAlg.builder(config);
    }

    @Test
    void aCallWithoutGreForTheIdleTimeoutIsClearedAndBothPeersAreTold() throws Exception {
        PptpAlg alg = gateway(Timeouts.defaults().withGreIdle(Duration.ofSeconds(2))).build();
        alg.start().join();
        try (Pptpd server = Pptpd.start(topology.server());
             PptpClient client = PptpClient.start(topology.client(0), topology.client(0).gatewayAddress())) {
            InteropCall call = InteropCall.establish(client, server, TIMEOUT);
            byte[] frame = {(byte) 0xFF, 0x03, 0x00, 0x21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            assertArrayEquals(frame, call.clientToServer(frame, TIMEOUT));
            assertEquals(2, alg.greBindings());
            long quietSince = System.nanoTime();

            await(() -> alg.greBindings() == 0, Duration.ofSeconds(6), "the idle call to be released");
            long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince);
            assertTrue(quietMillis >= 1500, "released after only " + quietMillis + " ms of silence");
            MetricsSnapshot m = alg.metrics();
            assertEquals(0, m.callsActive(), m.toString());
            assertEquals(1, m.callsClosed(), m.toString());
            // pptp-linux (the PNS) got a Call-Disconnect-Notify and hangs up; pptpd (the PAC) got a
            // Call-Clear-Request and ends its control connection process
            await(() -> client.processes().isEmpty(), TIMEOUT, "pptp-linux to hang up: " + client.log());
            await(() -> server.controlConnections().isEmpty(), TIMEOUT, "pptpd's pptpctrl to end");
        } finally {
            alg.close().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatVanishesWithoutAFinIsCleanedUpAndTheServerIsTold() throws Exception {
        PptpAlg alg = gateway(Timeouts.defaults()).controlIdleForTesting(Duration.ofSeconds(3)).build();
        alg.start().join();
        String link = topology.client(0).gatewayInterface();
        try (Pptpd server = Pptpd.start(topology.server());
             PptpClient client = PptpClient.start(topology.client(0), topology.client(0).gatewayAddress())) {
            InteropCall.establish(client, server, TIMEOUT);
            assertEquals(1, alg.sessions().size());
            // the client's link goes dark: no FIN, no RST, nothing
            Exec.run("ip", "link", "set", link, "down").orThrow();
            await(() -> alg.sessions().isEmpty(), Duration.ofSeconds(8), "the gateway to drop the silent client");
            assertEquals(0, alg.greBindings());
            await(() -> server.controlConnections().isEmpty(), TIMEOUT,
                    "pptpd to end the control connection the gateway stopped");
        } finally {
            Exec.run("ip", "link", "set", link, "up");
            alg.close().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aConnectionThatNeverStartsIsClosedAfterTheSetupTimeout() throws Exception {
        PptpAlg alg = gateway(Timeouts.defaults().withConnectionSetup(Duration.ofSeconds(1))).build();
        alg.start().join();
        try (Pptpd server = Pptpd.start(topology.server());
             Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress(topology.client(0).gatewayAddress(), Pptpd.PORT), 2000);
            silent.setSoTimeout(5000);
            long start = System.nanoTime();
            InputStream in = silent.getInputStream();
            assertEquals(-1, in.read(), "the gateway sent something to a client that never spoke");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 800 && millis < 4000, "closed after " + millis + " ms (expected: about 1000)");
            await(() -> alg.metrics().controlConnectionsActive() == 0, TIMEOUT, "the connection to be forgotten");
        } finally {
            alg.close().get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted waiting for " + what);
            }
        }
    }
}
