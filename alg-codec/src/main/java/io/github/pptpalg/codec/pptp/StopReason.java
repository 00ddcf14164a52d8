package io.github.pptpalg.codec.pptp;

/**
 * The 1-byte Reason of a Stop-Control-Connection-Request (RFC 2637 section 2.3). An open value type:
 * any value 0..255 is accepted and passes through unchanged.
 */
public final class StopReason implements Comparable<StopReason> {

    private static final String[] NAMES = {null, "None", "Stop-Protocol", "Stop-Local-Shutdown"};
    private static final StopReason[] VALUES = new StopReason[256];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            VALUES[i] = new StopReason(i);
        }
    }

    /** 1 (None): general request to clear the control connection. */
    public static final StopReason NONE = VALUES[1];
    /** 2 (Stop-Protocol): can't support the peer's version of the protocol. */
    public static final StopReason STOP_PROTOCOL = VALUES[2];
    /** 3 (Stop-Local-Shutdown): the requester is being shut down. */
    public static final StopReason STOP_LOCAL_SHUTDOWN = VALUES[3];

    private final int value;

    private StopReason(int value) {
        this.value = value;
    }

    /**
     * Returns the Reason with the given value.
     *
     * @throws IllegalArgumentException if {@code value} is not 0..255
     */
    public static StopReason valueOf(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("stop reason: " + value + " (expected: 0..255)");
        }
        return VALUES[value];
    }

    /** The value on the wire (0..255). */
    public int value() {
        return value;
    }

    /** Whether RFC 2637 defines this value (1..3). */
    public boolean isKnown() {
        return value < NAMES.length && NAMES[value] != null;
    }

    /** The RFC 2637 name ("Stop-Protocol", ...), or {@code "Unknown"}. */
    public String name() {
        return isKnown() ? NAMES[value] : "Unknown";
    }

    @Override
    public int compareTo(StopReason o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StopReason other && other.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** Returns the name and the value, e.g. {@code "Stop-Local-Shutdown(3)"}. */
    @Override
    public String toString() {
        return name() + '(' + value + ')';
    }
}
