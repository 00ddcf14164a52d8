package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The availability probe's verdicts and messages, with every failure simulated through its seam. */
class RawGreProbeTest {

    private final FakeSyscalls syscalls = new FakeSyscalls();

    @Test
    void availableWhenARawGreSocketOpensAndItIsClosedAgain() {
        assertNull(RawGre.probe("Linux", () -> null, () -> syscalls));

        assertEquals("socket(2, " + (LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC) + ", 47)",
                syscalls.calls.get(0));
        assertEquals(1, syscalls.closes);
    }

    @Test
    void notLinux() {
        Throwable cause = RawGre.probe("Mac OS X", () -> null, () -> syscalls);

        assertEquals("the raw GRE plane needs Linux (this is Mac OS X): run the gateway on Linux", cause.getMessage());
        assertTrue(syscalls.calls.isEmpty(), "libc is not touched");
    }

    @Test
    void noEpoll() {
        UnsatisfiedLinkError epoll = new UnsatisfiedLinkError("no netty_transport_native_epoll_x86_64");

        Throwable cause = RawGre.probe("Linux", () -> epoll, () -> syscalls);

        assertTrue(cause.getMessage().startsWith("Netty's native epoll transport is not available"), cause.getMessage());
        assertTrue(cause.getMessage().contains("netty-transport-native-epoll"), cause.getMessage());
        assertSame(epoll, cause.getCause());
    }

    @Test
    void noJna() {
        Throwable cause = RawGre.probe("Linux", () -> null, () -> {
            throw new NoClassDefFoundError("com/sun/jna/Native");
        });

        assertTrue(cause.getMessage().startsWith("JNA cannot bind libc"), cause.getMessage());
    }

    @Test
    void noCapNetRawSaysHowToGrantIt() {
        syscalls.socketResult = -LibC.EPERM;

        Throwable cause = RawGre.probe("Linux", () -> null, () -> syscalls);

        assertEquals("opening a raw IPv4 socket for GRE (protocol 47) was refused (errno 1): the process lacks "
                + "CAP_NET_RAW; run as root or `setcap cap_net_raw+ep $(readlink -f $(which java))`", cause.getMessage());
        assertEquals(0, syscalls.closes);
    }

    @Test
    void otherSocketErrors() {
        syscalls.socketResult = -24; // EMFILE

        Throwable cause = RawGre.probe("Linux", () -> null, () -> syscalls);

        assertTrue(cause.getMessage().startsWith("socket(AF_INET, SOCK_RAW, IPPROTO_GRE) failed (errno 24)"),
                cause.getMessage());
    }

    @Test
    void ensureAvailabilityAgreesWithTheProbe() {
        if (RawGre.isAvailable()) {
            assertNull(RawGre.unavailabilityCause());
            RawGre.ensureAvailability();
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, RawGre::ensureAvailability);
            assertTrue(e.getMessage().startsWith("raw GRE sockets are not available: "), e.getMessage());
            assertSame(RawGre.unavailabilityCause(), e.getCause());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "x86_64", "aarch64"})
    void supportedArchitecturesPass(String arch) {
        assertNull(RawGre.architecture(arch));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86", "arm", "ppc64le", "s390x", ""})
    void otherArchitecturesAreRefusedWithTheReason(String arch) {
        Throwable cause = RawGre.architecture(arch);
        assertEquals("the raw GRE plane's libc binding supports x86-64 and AArch64 "
                + "Linux only (this is " + arch + ")", cause.getMessage());
    }
}
