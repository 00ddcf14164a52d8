package io.github.pptpalg.codec.pptp;

/**
 * The 1-byte Error Code of a reply, meaningful when its Result Code is 2 (General error): RFC 2637
 * section 2.16. An open value type: any value 0..255 is accepted and passes through unchanged.
 */
public final class ErrorCode implements Comparable<ErrorCode> {

    private static final String[] NAMES = {
        "None", "Not-Connected", "Bad-Format", "Bad-Value", "No-Resource", "Bad-Call ID", "PAC-Error",
    };
    private static final ErrorCode[] VALUES = new ErrorCode[256];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            VALUES[i] = new ErrorCode(i);
        }
    }

    /** 0 (None): no general error. */
    public static final ErrorCode NONE = VALUES[0];
    /** 1 (Not-Connected): no control connection exists yet for this PAC-PNS pair. */
    public static final ErrorCode NOT_CONNECTED = VALUES[1];
    /** 2 (Bad-Format): Length is wrong or Magic Cookie is incorrect. */
    public static final ErrorCode BAD_FORMAT = VALUES[2];
    /** 3 (Bad-Value): one of the field values was out of range or a reserved field was non-zero. */
    public static final ErrorCode BAD_VALUE = VALUES[3];
    /** 4 (No-Resource): insufficient resources to handle this command now. */
    public static final ErrorCode NO_RESOURCE = VALUES[4];
    /** 5 (Bad-Call ID): the Call ID is invalid in this context. */
    public static final ErrorCode BAD_CALL_ID = VALUES[5];
    /** 6 (PAC-Error): a generic vendor-specific error occurred in the PAC. */
    public static final ErrorCode PAC_ERROR = VALUES[6];

    private final int value;

    private ErrorCode(int value) {
        this.value = value;
    }

    /**
     * Returns the Error Code with the given value.
     *
     * @throws IllegalArgumentException if {@code value} is not 0..255
     */
    public static ErrorCode valueOf(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("error code: " + value + " (expected: 0..255)");
        }
        return VALUES[value];
    }

    /** The value on the wire (0..255). */
    public int value() {
        return value;
    }

    /** Whether RFC 2637 defines this value (0..6). */
    public boolean isKnown() {
        return value < NAMES.length;
    }

    /** The RFC 2637 name ("Bad-Call ID", ...), or {@code "Unknown"}. */
    public String name() {
        return isKnown() ? NAMES[value] : "Unknown";
    }

    @Override
    public int compareTo(ErrorCode o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorCode other && other.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    /** Returns the name and the value, e.g. {@code "Bad-Call ID(5)"}. */
    @Override
    public String toString() {
        return name() + '(' + value + ')';
    }
}
