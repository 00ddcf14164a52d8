package io.github.pptpalg.netty.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.policy.AuthorizationCommand;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import io.github.pptpalg.netty.testing.ScriptedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The way from an accepted connection to a relay: peers given by name, and the setup deadline over all of it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlPlaneSetupTest {

    @Test
    void aPeerGivenByNameIsLookedUpAndRelayedToOverIpv4() {
        ScriptedServer pac = ScriptedServer.open();
        // "localhost" may resolve to ::1 first; the gateway relays GRE over IPv4 only and must pick 127.0.0.1
        ProxyPair byName = new ProxyPair(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InetSocketAddress.createUnresolved("localhost", pac.address().getPort()));
        try (TestGateway gateway = TestGateway.start(pac, b -> b.proxies(List.of(byName)))) {
            Leg leg = gateway.establish("127.0.0.2");
            assertEquals(1, gateway.sessions().size());
            assertEquals(InetAddress.getLoopbackAddress(), gateway.sessions().get(0).connectedPeer().getAddress());
            leg.client().send(ControlMessages.ocrq(7));
            assertTrue(TestGateway.RANGE.contains(leg.server().expect(
                    OutgoingCallRequest.class).callId()));
        }
    }

    @Test
    void aPeerNameWithoutIpv4AddressIsRefusedAndTheSlotReturned() {
        ProxyPair unknown = new ProxyPair(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InetSocketAddress.createUnresolved("pptpalg-no-such-host.invalid", 1723));
        try (TestGateway gateway = TestGateway.start(b -> b.proxies(List.of(unknown))
                .limits(Limits.defaults().withMaxControlConnectionsPerSource(1)))) {
            for (int i = 1; i <= 2; i++) {
                ScriptedPeer client = gateway.connect("127.0.0.2");
                client.send(ControlMessages.sccrq());
                client.expectEof();
                assertEquals(i, gateway.metrics().controlConnectionsRefused(RefusalReason.PEER_UNREACHABLE));
            }
            assertEquals(0, gateway.metrics().controlConnectionsRefused(RefusalReason.PER_SOURCE_LIMIT),
                    "a refused lookup kept its admission slot");
        }
    }

    @Test
    void theSetupDeadlineCoversASlowAuthorizationCommand() {
        try (TestGateway gateway = TestGateway.start(b -> b
                .timeouts(Timeouts.defaults().withConnectionSetup(Duration.ofMillis(800)))
                .addAuthorizationCommand(AuthorizationCommand.of(List.of("/bin/sh", "-c", "sleep 5", "sh"),
                        Duration.ofSeconds(10))))) {
            ScriptedPeer client = gateway.connect("127.0.0.2");
            long start = System.nanoTime();
            client.send(ControlMessages.sccrq());
            client.expectEof(Duration.ofSeconds(4));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 3000, "closed after " + millis + " ms (setup timeout 800 ms)");
            assertEquals(1, gateway.metrics().controlConnectionsRefused(RefusalReason.SETUP_TIMEOUT));
            gateway.pac.expectNoConnection(TestGateway.millis(200));
        }
    }

    @Test
    void aProtocolViolationTellsItsSenderWhyBeforeClosing() {
        try (TestGateway gateway = TestGateway.start()) {
            Leg leg = gateway.establish("127.0.0.2");
            leg.client().send(ControlMessages.sccrq()); // a second SCCRQ: a violation, well framed
            StopControlConnectionRequest stop = leg.client().expect(StopControlConnectionRequest.class);
            assertEquals(StopReason.STOP_PROTOCOL, stop.reason());
            leg.client().expectEof();
            leg.server().expect(StopControlConnectionRequest.class);
        }
    }
}
