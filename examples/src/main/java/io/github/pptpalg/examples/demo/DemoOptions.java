package io.github.pptpalg.examples.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the {@link Demo} does: how many calls on how many control connections, how long data flows, how fast
 * and in packets of what size. Immutable; {@link #defaults()}, {@link #builder()} or {@link #parse(String...)}.
 *
 * <p>Defaults: 4 calls, 2 per control connection, 5 s of data, 1000 packets per second per call and direction,
 * 512-byte payloads. Every value is checked at once; a bad one raises {@link IllegalArgumentException} whose
 * message reads {@code "<option>: <value> (expected: <what>)"}.
 */
public final class DemoOptions {

    public static final int DEFAULT_CALLS = 4;
    public static final int MAX_CALLS = 256;
    public static final int DEFAULT_CALLS_PER_CONNECTION = 2;
    /** The gateway's default limit of calls per control connection. */
    public static final int MAX_CALLS_PER_CONNECTION = 64;
    /** The gateway's default limit of control connections per client address (all of the demo's come from one). */
    public static final int MAX_CONNECTIONS = 64;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);
    public static final Duration MIN_DURATION = Duration.ofMillis(100);
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    public static final int DEFAULT_RATE = 1000;
    public static final int MAX_RATE = 100_000;
    public static final int DEFAULT_PAYLOAD_SIZE = 512;
    /** The smallest payload that holds the demo's header and checksum ({@link DemoPayload#MIN_LENGTH}). */
    public static final int MIN_PAYLOAD_SIZE = DemoPayload.MIN_LENGTH;
    /** Keeps each GRE datagram within a 1500-byte MTU: 20 (IPv4) + 12 (GRE with sequence) + 1468. */
    public static final int MAX_PAYLOAD_SIZE = 1468;
    /** The most packets one peer sends in one direction of one call (sequence numbers are checked in a bitmap). */
    public static final long MAX_PACKETS_PER_LEG = 20_000_000L;

    private static final DemoOptions DEFAULTS = builder().build();

    private final int calls;
    private final int callsPerConnection;
    private final Duration duration;
    private final int rate;
    private final int payloadSize;

    private DemoOptions(Builder b) {
        calls = b.calls;
        callsPerConnection = b.callsPerConnection;
        duration = b.duration;
        rate = b.rate;
        payloadSize = b.payloadSize;
    }

    public static DemoOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the demo's command line: {@code --calls N}, {@code --calls-per-connection N}, {@code --duration D}
     * ({@code 5s}, {@code 1500ms}, {@code 2m} or plain seconds), {@code --rate N} (packets per second per call
     * and direction), {@code --payload N} (bytes); {@code --name=value} works too.
     *
     * @throws IllegalArgumentException for an unknown option, a missing value or a value out of range
     */
    public static DemoOptions parse(String... args) {
        Objects.requireNonNull(args, "args");
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String arg = Objects.requireNonNull(args[i], "args[" + i + "]");
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (!OPTION_NAMES.contains(name)) {
                throw new IllegalArgumentException("option: " + arg + " (expected: one of " + String.join(", ",
                        OPTION_NAMES) + ")");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + ": missing value (expected: " + name + " <value>)");
                }
                value = args[++i];
            }
            switch (name) {
                case "--calls" -> b.calls(parseInt(name, value));
                case "--calls-per-connection" -> b.callsPerConnection(parseInt(name, value));
                case "--duration" -> b.duration(parseDuration(name, value));
                case "--rate" -> b.rate(parseInt(name, value));
                case "--payload" -> b.payloadSize(parseInt(name, value));
                default -> throw new AssertionError(name);
            }
        }
        return b.build();
    }

    private static final List<String> OPTION_NAMES = List.of("--calls", "--calls-per-connection", "--duration",
            "--rate", "--payload");

    /** The options {@link #parse(String...)} reads, one line each, for a usage text. */
    public static List<String> usage() {
        List<String> lines = new ArrayList<>();
        lines.add("--calls N                 calls to set up (1.." + MAX_CALLS + ", default " + DEFAULT_CALLS + ")");
        lines.add("--calls-per-connection N  calls per control connection (1.." + MAX_CALLS_PER_CONNECTION
                + ", default " + DEFAULT_CALLS_PER_CONNECTION + ")");
        lines.add("--duration D              how long data flows: 5s, 1500ms, 2m (default "
                + DEFAULT_DURATION.toSeconds() + "s)");
        lines.add("--rate N                  packets/s per call and direction (1.." + MAX_RATE + ", default "
                + DEFAULT_RATE + ")");
        lines.add("--payload N               payload bytes per GRE packet (" + MIN_PAYLOAD_SIZE + ".."
                + MAX_PAYLOAD_SIZE + ", default " + DEFAULT_PAYLOAD_SIZE + ")");
        return Collections.unmodifiableList(lines);
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer)", e);
        }
    }

    static Duration parseDuration(String name, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            }
            if (text.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a duration such as 5s, 1500ms, 2m)",
                    e);
        }
    }

    /** Calls to set up. */
    public int calls() {
        return calls;
    }

    /** Calls per control connection (the last connection may have fewer). */
    public int callsPerConnection() {
        return callsPerConnection;
    }

    /** Control connections: {@code ceil(calls / callsPerConnection)}. */
    public int connections() {
        return (calls + callsPerConnection - 1) / callsPerConnection;
    }

    /** How long data flows. */
    public Duration duration() {
        return duration;
    }

    /** Packets per second per call and direction. */
    public int rate() {
        return rate;
    }

    /** Payload bytes per GRE packet (after the 12-byte enhanced-GRE header). */
    public int payloadSize() {
        return payloadSize;
    }

    /** Packets each peer sends on each call: {@code rate * duration}, at least 1. */
    public long packetsPerLeg() {
        return Math.max(1, rate * duration.toMillis() / 1000);
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return builder().calls(calls).callsPerConnection(callsPerConnection).duration(duration).rate(rate)
                .payloadSize(payloadSize);
    }

    @Override
    public String toString() {
        return "DemoOptions{calls=" + calls + ", callsPerConnection=" + callsPerConnection + ", duration=" + duration
                + ", rate=" + rate + ", payloadSize=" + payloadSize + '}';
    }

    /** Collects the values of {@link DemoOptions}; not thread-safe. */
    public static final class Builder {

        private int calls = DEFAULT_CALLS;
        private int callsPerConnection = DEFAULT_CALLS_PER_CONNECTION;
        private Duration duration = DEFAULT_DURATION;
        private int rate = DEFAULT_RATE;
        private int payloadSize = DEFAULT_PAYLOAD_SIZE;

        private Builder() {
        }

        public Builder calls(int calls) {
            this.calls = check("--calls", calls, 1, MAX_CALLS);
            return this;
        }

        public Builder callsPerConnection(int callsPerConnection) {
            this.callsPerConnection = check("--calls-per-connection", callsPerConnection, 1, MAX_CALLS_PER_CONNECTION);
            return this;
        }

        public Builder duration(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("--duration: " + duration.toMillis() + "ms (expected: "
                        + MIN_DURATION.toMillis() + "ms.." + MAX_DURATION.toMinutes() + "m)");
            }
            this.duration = duration;
            return this;
        }

        public Builder rate(int rate) {
            this.rate = check("--rate", rate, 1, MAX_RATE);
            return this;
        }

        public Builder payloadSize(int payloadSize) {
            this.payloadSize = check("--payload", payloadSize, MIN_PAYLOAD_SIZE, MAX_PAYLOAD_SIZE);
            return this;
        }

        private static int check(String name, int value, int lowest, int highest) {
            if (value < lowest || value > highest) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + lowest + ".." + highest + ")");
            }
            return value;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if {@code rate * duration} exceeds {@link #MAX_PACKETS_PER_LEG}, or the
         *     calls need more than {@link #MAX_CONNECTIONS} control connections
         */
        public DemoOptions build() {
            int connections = (calls + callsPerConnection - 1) / callsPerConnection;
            if (connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("--calls / --calls-per-connection: " + calls + " / "
                        + callsPerConnection + " = " + connections + " control connections (expected: <= "
                        + MAX_CONNECTIONS + ", the gateway's limit per client address)");
            }
            long packets = rate * duration.toMillis() / 1000;
            if (packets > MAX_PACKETS_PER_LEG) {
                throw new IllegalArgumentException("--rate x --duration: " + packets + " packets per call and direction"
                        + " (expected: <= " + MAX_PACKETS_PER_LEG + ")");
            }
            return new DemoOptions(this);
        }
    }
}
