package io.github.pptpalg.core.nat;

import java.util.Objects;

/**
 * An inclusive range of Call IDs, {@code lowest..highest}, within {@code 0..65535}. Call ID 0 is a
 * real Call ID. The text form, used by {@link #toString()} and {@link #parse(String)}, is
 * {@code "1000-1999"}.
 *
 * @param lowest  the first Call ID of the range, {@code 0..65535}
 * @param highest the last Call ID of the range, {@code lowest..65535}
 */
public record CallIdRange(int lowest, int highest) {

    /** Every Call ID, {@code 0-65535}. */
    public static final CallIdRange ALL = new CallIdRange(0, 0xFFFF);

    /**
     * @throws IllegalArgumentException if a bound is outside {@code 0..65535} or {@code lowest > highest}
     */
    public CallIdRange {
        if ((lowest & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("lowest Call ID: " + lowest + " (expected: 0..65535)");
        }
        if ((highest & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("highest Call ID: " + highest + " (expected: 0..65535)");
        }
        if (lowest > highest) {
            throw new IllegalArgumentException(
                    "highest Call ID: " + highest + " (expected: >= lowest Call ID " + lowest + ')');
        }
    }

    /**
     * Parses {@code "lowest-highest"}, for example {@code "1000-1999"} (spaces around the numbers are
     * allowed), or a single Call ID {@code "1000"} for a range of one.
     *
     * @throws IllegalArgumentException with a message naming the text if it is not such a range
     */
    public static CallIdRange parse(String text) {
        Objects.requireNonNull(text, "text");
        int dash = text.indexOf('-');
        String low = dash < 0 ? text : text.substring(0, dash);
        String high = dash < 0 ? text : text.substring(dash + 1);
        int lowest = parseBound(text, low);
        int highest = parseBound(text, high);
        try {
            return new CallIdRange(lowest, highest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Call ID range \"" + text + "\": " + e.getMessage(), e);
        }
    }

    private static int parseBound(String text, String bound) {
        String trimmed = bound.strip();
        if (trimmed.isEmpty() || trimmed.length() > 5 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "Call ID range: \"" + text + "\" (expected: lowest-highest, such as 1000-1999, within 0-65535)");
        }
        return Integer.parseInt(trimmed);
    }

    /** Whether {@code callId} lies in this range. */
    public boolean contains(int callId) {
        return callId >= lowest && callId <= highest;
    }

    /** Number of Call IDs in this range, {@code 1..65536}. */
    public int size() {
        return highest - lowest + 1;
    }

    /** {@code "lowest-highest"}, the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return lowest + "-" + highest;
    }
}
