package io.github.pptpalg.netty.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The few libc functions the raw GRE socket needs, bound with JNA's direct mapping: primitive
 * arguments only (pointers are passed as {@code long} addresses), so a call allocates nothing on
 * the Java heap. Errors are reported the kernel way through {@link NativeSyscalls}: a negative
 * return value, and {@code errno} from {@link Native#getLastError()}.
 *
 * <p>Constants are those of Linux on x86-64 and AArch64 (the generic ABI); this class is loaded
 * only after {@link RawGre} has checked that it runs on Linux.
 */
final class LibC {

    static final int AF_INET = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_GRE = 47;

    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int ENOBUFS = 105;

    static final int F_GETFD = 1;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, long value, int length);

    static native int getsockopt(int fd, int level, int name, long value, long length);

    static native int recvmmsg(int fd, long messages, int count, int flags, long timeout);

    static native int sendmmsg(int fd, long messages, int count, int flags);

    static native int close(int fd);

    static native int fcntl(int fd, int command, int argument);

    static native String strerror(int errno);
}
