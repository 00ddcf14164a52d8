package io.github.pptpalg.netty.raw;

/**
 * The system calls of a raw GRE socket, in the kernel's own convention: a result {@code >= 0} on
 * success, {@code -errno} on failure. Pointers are native addresses. The production implementation
 * is {@link NativeSyscalls#INSTANCE}; tests substitute their own to count calls or inject errors.
 */
interface Syscalls {

    /** {@code socket(2)}: a new descriptor or {@code -errno}. */
    int socket(int domain, int type, int protocol);

    /** {@code setsockopt(2)}: 0 or {@code -errno}. */
    int setsockopt(int fd, int level, int name, long value, int length);

    /** {@code getsockopt(2)}: 0 or {@code -errno}; {@code length} points to a {@code socklen_t}. */
    int getsockopt(int fd, int level, int name, long value, long length);

    /** {@code recvmmsg(2)} without timeout: the number of messages received or {@code -errno}. */
    int recvmmsg(int fd, long messages, int count, int flags);

    /** {@code sendmmsg(2)}: the number of messages sent or {@code -errno}. */
    int sendmmsg(int fd, long messages, int count, int flags);

    /** {@code close(2)}: 0 or {@code -errno}. */
    int close(int fd);

    /** Whether {@code fd} is an open descriptor of this process ({@code fcntl(F_GETFD)}). */
    boolean isOpen(int fd);

    /** A readable name for an errno value, e.g. {@code "Operation not permitted (EPERM, 1)"}. */
    String describe(int errno);
}
