package io.github.pptpalg.netty.raw;

import com.sun.jna.Native;

/** {@link Syscalls} through libc, with {@code errno} read right after each failing call. */
final class NativeSyscalls implements Syscalls {

    static final NativeSyscalls INSTANCE = new NativeSyscalls();

    private NativeSyscalls() {
    }

    private static int result(int returned) {
        return returned >= 0 ? returned : -Native.getLastError();
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        return result(LibC.socket(domain, type, protocol));
    }

    @Override
    public int setsockopt(int fd, int level, int name, long value, int length) {
        return result(LibC.setsockopt(fd, level, name, value, length));
    }

    @Override
    public int getsockopt(int fd, int level, int name, long value, long length) {
        return result(LibC.getsockopt(fd, level, name, value, length));
    }

    @Override
    public int recvmmsg(int fd, long messages, int count, int flags) {
        return result(LibC.recvmmsg(fd, messages, count, flags, 0L));
    }

    @Override
    public int sendmmsg(int fd, long messages, int count, int flags) {
        return result(LibC.sendmmsg(fd, messages, count, flags));
    }

    @Override
    public int close(int fd) {
        return result(LibC.close(fd));
    }

    @Override
    public boolean isOpen(int fd) {
        return LibC.fcntl(fd, LibC.F_GETFD, 0) >= 0;
    }

    @Override
    public String describe(int errno) {
        return LibC.strerror(errno) + " (errno " + errno + ")";
    }
}
