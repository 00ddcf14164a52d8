package io.github.pptpalg.core.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CallIdRangeTest {

    @Test
    void containsAndSize() {
        CallIdRange r = new CallIdRange(1000, 1999);
        assertEquals(1000, r.size());
        assertTrue(r.contains(1000));
        assertTrue(r.contains(1999));
        assertFalse(r.contains(999));
        assertFalse(r.contains(2000));
        assertEquals(1, new CallIdRange(0, 0).size());
        assertTrue(new CallIdRange(0, 0).contains(0));
        assertEquals(65536, CallIdRange.ALL.size());
        assertTrue(CallIdRange.ALL.contains(0));
        assertTrue(CallIdRange.ALL.contains(65535));
        assertFalse(CallIdRange.ALL.contains(-1));
        assertFalse(CallIdRange.ALL.contains(65536));
    }

    @ParameterizedTest
    @CsvSource({
        "-1, 10, 'lowest Call ID: -1 (expected: 0..65535)'",
        "65536, 65536, 'lowest Call ID: 65536 (expected: 0..65535)'",
        "0, 65536, 'highest Call ID: 65536 (expected: 0..65535)'",
        "0, -5, 'highest Call ID: -5 (expected: 0..65535)'",
        "2000, 1999, 'highest Call ID: 1999 (expected: >= lowest Call ID 2000)'",
    })
    void rejectsInvalidBounds(int lowest, int highest, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CallIdRange(lowest, highest));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "'1000-1999', 1000, 1999",
        "'0-65535', 0, 65535",
        "' 7 - 9 ', 7, 9",
        "'42', 42, 42",
        "'00010-00020', 10, 20",
    })
    void parses(String text, int lowest, int highest) {
        assertEquals(new CallIdRange(lowest, highest), CallIdRange.parse(text));
    }

    @Test
    void toStringIsWhatParseReads() {
        CallIdRange r = new CallIdRange(1000, 1999);
        assertEquals("1000-1999", r.toString());
        assertEquals(r, CallIdRange.parse(r.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1000-", "-1999", "a-b", "1000..1999", "1000-1999-2000", "+1-2", "1 000-2000", "123456-7"})
    void rejectsMalformedText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CallIdRange.parse(text));
        assertEquals("Call ID range: \"" + text + "\" (expected: lowest-highest, such as 1000-1999, within 0-65535)",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "'2000-1000', 'Call ID range \"2000-1000\": highest Call ID: 1000 (expected: >= lowest Call ID 2000)'",
        "'0-65536', 'Call ID range \"0-65536\": highest Call ID: 65536 (expected: 0..65535)'",
        "'99999', 'Call ID range \"99999\": lowest Call ID: 99999 (expected: 0..65535)'",
    })
    void rejectsOutOfRangeText(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CallIdRange.parse(text));
        assertEquals(message, e.getMessage());
    }
}
