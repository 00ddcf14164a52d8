package io.github.pptpalg.netty.raw;

import com.sun.jna.Pointer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@link Syscalls} without a kernel: recvmmsg fills the caller's slots (read from its mmsghdr and
 * iovec structures in native memory) from a queue of datagrams, sendmmsg records what it is asked
 * to send (bytes and destination) and follows a script of results, close is counted.
 */
final class FakeSyscalls implements Syscalls {

    static final int FD = 1000;

    /** A datagram that sendmmsg was given. */
    record Sent(int destination, byte[] bytes) {
    }

    final Deque<byte[]> incoming = new ArrayDeque<>();
    final List<Sent> sent = new ArrayList<>();
    /** Results for the next sendmmsg calls: n > 0 sends min(n, asked), 0 sends all, negative is -errno. */
    final Deque<Integer> sendScript = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    int socketResult = FD;
    int forceResult = 0;
    int attachFilterResult = 0;
    int closes;
    int recvCalls;
    int sendCalls;
    int receiveBuffer;
    byte[] attachedFilter;

    @Override
    public int socket(int domain, int type, int protocol) {
        calls.add("socket(" + domain + ", " + type + ", " + protocol + ")");
        return socketResult;
    }

    @Override
    public int setsockopt(int fd, int level, int name, long value, int length) {
        calls.add("setsockopt(" + name + ")");
        Pointer p = new Pointer(value);
        if (name == LibC.SO_ATTACH_FILTER) {
            if (attachFilterResult < 0) {
                return attachFilterResult;
            }
            int instructions = p.getShort(0) & 0xFFFF;
            attachedFilter = p.getPointer(8).getByteArray(0, instructions * GreCallIdFilter.INSTRUCTION_SIZE);
            return 0;
        }
        if (name == LibC.SO_RCVBUFFORCE || name == LibC.SO_SNDBUFFORCE) {
            if (forceResult < 0) {
                return forceResult;
            }
        }
        if (name == LibC.SO_RCVBUFFORCE || name == LibC.SO_RCVBUF) {
            receiveBuffer = 2 * p.getInt(0);
        }
        return 0;
    }

    @Override
    public int getsockopt(int fd, int level, int name, long value, long length) {
        calls.add("getsockopt(" + name + ")");
        new Pointer(value).setInt(0, name == LibC.SO_RCVBUF ? receiveBuffer : 0);
        return 0;
    }

    @Override
    public int recvmmsg(int fd, long messages, int count, int flags) {
        recvCalls++;
        if (incoming.isEmpty()) {
            return -LibC.EAGAIN;
        }
        int n = 0;
        while (n < count && !incoming.isEmpty()) {
            byte[] datagram = incoming.poll();
            Pointer header = new Pointer(messages + (long) n * RawGreSocket.MMSGHDR_SIZE);
            Pointer iovec = header.getPointer(RawGreSocket.MSG_IOV);
            Pointer base = iovec.getPointer(0);
            int capacity = (int) iovec.getLong(8);
            int copied = Math.min(capacity, datagram.length);
            base.write(0, datagram, 0, copied);
            header.setInt(RawGreSocket.MSG_LEN, copied);
            n++;
        }
        return n;
    }

    @Override
    public int sendmmsg(int fd, long messages, int count, int flags) {
        sendCalls++;
        int result = sendScript.isEmpty() ? 0 : sendScript.poll();
        if (result < 0) {
            return result;
        }
        int n = result == 0 ? count : Math.min(result, count);
        for (int i = 0; i < n; i++) {
            Pointer header = new Pointer(messages + (long) i * RawGreSocket.MMSGHDR_SIZE);
            Pointer address = header.getPointer(RawGreSocket.MSG_NAME);
            Pointer iovec = header.getPointer(RawGreSocket.MSG_IOV);
            byte[] destination = address.getByteArray(RawGreSocket.SIN_ADDR, 4);
            int dst = (destination[0] & 0xFF) << 24 | (destination[1] & 0xFF) << 16 | (destination[2] & 0xFF) << 8
                    | (destination[3] & 0xFF);
            sent.add(new Sent(dst, iovec.getPointer(0).getByteArray(0, (int) iovec.getLong(8))));
        }
        return n;
    }

    @Override
    public int close(int fd) {
        calls.add("close(" + fd + ")");
        closes++;
        return 0;
    }

    @Override
    public boolean isOpen(int fd) {
        return closes == 0;
    }

    @Override
    public String describe(int errno) {
        return "errno " + errno;
    }
}
