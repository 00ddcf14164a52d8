package io.github.pptpalg.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.pptpalg.codec.gre.Ipv4Addresses;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of the kernel's drop counters, from files laid out as Linux 6.x writes them. */
class KernelDropsTest {

    @TempDir
    Path dir;

    @Test
    void sumsTheDroppedColumnOfEveryCpu() throws IOException {
        Path file = Files.writeString(dir.resolve("softnet_stat"),
                "0693d619 00001ced 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000"
                        + " 00000000 00000000\n"
                        + "081c336e 01936cff 0000031d 00000000 00000000 00000000 00000000 00000000 00000000 00000000"
                        + " 00000000 00000000 00000001\n");
        assertEquals(0x1ced + 0x01936cffL, KernelDrops.backlogDrops(file));
    }

    @Test
    void findsTheRawGreSocketsOfOneAddressByTheKernelsHostOrderHex() throws IOException {
        Path file = Files.writeString(dir.resolve("raw"),
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref"
                        + " pointer drops\n"
                        + "  59: 00000000:002F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0"
                        + " 766373 2 00000000e6a64276 5\n"
                        + "  59: 0300007F:002F 00000000:0000 07 00000000:00001400 00:00000000 00000000     0        0"
                        + " 765291 2 00000000f53adc88 17\n"
                        + "  59: 0200007F:002F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0"
                        + " 765290 2 0000000087917e64 0\n"
                        + "   1: 0300007F:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0"
                        + " 765299 2 0000000087917e65 99\n");
        int pac = Ipv4Addresses.parse("127.0.0.3");
        assertEquals(17, KernelDrops.rawSocketDrops(file, pac, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, KernelDrops.rawSocketDrops(file, Ipv4Addresses.parse("127.0.0.2"), ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, KernelDrops.rawSocketDrops(file, pac, ByteOrder.BIG_ENDIAN), "7F000003 is not listed");
    }

    @Test
    void unreadableFilesGiveMinusOne() {
        assertEquals(-1, KernelDrops.backlogDrops(dir.resolve("missing")));
        assertEquals(-1, KernelDrops.rawSocketDrops(dir.resolve("missing"), 1, ByteOrder.LITTLE_ENDIAN));
    }
}
