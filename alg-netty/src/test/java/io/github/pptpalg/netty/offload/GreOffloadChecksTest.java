package io.github.pptpalg.netty.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path's checks of the host and of each interface, against a fake /sys and /proc. */
class GreOffloadChecksTest {

    @ParameterizedTest
    @ValueSource(strings = {"6.7.0", "6.18.44-fc-v669", "7.0", "6.10.0-rc1"})
    void acceptsLinux67AndLater(String version) throws IOException {
        GreOffload.checkHost("Linux", "amd64", version);
        GreOffload.checkHost("Linux", "aarch64", version);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Linux | amd64 | 6.6.30 | the GRE fast path needs Linux 6.7 or later (tcx links and BPF_FIB_LOOKUP_SRC); this kernel is 6.6.30: run without it",
        "Linux | amd64 | 5.15.0-91-generic | the GRE fast path needs Linux 6.7 or later (tcx links and BPF_FIB_LOOKUP_SRC); this kernel is 5.15.0-91-generic: run without it",
        "Linux | amd64 | garbage | the GRE fast path needs Linux 6.7 or later (tcx links and BPF_FIB_LOOKUP_SRC); this kernel is garbage: run without it",
        "Linux | riscv64 | 6.8.0 | the GRE fast path supports x86-64 and AArch64 only (this is riscv64)",
        "Mac OS X | aarch64 | 14.0 | the GRE fast path needs Linux (this is Mac OS X)",
    })
    void refusesOtherHosts(String os, String arch, String version, String message) {
        IOException e = assertThrows(IOException.class, () -> GreOffload.checkHost(os, arch, version));
        assertEquals(message, e.getMessage());
    }

    @Test
    void interfaceMustExistBeEthernetAndForward(@TempDir Path root) throws IOException {
        Path sys = root.resolve("sys");
        Path conf = root.resolve("conf");
        fakeInterface(sys, conf, "eth0", 7, 1, 1);
        fakeInterface(sys, conf, "wg0", 8, 65534, 1);
        fakeInterface(sys, conf, "eth1", 9, 1, 0);
        assertEquals(7, GreOffload.checkInterface("eth0", sys, conf));
        assertEquals("GRE fast path: no network interface eth9 (in this network namespace)",
                assertThrows(IOException.class, () -> GreOffload.checkInterface("eth9", sys, conf)).getMessage());
        assertEquals("GRE fast path: interface wg0 has link type 65534 (expected: Ethernet, 1): run it on Ethernet "
                + "interfaces only",
                assertThrows(IOException.class, () -> GreOffload.checkInterface("wg0", sys, conf)).getMessage());
        assertEquals("GRE fast path: IPv4 forwarding is off on eth1 (the kernel's route lookup for BPF refuses to work "
                + "without it): sysctl -w net.ipv4.conf.eth1.forwarding=1",
                assertThrows(IOException.class, () -> GreOffload.checkInterface("eth1", sys, conf)).getMessage());
    }

    private static void fakeInterface(Path sys, Path conf, String name, int ifindex, int type, int forwarding)
            throws IOException {
        Files.createDirectories(sys.resolve(name));
        Files.writeString(sys.resolve(name).resolve("ifindex"), ifindex + "\n");
        Files.writeString(sys.resolve(name).resolve("type"), type + "\n");
        Files.createDirectories(conf.resolve(name));
        Files.writeString(conf.resolve(name).resolve("forwarding"), forwarding + "\n");
    }

    @Test
    void readsKernelIntegerFilesWhole() throws Exception {
        // /proc/sys files report size 0 and end a read that does not start at offset 0: a byte-wise reader
        // got "6" for a TTL of 64. Compare with cat, an independent reader.
        Path ttl = Path.of("/proc/sys/net/ipv4/ip_default_ttl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(ttl), "no " + ttl + " (not Linux)");
        Process cat = new ProcessBuilder("cat", ttl.toString()).redirectErrorStream(true).start();
        String expected = new String(cat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        assertEquals(0, cat.waitFor());
        assertEquals(Integer.parseInt(expected), GreOffload.readInt(ttl, -1));
        assertEquals(-7, GreOffload.readInt(ttl.resolveSibling("no_such_file_here"), -7));
    }

    @Test
    void aKernelFileThatIsNoNumberIsNamed(@TempDir Path root) throws IOException {
        Path file = Files.writeString(root.resolve("forwarding"), "yes\n");
        assertEquals(file + ": not a number",
                assertThrows(IOException.class, () -> GreOffload.readInt(file, -1)).getMessage());
    }

    @Test
    void programResolvesEveryJumpAndRefusesAnImpossibleTtl() {
        byte[] program = GreOffloadProgram.build(3, 4, 5, 64);
        assertEquals(0, program.length % 8);
        // the last two instructions: r0 = -1 (TCX_NEXT); exit
        int last = program.length - 8;
        assertEquals((byte) 0x95, program[last]);
        assertEquals((byte) 0xb7, program[last - 8]);
        assertEquals(-1, java.nio.ByteBuffer.wrap(program, last - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals("ttl: 0 (expected: 1..255)",
                assertThrows(IllegalArgumentException.class, () -> GreOffloadProgram.build(3, 4, 5, 0)).getMessage());
    }

    @Test
    void assemblerRefusesUnboundAndTwiceBoundLabels() {
        BpfAssembler a = new BpfAssembler().jump("nowhere").exit();
        assertEquals("label nowhere never bound", assertThrows(IllegalStateException.class, a::assemble).getMessage());
        BpfAssembler b = new BpfAssembler().label("x").exit();
        assertEquals("label x bound twice", assertThrows(IllegalStateException.class, () -> b.label("x")).getMessage());
    }

    @Test
    void assemblerEncodesJumpsRelativeToTheNextInstruction() {
        byte[] code = new BpfAssembler().jump("end").mov(BpfAssembler.R0, 1).label("end").exit().assemble();
        assertEquals(0x05, code[0]); // ja
        assertEquals(1, code[2]); // skips one instruction
        assertEquals((byte) 0xb7, code[8]); // r0 = 1
        assertEquals(0x01, code[8 + 4]);
    }
}
