package io.github.pptpalg.core.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallIdTranslationMapTest {

    private static final int PEER = 0xC612_0001; // 198.18.0.1
    private static final int OTHER = 0xC613_0002; // 198.19.0.2

    private static GreBinding binding(int address, int callId) {
        return new GreBinding(address, callId, OTHER, 4242, null);
    }

    @Test
    void mirrorSeesExistingBindingsThenEveryChangeInOrder() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding before = binding(PEER, 1);
        assertTrue(map.putIfAbsent(before));
        List<String> seen = new ArrayList<>();
        map.mirror(new CallIdTranslationMap.Mirror() {
            @Override
            public void added(GreBinding b) {
                seen.add("+" + b.inboundCallId());
            }

            @Override
            public void removed(GreBinding b) {
                seen.add("-" + b.inboundCallId());
            }
        });
        GreBinding second = binding(PEER, 2);
        assertTrue(map.putIfAbsent(second));
        assertFalse(map.putIfAbsent(binding(PEER, 2)), "a taken key"); // no change, nothing told
        assertFalse(map.remove(binding(PEER, 1)), "another binding with the same key"); // nothing told
        assertTrue(map.remove(before));
        for (int i = 100; i < 200; i++) { // grows and then shrinks the table: rebuilds tell nothing
            assertTrue(map.putIfAbsent(binding(OTHER, i)));
        }
        for (int i = 100; i < 200; i++) {
            assertTrue(map.remove(map.lookup(OTHER, i)));
        }
        assertEquals(List.of("+1", "+2", "-1"), seen.subList(0, 3));
        assertEquals(3 + 200, seen.size());
        assertEquals("+100", seen.get(3));
        assertEquals("-199", seen.get(seen.size() - 1));
        map.mirror(null);
        assertTrue(map.remove(second));
        assertEquals(203, seen.size(), "no mirror any more");
    }

    @Test
    void emptyMapFindsNothing() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        assertEquals(0, map.size());
        assertNull(map.lookup(PEER, 1));
        assertNull(map.lookup(0, 0));
    }

    @Test
    void putLookupRemove() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding b = binding(PEER, 1000);
        assertTrue(map.putIfAbsent(b));
        assertEquals(1, map.size());
        assertSame(b, map.lookup(PEER, 1000));
        assertNull(map.lookup(PEER, 1001));
        assertNull(map.lookup(PEER + 1, 1000));
        assertTrue(map.remove(b));
        assertEquals(0, map.size());
        assertNull(map.lookup(PEER, 1000));
        assertFalse(map.remove(b), "second remove");
        GreBinding again = binding(PEER, 1000);
        assertTrue(map.putIfAbsent(again), "key is free again after remove");
        assertSame(again, map.lookup(PEER, 1000));
    }

    @Test
    void putIfAbsentKeepsTheFirstBindingOfAKey() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding first = binding(PEER, 7);
        GreBinding second = binding(PEER, 7);
        assertTrue(map.putIfAbsent(first));
        assertFalse(map.putIfAbsent(second));
        assertFalse(map.putIfAbsent(first));
        assertEquals(1, map.size());
        assertSame(first, map.lookup(PEER, 7));
    }

    @Test
    void removeTakesOnlyThatExactBinding() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding stored = binding(PEER, 7);
        GreBinding sameKey = binding(PEER, 7);
        map.putIfAbsent(stored);
        assertFalse(map.remove(sameKey));
        assertSame(stored, map.lookup(PEER, 7));
        assertEquals(1, map.size());
        assertFalse(map.remove(binding(OTHER, 7)), "absent key");
    }

    @Test
    void extremeAddressesAndCallIdsAreDistinctKeys() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding zero = binding(0, 0);
        GreBinding top = binding(-1, 65535);
        GreBinding highBit = binding(0x8000_0000, 0);
        GreBinding belowHighBit = binding(0x7FFF_FFFF, 65535);
        for (GreBinding b : List.of(zero, top, highBit, belowHighBit)) {
            assertTrue(map.putIfAbsent(b), b.toString());
        }
        assertSame(zero, map.lookup(0, 0));
        assertSame(top, map.lookup(-1, 65535));
        assertSame(highBit, map.lookup(0x8000_0000, 0));
        assertSame(belowHighBit, map.lookup(0x7FFF_FFFF, 65535));
        assertNull(map.lookup(0, 65535));
        assertNull(map.lookup(-1, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 0x1_0000 | 5, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void callIdOutsideSixteenBitsFindsNothingEvenIfItAliasesAKey(int callId) {
        CallIdTranslationMap map = new CallIdTranslationMap();
        // A Call ID with bits above 16 would, shifted in carelessly, land on the next address's keys.
        for (int address : new int[] {PEER, PEER + 1, PEER - 1, -1, 0}) {
            map.putIfAbsent(binding(address, 0));
            map.putIfAbsent(binding(address, 5));
            map.putIfAbsent(binding(address, 65535));
        }
        assertNull(map.lookup(PEER, callId));
    }

    @Test
    void rejectsNull() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        assertEquals("binding", assertThrows(NullPointerException.class, () -> map.putIfAbsent(null)).getMessage());
        assertEquals("binding", assertThrows(NullPointerException.class, () -> map.remove(null)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void rejectsImpossibleExpectedSize(int expectedSize) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CallIdTranslationMap(expectedSize));
        assertEquals("expectedSize: " + expectedSize + " (expected: 0..536870911)", e.getMessage());
    }

    @Test
    void expectedSizeAvoidsRebuilds() {
        CallIdTranslationMap map = new CallIdTranslationMap(10_000);
        for (int i = 0; i < 10_000; i++) {
            map.putIfAbsent(binding(PEER + i / 65536, i & 0xFFFF));
        }
        assertEquals(0, map.rebuilds);
        assertEquals(10_000, map.size());
    }

    @Test
    void growsToManyBindingsAndShrinksBack() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        int initialCapacity = map.capacity();
        int n = 200_000; // spans several addresses, all 65536 Call IDs of each
        List<GreBinding> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GreBinding b = new GreBinding(PEER + (i >>> 16), i & 0xFFFF, OTHER, i & 0xFFFF, i);
            all.add(b);
            assertTrue(map.putIfAbsent(b));
        }
        assertEquals(n, map.size());
        assertTrue(map.capacity() >= 2 * n, "capacity " + map.capacity());
        for (GreBinding b : all) {
            assertSame(b, map.lookup(b.inboundAddress(), b.inboundCallId()));
        }
        assertNull(map.lookup(PEER + (n >>> 16), n & 0xFFFF));
        for (GreBinding b : all) {
            assertTrue(map.remove(b));
        }
        assertEquals(0, map.size());
        assertEquals(initialCapacity, map.capacity(), "capacity after removing everything");
        GreBinding b = binding(PEER, 1);
        assertTrue(map.putIfAbsent(b));
        assertSame(b, map.lookup(PEER, 1));
    }

    @Test
    void churnOfFewKeysDoesNotGrowTheTable() {
        CallIdTranslationMap map = new CallIdTranslationMap();
        GreBinding[] current = new GreBinding[4];
        for (int round = 0; round < 100_000; round++) {
            int slot = round & 3;
            if (current[slot] != null) {
                assertTrue(map.remove(current[slot]));
            }
            current[slot] = binding(PEER, round & 0xFFFF);
            assertTrue(map.putIfAbsent(current[slot]));
        }
        assertEquals(4, map.size());
        assertEquals(16, map.capacity());
        assertTrue(map.rebuilds > 1000, "tombstones were dropped by rebuilds: " + map.rebuilds);
        for (GreBinding b : current) {
            assertSame(b, map.lookup(PEER, b.inboundCallId()));
        }
    }

    /** Random operations over a small key space (many collisions, tombstones, rebuilds) against a HashMap. */
    @Test
    void behavesLikeAMapUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(20_260_001);
        CallIdTranslationMap map = new CallIdTranslationMap();
        Map<Long, GreBinding> model = new HashMap<>();
        int[] addresses = {0, 1, PEER, -1};
        for (int step = 0; step < 200_000; step++) {
            int address = addresses[random.nextInt(addresses.length)];
            int callId = random.nextInt(random.nextBoolean() ? 16 : 600);
            long key = GreBinding.key(address, callId);
            GreBinding expected = model.get(key);
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    GreBinding b = binding(address, callId);
                    assertEquals(expected == null, map.putIfAbsent(b), "put at step " + step);
                    model.putIfAbsent(key, b);
                }
                case 2 -> {
                    if (expected != null) {
                        assertTrue(map.remove(expected), "remove at step " + step);
                        model.remove(key);
                    } else {
                        assertFalse(map.remove(binding(address, callId)));
                    }
                }
                default -> assertSame(expected, map.lookup(address, callId), "lookup at step " + step);
            }
            assertEquals(model.size(), map.size());
        }
        for (GreBinding b : model.values()) {
            assertSame(b, map.lookup(b.inboundAddress(), b.inboundCallId()));
        }
        assertTrue(map.rebuilds >= 5, "rebuilds: " + map.rebuilds);
    }
}
