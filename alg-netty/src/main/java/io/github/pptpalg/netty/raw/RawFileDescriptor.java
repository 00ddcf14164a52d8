package io.github.pptpalg.netty.raw;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * The raw socket's descriptor as Netty's epoll transport sees it, closed exactly once and only
 * through our own {@link Syscalls}: the first {@link #close()} marks it closed (an atomic state
 * change in {@link FileDescriptor}) and calls {@code close(2)}; later calls do nothing, so the
 * number, which the kernel reuses at once, is never closed twice.
 */
final class RawFileDescriptor extends FileDescriptor {

    private final Syscalls syscalls;

    RawFileDescriptor(Syscalls syscalls, int fd) {
        super(fd);
        this.syscalls = syscalls;
    }

    @Override
    public void close() throws IOException {
        if (markClosed()) {
            int result = syscalls.close(intValue());
            if (result < 0) {
                throw new IOException("close(" + intValue() + ") of the raw GRE socket failed: "
                        + syscalls.describe(-result));
            }
        }
    }
}
