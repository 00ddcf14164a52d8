package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LimitsAndTimeoutsTest {

    static Stream<Arguments> invalidValues() {
        Limits l = Limits.defaults();
        Timeouts t = Timeouts.defaults();
        return Stream.of(
                Arguments.of((Supplier<?>) () -> l.withMaxControlConnections(0),
                        "maxControlConnections: 0 (expected: >= 1, or Limits.UNLIMITED)"),
                Arguments.of((Supplier<?>) () -> l.withMaxControlConnectionsPerSource(-1),
                        "maxControlConnectionsPerSource: -1 (expected: >= 1, or Limits.UNLIMITED)"),
                Arguments.of((Supplier<?>) () -> l.withMaxCallsPerConnection(0),
                        "maxCallsPerConnection: 0 (expected: >= 1, or Limits.UNLIMITED)"),
                Arguments.of((Supplier<?>) () -> l.withMaxCalls(0),
                        "maxCalls: 0 (expected: >= 1, or Limits.UNLIMITED)"),
                Arguments.of((Supplier<?>) () -> t.withControlIdle(Duration.ofSeconds(119)),
                        "controlIdle: PT1M59S (expected: >= PT2M, the RFC 2637 echo interval plus its wait for the reply)"),
                Arguments.of((Supplier<?>) () -> t.withConnectionSetup(Duration.ZERO),
                        "connectionSetup: PT0S (expected: > 0)"),
                Arguments.of((Supplier<?>) () -> t.withConnect(Duration.ofMillis(-1)),
                        "connect: PT-0.001S (expected: > 0)"),
                Arguments.of((Supplier<?>) () -> t.withCloseDrain(Duration.ZERO),
                        "closeDrain: PT0S (expected: > 0)"),
                Arguments.of((Supplier<?>) () -> t.withGreIdle(Duration.ofSeconds(-5)),
                        "greIdle: PT-5S (expected: > 0, or 0 for never)"));
    }

    @ParameterizedTest
    @MethodSource("invalidValues")
    void rejectsInvalidValuesNamingFieldAndValue(Supplier<?> build, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertEquals(message, e.getMessage());
    }

    @Test
    void defaultsAndWithers() {
        Limits limits = Limits.defaults().withMaxCalls(10).withMaxCallsPerConnection(2);
        assertEquals(new Limits(4096, 64, 2, 10), limits);
        assertEquals(Limits.UNLIMITED, Limits.unlimited().maxControlConnectionsPerSource());
        Timeouts timeouts = Timeouts.defaults().withControlIdle(Duration.ofSeconds(120));
        assertEquals(Duration.ofSeconds(120), timeouts.controlIdle());
        assertEquals(Duration.ofSeconds(180), Timeouts.defaults().controlIdle());
        assertTrue(timeouts.greIdleEnabled());
        assertFalse(timeouts.withGreIdle(Duration.ZERO).greIdleEnabled());
    }
}
