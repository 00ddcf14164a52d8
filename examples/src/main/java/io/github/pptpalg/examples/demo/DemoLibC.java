package io.github.pptpalg.examples.demo;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls the demo's raw GRE peers need, bound with JNA's direct mapping (alg-netty keeps its own binding
 * package-private). A call returns -1 on failure and {@link Native#getLastError()} gives {@code errno}.
 *
 * <p>Constants and {@code size_t}/{@code ssize_t} as {@code long} are those of 64-bit Linux (x86-64, AArch64);
 * the class is loaded only after the demo checked that raw GRE sockets work here.
 */
final class DemoLibC {

    static final int AF_INET = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_GRE = 47;

    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_RCVBUFFORCE = 33;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static {
        Native.register(DemoLibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private DemoLibC() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, Pointer address, int addressLength);

    static native int setsockopt(int fd, int level, int name, Pointer value, int length);

    static native long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength);

    static native long recv(int fd, Pointer buffer, long length, int flags);

    static native int close(int fd);

    static native String strerror(int errno);

    /** {@code "<strerror> (errno <n>)"} for the last failed call on this thread. */
    static String lastError() {
        int errno = Native.getLastError();
        return strerror(errno) + " (errno " + errno + ")";
    }
}
