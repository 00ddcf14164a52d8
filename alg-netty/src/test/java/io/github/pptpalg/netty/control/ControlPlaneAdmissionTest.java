package io.github.pptpalg.netty.control;

import static io.github.pptpalg.netty.control.TestGateway.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.IncomingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.core.metrics.MetricsSnapshot;
import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.AuthorizationCommand;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Subnet;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import io.github.pptpalg.netty.testing.ControlMessages;
import io.github.pptpalg.netty.testing.ScriptedPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Refusals: limits, the access list, authorization commands, an unreachable peer; each counted by reason. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlPlaneAdmissionTest {

    @Test
    void callsPerConnectionLimitIsAnsweredByTheGatewayAndNothingReachesTheServer() {
        try (TestGateway gateway = TestGateway.start(b -> b.limits(Limits.defaults().withMaxCallsPerConnection(1)))) {
            Leg leg = gateway.establish("127.0.0.2");
            leg.client().send(ControlMessages.ocrq(7));
            int gA = leg.server().expect(OutgoingCallRequest.class).callId();
            leg.server().send(ControlMessages.ocrp(700, gA));
            assertEquals(ResultCode.OK, leg.client().expect(OutgoingCallReply.class).resultCode());

            leg.client().send(ControlMessages.ocrq(8));
            OutgoingCallReply refusal = leg.client().expect(OutgoingCallReply.class);
            assertEquals(8, refusal.peerCallId(), "the refusal answers the client's Call ID");
            assertEquals(0, refusal.callId(), "no gateway Call ID in a refusal");
            assertNotEquals(ResultCode.OK, refusal.resultCode(), "negative OCRP: " + refusal);

            // nothing about the refused call reached the server: the next message it gets is the client's echo
            leg.client().send(ControlMessages.echoRequest(42));
            assertEquals(42, leg.server().expect(EchoRequest.class).identifier());
            assertEquals(1, gateway.calls(leg.client()).size());

            // an Incoming-Call-Request from the server (PAC) is refused the same way, towards the server
            leg.server().send(ControlMessages.icrq(500));
            IncomingCallReply icrp = leg.server().expect(IncomingCallReply.class);
            assertEquals(500, icrp.peerCallId());
            assertEquals(0, icrp.callId());
            assertNotEquals(ResultCode.OK, icrp.resultCode(), "negative ICRP: " + icrp);
            leg.server().send(ControlMessages.echoRequest(43));
            assertEquals(43, leg.client().expect(EchoRequest.class).identifier());

            MetricsSnapshot m = gateway.metrics();
            assertEquals(2, m.callsRefused(RefusalReason.CALLS_PER_CONNECTION_LIMIT));
            assertEquals(1, m.callsTotal());
            assertEquals(1, m.callsActive());
        }
    }

    @Test
    void clientThatNeverStartsItsControlConnectionIsDroppedAfterTheSetupTimeout() {
        Duration setup = Duration.ofMillis(500);
        try (TestGateway gateway = TestGateway.start(b -> b.timeouts(Timeouts.defaults().withConnectionSetup(setup)))) {
            ScriptedPeer client = gateway.connect("127.0.0.2");
            ScriptedPeer server = gateway.pac.accept();
            long start = System.nanoTime();
            client.expectEof(setup.multipliedBy(6));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsed >= setup.toMillis() - 200, "dropped after " + elapsed + " ms");
            server.expectEof();
            gateway.awaitMetrics(m -> m.controlConnectionsActive() == 0, "no connection left");
        }
    }

    @Test
    void accessListDeniesOneClientAndAdmitsAnother() {
        try (TestGateway gateway = TestGateway.start(b -> b.accessList(AccessList.of(Subnet.parse("127.0.0.3/32"))))) {
            ScriptedPeer denied = gateway.connect("127.0.0.2");
            denied.send(ControlMessages.sccrq());
            denied.expectEof();
            gateway.pac.expectNoConnection(millis(200));
            assertEquals(1, gateway.metrics().controlConnectionsRefused(RefusalReason.ACL_DENIED));

            Leg admitted = gateway.establish("127.0.0.3");
            admitted.client().send(ControlMessages.echoRequest(1));
            admitted.server().expect(EchoRequest.class);
            MetricsSnapshot m = gateway.metrics();
            assertEquals(1, m.controlConnectionsRefused(RefusalReason.ACL_DENIED));
            assertEquals(1, m.controlConnectionsActive());
            assertEquals(1, m.controlConnectionsTotal());
        }
    }

    @Test
    void authorizationCommandDeniesOneClientAndAdmitsAnother() {
        AuthorizationCommand command = AuthorizationCommand.of(
                List.of("/bin/sh", "-c", "test \"$1\" = 127.0.0.3", "sh"), Duration.ofSeconds(5));
        try (TestGateway gateway = TestGateway.start(b -> b.addAuthorizationCommand(command))) {
            ScriptedPeer denied = gateway.connect("127.0.0.2");
            denied.send(ControlMessages.sccrq());
            denied.expectEof();
            gateway.pac.expectNoConnection(millis(200));
            assertEquals(1, gateway.metrics().controlConnectionsRefused(RefusalReason.AUTHORIZATION_DENIED));

            Leg admitted = gateway.establish("127.0.0.3");
            admitted.server().send(ControlMessages.echoRequest(2));
            admitted.client().expect(EchoRequest.class);
            MetricsSnapshot m = gateway.metrics();
            assertEquals(1, m.controlConnectionsRefused(RefusalReason.AUTHORIZATION_DENIED));
            assertEquals(0, m.controlConnectionsRefused(RefusalReason.AUTHORIZATION_FAILED));
            assertEquals(1, m.controlConnectionsActive());
        }
    }

    @Test
    void authorizationCommandThatCannotRunCountsAsFailed() {
        AuthorizationCommand command = AuthorizationCommand.of(
                List.of("/nonexistent/pptp-alg-authorize"), Duration.ofSeconds(5));
        try (TestGateway gateway = TestGateway.start(b -> b.addAuthorizationCommand(command))) {
            ScriptedPeer refused = gateway.connect("127.0.0.2");
            refused.expectEof();
            gateway.pac.expectNoConnection(millis(200));
            assertEquals(1, gateway.metrics().controlConnectionsRefused(RefusalReason.AUTHORIZATION_FAILED));
            assertEquals(0, gateway.metrics().controlConnectionsActive());
        }
    }

    @Test
    void unreachablePeerClosesTheClientsConnection() throws IOException {
        InetSocketAddress closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = (InetSocketAddress) s.getLocalSocketAddress();
        }
        ProxyPair toNowhere = new ProxyPair(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), closedPort);
        try (TestGateway gateway = TestGateway.start(b -> b.proxies(List.of(toNowhere))
                .limits(Limits.defaults().withMaxControlConnectionsPerSource(1)))) {
            ScriptedPeer client = gateway.connect("127.0.0.2");
            client.send(ControlMessages.sccrq());
            client.expectEof();
            MetricsSnapshot m = gateway.metrics();
            assertEquals(1, m.controlConnectionsRefused(RefusalReason.PEER_UNREACHABLE));
            assertEquals(0, m.controlConnectionsActive());
            assertEquals(0, m.controlConnectionsTotal());

            // the slot was given back: a limit of one connection per source does not refuse the next attempt
            ScriptedPeer again = gateway.connect("127.0.0.2");
            again.expectEof();
            assertEquals(2, gateway.metrics().controlConnectionsRefused(RefusalReason.PEER_UNREACHABLE));
            assertEquals(0, gateway.metrics().controlConnectionsRefused(RefusalReason.PER_SOURCE_LIMIT));
        }
    }

    @Test
    void perSourceLimitRefusesTheSecondConnectionFromOneAddressOnly() {
        try (TestGateway gateway = TestGateway.start(
                b -> b.limits(Limits.defaults().withMaxControlConnectionsPerSource(1)))) {
            Leg first = gateway.establish("127.0.0.2");
            ScriptedPeer second = gateway.connect("127.0.0.2");
            second.expectEof();
            gateway.pac.expectNoConnection(millis(200));
            Leg other = gateway.establish("127.0.0.3");
            assertEquals(1, gateway.metrics().controlConnectionsRefused(RefusalReason.PER_SOURCE_LIMIT));
            assertEquals(2, gateway.metrics().controlConnectionsActive());

            // once the first connection ends, its address may connect again
            first.stop();
            gateway.awaitMetrics(m -> m.controlConnectionsActive() == 1, "one connection left");
            gateway.establish("127.0.0.2");
            assertEquals(2, gateway.metrics().controlConnectionsActive());
        }
    }
}
