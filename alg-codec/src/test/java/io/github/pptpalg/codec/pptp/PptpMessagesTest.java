package io.github.pptpalg.codec.pptp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.pptpalg.codec.pptp.GoldenMessages.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/** Generic Call ID and Result Code access, checked against the golden frames' hand-written values. */
class PptpMessagesTest {

    static Stream<Arguments> expectedIds() {
        // type, Call ID, Peer's Call ID, Result Code: as written in GoldenMessages' bytes.
        return Stream.of(
                Arguments.of(GoldenMessages.sccrq(), -1, -1, -1),
                Arguments.of(GoldenMessages.sccrp(), -1, -1, 1),
                Arguments.of(GoldenMessages.stopCcrq(), -1, -1, -1),
                Arguments.of(GoldenMessages.stopCcrp(), -1, -1, 2),
                Arguments.of(GoldenMessages.echoRequest(), -1, -1, -1),
                Arguments.of(GoldenMessages.echoReply(), -1, -1, 1),
                Arguments.of(GoldenMessages.ocrq(), 0xA9C0, -1, -1),
                Arguments.of(GoldenMessages.ocrp(), 0x35C9, 0xA9C0, 1),
                Arguments.of(GoldenMessages.icrq(), 0x0101, -1, -1),
                Arguments.of(GoldenMessages.icrp(), 0x0303, 0x0101, 3),
                Arguments.of(GoldenMessages.iccn(), -1, 0x0303, -1),
                Arguments.of(GoldenMessages.ccrq(), 0xA9C0, -1, -1),
                Arguments.of(GoldenMessages.cdn(), 0x35C9, -1, 4),
                Arguments.of(GoldenMessages.wen(), -1, 0xA9C0, -1),
                Arguments.of(GoldenMessages.sli(), -1, 0x35C9, -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedIds")
    void readsCallIdsAndResultCode(Golden golden, int callId, int peerCallId, int resultCode) {
        PptpMessage msg = golden.message();
        assertEquals(callId, PptpMessages.callId(msg));
        assertEquals(peerCallId, PptpMessages.peerCallId(msg));
        assertEquals(resultCode, PptpMessages.resultCode(msg));
        assertEquals(callId != -1, msg.type().hasCallId());
        assertEquals(peerCallId != -1, msg.type().hasPeerCallId());
        assertEquals(resultCode != -1, msg.type().hasResultCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedIds")
    void replacesOnlyTheFieldsAsked(Golden golden, int callId, int peerCallId, int resultCode) {
        PptpMessage msg = golden.message();
        assertSame(msg, PptpMessages.withCallIds(msg, -1, -1));
        if (callId != -1) {
            PptpMessage changed = PptpMessages.withCallIds(msg, 0, -1);
            assertEquals(0, PptpMessages.callId(changed));
            assertEquals(peerCallId, PptpMessages.peerCallId(changed));
            assertEquals(msg, PptpMessages.withCallIds(changed, callId, -1));
            assertSame(msg, PptpMessages.withCallIds(msg, callId, -1));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PptpMessages.withCallIds(msg, 5, -1));
            assertEquals("callId: 5 (expected: -1, " + msg.type() + " has no Call ID)", e.getMessage());
        }
        if (peerCallId != -1) {
            PptpMessage changed = PptpMessages.withCallIds(msg, -1, 65535);
            assertEquals(65535, PptpMessages.peerCallId(changed));
            assertEquals(callId, PptpMessages.callId(changed));
            assertEquals(msg, PptpMessages.withCallIds(changed, -1, peerCallId));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PptpMessages.withCallIds(msg, -1, 6));
            assertEquals("peerCallId: 6 (expected: -1, " + msg.type() + " has no Peer's Call ID)", e.getMessage());
        }
        if (callId != -1 && peerCallId != -1) {
            PptpMessage both = PptpMessages.withCallIds(msg, 1, 2);
            assertEquals(1, PptpMessages.callId(both));
            assertEquals(2, PptpMessages.peerCallId(both));
            assertEquals(resultCode, PptpMessages.resultCode(both));
        }
    }

    @Test
    void rejectsIdsOutOfRange() {
        PptpMessage ocrp = GoldenMessages.ocrp().message();
        assertEquals("callId: 65536 (expected: -1..65535)", assertThrows(IllegalArgumentException.class,
                () -> PptpMessages.withCallIds(ocrp, 65536, -1)).getMessage());
        assertEquals("peerCallId: -2 (expected: -1..65535)", assertThrows(IllegalArgumentException.class,
                () -> PptpMessages.withCallIds(ocrp, -1, -2)).getMessage());
    }
}
