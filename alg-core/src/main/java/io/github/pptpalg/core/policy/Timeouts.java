package io.github.pptpalg.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's timers. Defaults ({@link #defaults()}): connection setup 30 s, control idle 180 s, GRE idle
 * 300 s, connect 10 s, close drain 5 s.
 *
 * @param connectionSetup from accepting a client's TCP connection until the control connection is established
 *        (SCCRP with result 1 relayed), including authorization and connecting to the peer
 * @param controlIdle how long a control connection may carry no message at all. RFC 2637 section 4.1 has a
 *        peer send an Echo-Request after 60 s of silence and give up 60 s later, so a live connection is never
 *        silent for 120 s; shorter values would cut live connections and are rejected
 * @param greIdle how long a call may relay no GRE packet in either direction before the gateway tears it down;
 *        {@link Duration#ZERO} never expires calls
 * @param connect how long connecting to the peer may take
 * @param closeDrain how long a graceful close waits for the peers to acknowledge (Stop-Control-Connection-Reply,
 *        Call-Disconnect-Notify) before the connections are closed anyway
 */
public record Timeouts(Duration connectionSetup, Duration controlIdle, Duration greIdle, Duration connect, Duration closeDrain) {

    /** The smallest control idle timeout: the RFC's 60 s echo interval plus its 60 s wait for the reply. */
    public static final Duration MIN_CONTROL_IDLE = Duration.ofSeconds(120);

    private static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(180),
            Duration.ofSeconds(300), Duration.ofSeconds(10), Duration.ofSeconds(5));

    public Timeouts {
        positive("connectionSetup", connectionSetup);
        Objects.requireNonNull(controlIdle, "controlIdle");
        if (controlIdle.compareTo(MIN_CONTROL_IDLE) < 0) {
            throw new IllegalArgumentException("controlIdle: " + controlIdle + " (expected: >= " + MIN_CONTROL_IDLE
                    + ", the RFC 2637 echo interval plus its wait for the reply)");
        }
        Objects.requireNonNull(greIdle, "greIdle");
        if (greIdle.isNegative()) {
            throw new IllegalArgumentException("greIdle: " + greIdle + " (expected: > 0, or 0 for never)");
        }
        positive("connect", connect);
        positive("closeDrain", closeDrain);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    /** The documented defaults. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    /** Whether calls expire after {@link #greIdle()} without GRE. */
    public boolean greIdleEnabled() {
        return !greIdle.isZero();
    }

    public Timeouts withConnectionSetup(Duration value) {
        return new Timeouts(value, controlIdle, greIdle, connect, closeDrain);
    }

    public Timeouts withControlIdle(Duration value) {
        return new Timeouts(connectionSetup, value, greIdle, connect, closeDrain);
    }

    public Timeouts withGreIdle(Duration value) {
        return new Timeouts(connectionSetup, controlIdle, value, connect, closeDrain);
    }

    public Timeouts withConnect(Duration value) {
        return new Timeouts(connectionSetup, controlIdle, greIdle, value, closeDrain);
    }

    public Timeouts withCloseDrain(Duration value) {
        return new Timeouts(connectionSetup, controlIdle, greIdle, connect, value);
    }
}
