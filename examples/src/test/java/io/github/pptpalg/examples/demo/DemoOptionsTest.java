package io.github.pptpalg.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

    @Test
    void defaults() {
        DemoOptions options = DemoOptions.defaults();
        assertEquals(4, options.calls());
        assertEquals(2, options.callsPerConnection());
        assertEquals(2, options.connections());
        assertEquals(Duration.ofSeconds(5), options.duration());
        assertEquals(1000, options.rate());
        assertEquals(512, options.payloadSize());
        assertEquals(5000, options.packetsPerLeg());
    }

    @Test
    void parsesEveryOptionInBothForms() {
        DemoOptions options = DemoOptions.parse("--calls", "7", "--calls-per-connection=3", "--duration", "1500ms",
                "--rate=250", "--payload", "100");
        assertEquals(7, options.calls());
        assertEquals(3, options.callsPerConnection());
        assertEquals(3, options.connections());
        assertEquals(Duration.ofMillis(1500), options.duration());
        assertEquals(250, options.rate());
        assertEquals(100, options.payloadSize());
        assertEquals(375, options.packetsPerLeg());
        assertEquals(options.toString(), options.toBuilder().build().toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2s, 2000",
            "0.5s, 500",
            "3, 3000",
            "250ms, 250",
            "1m, 60000",
    })
    void durations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DemoOptions.parse("--duration", text).duration());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--calls 0                   | --calls: 0 (expected: 1..256)",
            "--calls 257                 | --calls: 257 (expected: 1..256)",
            "--calls x                   | --calls: x (expected: an integer)",
            "--calls-per-connection 65   | --calls-per-connection: 65 (expected: 1..64)",
            "--rate 0                    | --rate: 0 (expected: 1..100000)",
            "--payload 19                | --payload: 19 (expected: 20..1468)",
            "--payload 1469              | --payload: 1469 (expected: 20..1468)",
            "--duration 50ms             | --duration: 50ms (expected: 100ms..10m)",
            "--duration 11m              | --duration: 660000ms (expected: 100ms..10m)",
            "--duration soon             | --duration: soon (expected: a duration such as 5s, 1500ms, 2m)",
            "--rate                      | --rate: missing value (expected: --rate <value>)",
            "--speed 3                   | option: --speed (expected: one of --calls, --calls-per-connection,"
                    + " --duration, --rate, --payload)",
            "--rate 100000 --duration 10m | --rate x --duration: 60000000 packets per call and direction"
                    + " (expected: <= 20000000)",
            "--calls 65 --calls-per-connection 1 | --calls / --calls-per-connection: 65 / 1 = 65 control connections"
                    + " (expected: <= 64, the gateway's limit per client address)",
    })
    void rejectsBadInputNamingOptionAndValue(String commandLine, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(commandLine.trim().split(" +")));
        assertEquals(message, e.getMessage());
    }
}
