package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@link RawGreSocketOptions#defaults()} overridden by system properties. */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class RawGreSocketOptionsPropertiesTest {

    private static final String BATCH = RawGreSocketOptions.PROPERTY_PREFIX + "batchSize";
    private static final String RECEIVE = RawGreSocketOptions.PROPERTY_PREFIX + "receiveBufferSize";

    @AfterEach
    void clear() {
        System.clearProperty(BATCH);
        System.clearProperty(RECEIVE);
    }

    @Test
    void withoutPropertiesTheDocumentedDefaults() {
        RawGreSocketOptions options = RawGreSocketOptions.defaults();
        assertEquals(new RawGreSocketOptions(8 << 20, 0, 64, 16 << 10, 16), options);
    }

    @Test
    void aPropertyOverridesItsComponentOnly() {
        System.setProperty(BATCH, " 256 ");
        System.setProperty(RECEIVE, "1048576");
        assertEquals(new RawGreSocketOptions(1 << 20, 0, 256, 16 << 10, 16), RawGreSocketOptions.defaults());
    }

    @Test
    void aPropertyThatIsNotANumberIsRejectedByName() {
        System.setProperty(BATCH, "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, RawGreSocketOptions::defaults);
        assertEquals("system property " + BATCH + ": lots (expected: an integer)", e.getMessage());
    }

    @Test
    void aPropertyOutOfRangeIsRejectedByTheRecord() {
        System.setProperty(BATCH, "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, RawGreSocketOptions::defaults);
        assertEquals("batchSize: 0 (expected: 1..1024)", e.getMessage());
    }
}
