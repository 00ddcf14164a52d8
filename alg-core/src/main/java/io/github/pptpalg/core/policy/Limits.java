package io.github.pptpalg.core.policy;

/**
 * Upper bounds on what one gateway relays at once. Every value is at least 1; {@link #UNLIMITED} switches a
 * bound off.
 *
 * <p>Defaults ({@link #defaults()}): 4096 control connections, 64 per source address, 64 calls per control
 * connection, 16384 calls (each call holds two gateway Call IDs, so 16384 calls use half of the 1..65535
 * range).
 *
 * @param maxControlConnections relayed control connections at once, all clients together
 * @param maxControlConnectionsPerSource relayed control connections at once from one client address
 * @param maxCallsPerConnection calls at once on one control connection
 * @param maxCalls calls at once, all control connections together
 */
public record Limits(int maxControlConnections, int maxControlConnectionsPerSource, int maxCallsPerConnection, int maxCalls) {

    /** The value that switches a limit off. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private static final Limits DEFAULTS = new Limits(4096, 64, 64, 16384);

    public Limits {
        check("maxControlConnections", maxControlConnections);
        check("maxControlConnectionsPerSource", maxControlConnectionsPerSource);
        check("maxCallsPerConnection", maxCallsPerConnection);
        check("maxCalls", maxCalls);
    }

    private static void check(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1, or Limits.UNLIMITED)");
        }
    }

    /** The documented defaults. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** No limit at all (the Call ID range still bounds the calls). */
    public static Limits unlimited() {
        return new Limits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);
    }

    public Limits withMaxControlConnections(int value) {
        return new Limits(value, maxControlConnectionsPerSource, maxCallsPerConnection, maxCalls);
    }

    public Limits withMaxControlConnectionsPerSource(int value) {
        return new Limits(maxControlConnections, value, maxCallsPerConnection, maxCalls);
    }

    public Limits withMaxCallsPerConnection(int value) {
        return new Limits(maxControlConnections, maxControlConnectionsPerSource, value, maxCalls);
    }

    public Limits withMaxCalls(int value) {
        return new Limits(maxControlConnections, maxControlConnectionsPerSource, maxCallsPerConnection, value);
    }
}
