package io.github.pptpalg.codec.pptp;

/**
 * The 2-byte Cause Code of an Outgoing-Call-Reply or a Call-Disconnect-Notify: additional information on
 * a failure, typically an ISDN (Q.931) cause value (RFC 2637 sections 2.8 and 2.13). An open value type:
 * any value 0..65535 is accepted and passes through unchanged.
 */
public final class CauseCode implements Comparable<CauseCode> {

    private static final CauseCode[] CACHE = new CauseCode[256];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new CauseCode(i);
        }
    }

    /** 0: no cause given. */
    public static final CauseCode NONE = CACHE[0];

    private final int value;

    private CauseCode(int value) {
        this.value = value;
    }

    /**
     * Returns the Cause Code with the given value.
     *
     * @throws IllegalArgumentException if {@code value} is not 0..65535
     */
    public static CauseCode valueOf(int value) {
        if (value >= 0 && value < CACHE.length) {
            return CACHE[value];
        }
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("cause code: " + value + " (expected: 0..65535)");
        }
        return new CauseCode(value);
    }

    /** The value on the wire (0..65535). */
    public int value() {
        return value;
    }

    @Override
    public int compareTo(CauseCode o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CauseCode other && other.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
