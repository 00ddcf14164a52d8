package io.github.pptpalg.core.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GreBindingTest {

    private static final int ADDR_A = 0xC612_0001; // 198.18.0.1
    private static final int ADDR_B = 0xC613_0002; // 198.19.0.2

    @Test
    void carriesItsFields() {
        Object owner = new Object();
        GreBinding b = new GreBinding(ADDR_A, 0, ADDR_B, 65535, owner);
        assertEquals(ADDR_A, b.inboundAddress());
        assertEquals(0, b.inboundCallId());
        assertEquals(ADDR_B, b.outboundAddress());
        assertEquals(65535, b.outboundCallId());
        assertSame(owner, b.owner());
        assertNull(new GreBinding(ADDR_A, 1, ADDR_B, 2, null).owner());
        assertEquals("GreBinding(198.18.0.1/0 -> 198.19.0.2/65535)", b.toString());
    }

    @Test
    void keyKeepsAddressAndCallIdApart() {
        // High-bit addresses must not sign-extend into other keys; 0.0.0.0/0 must not be the empty slot.
        assertEquals(1L << 48 | 0xFFFF_FFFFL << 16 | 0xFFFF, GreBinding.key(-1, 0xFFFF));
        assertEquals(1L << 48, GreBinding.key(0, 0));
        assertEquals(GreBinding.key(ADDR_A, 7), new GreBinding(ADDR_A, 7, ADDR_B, 9, null).key);
    }

    @ParameterizedTest
    @CsvSource({
        "-1, 0, 'inboundCallId: -1 (expected: 0..65535)'",
        "65536, 0, 'inboundCallId: 65536 (expected: 0..65535)'",
        "0, -1, 'outboundCallId: -1 (expected: 0..65535)'",
        "0, 70000, 'outboundCallId: 70000 (expected: 0..65535)'",
    })
    void rejectsCallIdsOutsideSixteenBits(int inboundCallId, int outboundCallId, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GreBinding(ADDR_A, inboundCallId, ADDR_B, outboundCallId, null));
        assertEquals(message, e.getMessage());
    }

    @Test
    void countsFromElsewhereAddToTheThreadsOwnCounts() throws InterruptedException {
        GreBinding b = new GreBinding(ADDR_A, 1, ADDR_B, 2, null);
        b.countPacket(100);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    b.addRelayedElsewhere(2, 50);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1 + 4 * 10_000 * 2, b.packets()); // atomic: no increment lost between the four threads
        assertEquals(100 + 4 * 10_000 * 50, b.bytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.addRelayedElsewhere(1, -1));
        assertEquals("packets, bytes: 1, -1 (expected: >= 0)", e.getMessage());
    }

    @Test
    void countsPacketsAndBytes() {
        GreBinding b = new GreBinding(ADDR_A, 1, ADDR_B, 2, null);
        assertEquals(0, b.packets());
        assertEquals(0, b.bytes());
        b.countPacket(1500);
        b.countPacket(40);
        b.countPacket(0);
        assertEquals(3, b.packets());
        assertEquals(1540, b.bytes());
    }

    @Test
    void readerThreadSeesSingleWriterCountsMonotonicallyAndFinally() throws InterruptedException {
        GreBinding b = new GreBinding(ADDR_A, 1, ADDR_B, 2, null);
        int packets = 2_000_000;
        AtomicBoolean failed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < packets; i++) {
                b.countPacket(3);
            }
        });
        writer.start();
        long lastPackets = 0;
        while (writer.isAlive()) {
            long p = b.packets();
            if (p < lastPackets || p > packets) {
                failed.set(true);
            }
            lastPackets = p;
        }
        writer.join();
        assertEquals(false, failed.get(), "packet count went backwards or beyond what was counted");
        assertEquals(packets, b.packets());
        assertEquals(3L * packets, b.bytes());
    }
}
