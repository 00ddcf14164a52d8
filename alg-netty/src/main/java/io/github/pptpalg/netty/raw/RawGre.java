package io.github.pptpalg.netty.raw;

import io.netty.channel.epoll.Epoll;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Whether this process can run the raw GRE plane: Linux, Netty's native epoll transport, JNA
 * bound to libc, and the right to open a raw IPv4 socket for protocol 47 ({@code CAP_NET_RAW}).
 * The probe runs once, when this class is first used, and opens and closes one raw socket.
 *
 * <pre>{@code
 * if (!RawGre.isAvailable()) {
 *     log.warn("no GRE relay", RawGre.unavailabilityCause());
 * }
 * RawGre.ensureAvailability(); // or fail with a message saying what to do
 * }</pre>
 */
public final class RawGre {

    static final String SETCAP_HINT = "run as root or `setcap cap_net_raw+ep $(readlink -f $(which java))`";

    /** The processors whose Linux ABI (LP64, generic socket constants) the libc binding's layouts assume. */
    static final java.util.Set<String> SUPPORTED_ARCHITECTURES = java.util.Set.of("amd64", "x86_64", "aarch64");

    private static final Throwable UNAVAILABILITY_CAUSE = architecture(System.getProperty("os.arch", "")) != null
            ? architecture(System.getProperty("os.arch", ""))
            : probe(System.getProperty("os.name", ""), RawGre::epollUnavailabilityCause, () -> NativeSyscalls.INSTANCE);

    private RawGre() {
    }

    /** {@code true} if raw GRE sockets can be opened and driven by Netty's epoll transport here. */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Does nothing if {@link #isAvailable()}, else throws.
     *
     * @throws IllegalStateException whose message says what is missing and what to do, with the
     *     {@link #unavailabilityCause()} as its cause
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new IllegalStateException("raw GRE sockets are not available: " + UNAVAILABILITY_CAUSE.getMessage(),
                    UNAVAILABILITY_CAUSE);
        }
    }

    /** Why raw GRE sockets are not available, or {@code null} if they are. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    private static Throwable epollUnavailabilityCause() {
        try {
            return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        } catch (Throwable t) {
            return t;
        }
    }

    /** Null if the binding's structure layouts fit {@code osArch}, else why not. */
    static Throwable architecture(String osArch) {
        if (SUPPORTED_ARCHITECTURES.contains(osArch.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return new UnsupportedOperationException("the raw GRE plane's libc binding supports "
                + "x86-64 and AArch64 Linux only (this is " + osArch + ")");
    }

    /**
     * The probe, with its environment passed in so that tests can simulate every failure.
     *
     * @param osName the {@code os.name} system property
     * @param epollUnavailabilityCause returns why Netty's epoll transport is unavailable, or null
     * @param syscalls returns the libc binding (may throw a linkage error)
     * @return null if available, else an exception whose message says what is wrong and what to do
     */
    static Throwable probe(String osName, Supplier<Throwable> epollUnavailabilityCause, Supplier<Syscalls> syscalls) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new UnsupportedOperationException("the raw GRE plane needs Linux (this is " + osName
                    + "): run the gateway on Linux");
        }
        Throwable epoll = epollUnavailabilityCause.get();
        if (epoll != null) {
            return new UnsupportedOperationException("Netty's native epoll transport is not available ("
                    + epoll + "): put netty-transport-native-epoll with the classifier of this platform "
                    + "(e.g. linux-x86_64) on the class path", epoll);
        }
        Syscalls libc;
        try {
            libc = syscalls.get();
        } catch (LinkageError e) {
            return new UnsupportedOperationException("JNA cannot bind libc (" + e
                    + "): put net.java.dev.jna:jna on the class path and allow it to load its native library", e);
        }
        int fd = libc.socket(LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, LibC.IPPROTO_GRE);
        if (fd < 0) {
            int errno = -fd;
            if (errno == LibC.EPERM || errno == LibC.EACCES) {
                return new UnsupportedOperationException("opening a raw IPv4 socket for GRE (protocol 47) was refused ("
                        + libc.describe(errno) + "): the process lacks CAP_NET_RAW; " + SETCAP_HINT);
            }
            return new UnsupportedOperationException("socket(AF_INET, SOCK_RAW, IPPROTO_GRE) failed ("
                    + libc.describe(errno) + "): check that the kernel has IPv4 raw sockets and that the process "
                    + "may open more file descriptors");
        }
        libc.close(fd);
        return null;
    }
}
