package io.github.pptpalg.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.netty.raw.RawGre;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without raw sockets the demo says why and exits 1, before it opens anything. Needs no privileges. */
class DemoWithoutRawSocketsTest {

    @Test
    void saysWhyAndExitsOneWithoutStartingAnything() {
        UnsupportedOperationException cause = new UnsupportedOperationException("opening a raw IPv4 socket for GRE"
                + " (protocol 47) was refused (Operation not permitted (errno 1)): the process lacks CAP_NET_RAW");
        AtomicInteger probes = new AtomicInteger();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int exitCode = Demo.run(DemoOptions.defaults(), new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> {
            probes.incrementAndGet();
            return cause;
        });

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, exitCode, output);
        assertEquals(1, probes.get());
        assertTrue(output.contains("needs raw IPv4 sockets for GRE"), output);
        assertTrue(output.contains("Reason: " + cause.getMessage()), output);
        assertTrue(output.contains("Run it as root"), output);
        assertEquals(3, output.lines().count(), output);
        assertFalse(output.contains("Summary"), output);
        assertFalse(output.contains("pptp-alg demo:"), "the gateway was not started: " + output);
    }

    @Test
    void theRealProbeDecidesWhenNoSeamIsGiven() {
        // Where raw sockets are missing, the public entry point takes the same path with the probe's own reason.
        Assumptions.assumeFalse(RawGre.isAvailable(), "raw GRE sockets are available here: DemoTest covers this case");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exitCode = Demo.run(DemoOptions.defaults(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, exitCode, output);
        assertTrue(output.contains("Reason: " + RawGre.unavailabilityCause().getMessage()), output);
    }
}
