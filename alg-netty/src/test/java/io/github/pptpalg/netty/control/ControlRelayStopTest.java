package io.github.pptpalg.netty.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.core.policy.Timeouts;
import io.github.pptpalg.netty.control.TestGateway.Leg;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A control connection the peers stop between themselves ends at once: no drain deadline, no failure. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlRelayStopTest {

    @Test
    void aStopHandshakeEndsBothLegsAtOnce() {
        try (TestGateway gateway = TestGateway.start(b -> b.timeouts(
                Timeouts.defaults().withCloseDrain(Duration.ofSeconds(20))))) {
            Leg leg = gateway.establish("127.0.0.2");
            leg.client().send(StopControlConnectionRequest.builder().reason(StopReason.NONE).build());
            leg.server().expect(StopControlConnectionRequest.class);
            long start = System.nanoTime();
            leg.server().send(StopControlConnectionReply.builder().resultCode(ResultCode.OK).build());
            leg.client().expect(StopControlConnectionReply.class);
            leg.client().expectEof(Duration.ofSeconds(2));
            leg.server().expectEof(Duration.ofSeconds(2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!gateway.sessions().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(gateway.sessions().isEmpty(), "still relayed: " + gateway.sessions());
            assertTrue(millis < 2000, "took " + millis + " ms (the drain deadline is 20 s)");
            assertEquals(0, gateway.metrics().controlConnectionsActive());
        }
    }
}
