package io.github.pptpalg.netty.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket's batching, back-pressure, error and close logic against {@link FakeSyscalls}: real
 * native memory for slots and message vectors, no kernel. (Linux only, for Netty's epoll classes.)
 */
class RawGreSocketTest {

    private static final int DESTINATION = 0xC6120002;

    private final FakeSyscalls syscalls = new FakeSyscalls();
    private final List<Integer> bytesRead = new ArrayList<>();
    private final List<int[]> failures = new ArrayList<>();
    private RawGreSocket socket;

    /** Forwards everything after a 20-byte "IPv4 header" to DESTINATION, as the relay would. */
    private final GreDatagramHandler forwarder = new GreDatagramHandler() {
        @Override
        public void datagramReceived(ByteBuf buffer, int offset, int length, GreSendQueue sendQueue) {
            bytesRead.add(length);
            sendQueue.add(offset + 20, length - 20, DESTINATION);
        }

        @Override
        public void sendFailed(int destinationAddress, int errno) {
            failures.add(new int[] {destinationAddress, errno});
        }
    };

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport is needed (Linux)");
    }

    @AfterEach
    void closeSocket() {
        if (socket != null) {
            socket.close();
        }
    }

    private RawGreSocket open(RawGreSocketOptions options) throws IOException {
        socket = RawGreSocket.open(syscalls, GreCallIdFilter.forRange(100, 199), options, forwarder);
        return socket;
    }

    private static byte[] datagram(int id, int length) {
        byte[] bytes = new byte[length];
        bytes[0] = 0x45;
        for (int i = 20; i < length; i++) {
            bytes[i] = (byte) (id + i);
        }
        return bytes;
    }

    private static EpollIoEvent event(EpollIoOps ops) {
        return () -> ops;
    }

    @Test
    void opensNonBlockingCloseOnExecSizesTheBufferAndAttachesTheFilter() throws IOException {
        open(RawGreSocketOptions.defaults());

        assertEquals("socket(2, " + (LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC) + ", 47)",
                syscalls.calls.get(0));
        assertEquals("setsockopt(" + LibC.SO_RCVBUFFORCE + ")", syscalls.calls.get(1));
        assertEquals(2 * RawGreSocketOptions.DEFAULT_RECEIVE_BUFFER_SIZE, socket.receiveBufferSize());
        assertArrayEquals(GreCallIdFilter.forRange(100, 199).toNativeBytes(), syscalls.attachedFilter);
        assertTrue(syscalls.recvCalls >= 1, "what was queued before the filter is drained");
        assertEquals(0, syscalls.closes);
    }

    @Test
    void fallsBackToTheCappedBufferOptionWithoutCapNetAdmin() throws IOException {
        syscalls.forceResult = -LibC.EPERM;
        open(RawGreSocketOptions.defaults().withReceiveBufferSize(1 << 20));

        assertTrue(syscalls.calls.contains("setsockopt(" + LibC.SO_RCVBUF + ")"), syscalls.calls.toString());
        assertEquals(2 << 20, socket.receiveBufferSize());
    }

    @Test
    void discardsWhatWasQueuedBeforeTheFilter() throws IOException {
        syscalls.incoming.add(datagram(1, 60));
        open(RawGreSocketOptions.defaults());

        assertTrue(syscalls.incoming.isEmpty());
        assertTrue(bytesRead.isEmpty(), "not handed to the handler");
    }

    @Test
    void socketRefusedNamesTheCapabilityAndHowToGrantIt() {
        syscalls.socketResult = -LibC.EPERM;

        IOException e = assertThrows(IOException.class, () -> open(RawGreSocketOptions.defaults()));
        assertTrue(e.getMessage().contains("CAP_NET_RAW"), e.getMessage());
        assertTrue(e.getMessage().contains("setcap cap_net_raw+ep"), e.getMessage());
        assertEquals(0, syscalls.closes, "no descriptor to close");
    }

    @Test
    void failedFilterClosesTheDescriptorOnce() {
        syscalls.attachFilterResult = -LibC.EINVAL;

        IOException e = assertThrows(IOException.class, () -> open(RawGreSocketOptions.defaults()));
        assertTrue(e.getMessage().contains("SO_ATTACH_FILTER"), e.getMessage());
        assertEquals(1, syscalls.closes);
    }

    @Test
    void receivesABatchAndSendsTheGrePartsWithOneSendmmsg() throws IOException {
        open(RawGreSocketOptions.defaults());
        int recvBefore = syscalls.recvCalls;
        for (int i = 0; i < 3; i++) {
            syscalls.incoming.add(datagram(i, 40 + i));
        }

        socket.handle(null, event(EpollIoOps.EPOLLIN));

        assertEquals(List.of(40, 41, 42), bytesRead);
        assertEquals(1, syscalls.sendCalls);
        assertEquals(3, syscalls.sent.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(DESTINATION, syscalls.sent.get(i).destination());
            byte[] whole = datagram(i, 40 + i);
            assertArrayEquals(Arrays.copyOfRange(whole, 20, whole.length), syscalls.sent.get(i).bytes());
        }
        assertEquals(1, syscalls.recvCalls - recvBefore, "a short batch means the queue is drained");
        assertEquals(3, socket.receivedDatagrams());
        assertEquals(3, socket.sentDatagrams());
    }

    @Test
    void fullBatchesAreFollowedByAnotherReceiveUntilEagain() throws IOException {
        open(RawGreSocketOptions.defaults().withBatchSize(2));
        int recvBefore = syscalls.recvCalls;
        for (int i = 0; i < 4; i++) {
            syscalls.incoming.add(datagram(i, 30));
        }

        socket.readable();

        assertEquals(4, bytesRead.size());
        assertEquals(2, syscalls.sendCalls);
        assertEquals(3, syscalls.recvCalls - recvBefore, "2 + 2 + EAGAIN");
    }

    @Test
    void stopsAfterTheBudgetOfBatchesPerWakeup() throws IOException {
        open(RawGreSocketOptions.defaults().withBatchSize(1).withMaxBatchesPerWakeup(2));
        for (int i = 0; i < 5; i++) {
            syscalls.incoming.add(datagram(i, 30));
        }

        socket.readable();
        assertEquals(2, bytesRead.size());
        assertEquals(3, syscalls.incoming.size(), "left for the next wakeup");

        socket.readable();
        assertEquals(4, bytesRead.size());
    }

    @Test
    void longDatagramsAreCutToTheSlotAndSaySo() throws IOException {
        open(RawGreSocketOptions.defaults().withSlotSize(100));
        syscalls.incoming.add(datagram(1, 150));

        socket.readable();

        assertEquals(List.of(100), bytesRead);
    }

    @Test
    void eagainOnSendKeepsTheRestAndWaitsForWritableWithoutReading() throws IOException {
        open(RawGreSocketOptions.defaults());
        for (int i = 0; i < 3; i++) {
            syscalls.incoming.add(datagram(i, 30 + i));
        }
        syscalls.sendScript.add(1);
        syscalls.sendScript.add(-LibC.EAGAIN);

        socket.handle(null, event(EpollIoOps.EPOLLIN));
        assertTrue(socket.isWaitingForWritable());
        assertEquals(1, syscalls.sent.size());
        assertEquals(1, socket.sendStalls());

        syscalls.incoming.add(datagram(9, 50));
        int recvBefore = syscalls.recvCalls;
        socket.handle(null, event(EpollIoOps.EPOLLIN));
        assertEquals(recvBefore, syscalls.recvCalls, "no receive into slots that still wait to be sent");

        socket.handle(null, event(EpollIoOps.EPOLLOUT));
        assertFalse(socket.isWaitingForWritable());
        assertEquals(4, syscalls.sent.size(), "the two kept datagrams, then the next batch");
        assertEquals(31, syscalls.sent.get(1).bytes().length + 20);
        assertEquals(32, syscalls.sent.get(2).bytes().length + 20);
        assertEquals(50, syscalls.sent.get(3).bytes().length + 20);
        assertEquals(0, socket.sendFailures());
    }

    @Test
    void aSendErrorDropsOnlyTheDatagramItConcerns() throws IOException {
        open(RawGreSocketOptions.defaults());
        for (int i = 0; i < 3; i++) {
            syscalls.incoming.add(datagram(i, 30 + i));
        }
        int ehostunreach = 113;
        syscalls.sendScript.add(-ehostunreach);

        socket.readable();

        assertEquals(2, syscalls.sent.size());
        assertEquals(31, syscalls.sent.get(0).bytes().length + 20);
        assertEquals(1, failures.size());
        assertEquals(DESTINATION, failures.get(0)[0]);
        assertEquals(ehostunreach, failures.get(0)[1]);
        assertEquals(1, socket.sendFailures());
        assertFalse(socket.isWaitingForWritable());
    }

    @Test
    void aThrowingHandlerDoesNotStopTheLoop() throws IOException {
        socket = RawGreSocket.open(syscalls, GreCallIdFilter.forRange(0, 65535), RawGreSocketOptions.defaults(),
                (buffer, offset, length, sendQueue) -> {
                    if (length == 31) {
                        throw new IllegalStateException("bug");
                    }
                    bytesRead.add(length);
                });
        syscalls.incoming.add(datagram(0, 30));
        syscalls.incoming.add(datagram(1, 31));
        syscalls.incoming.add(datagram(2, 32));

        socket.readable();

        assertEquals(List.of(30, 32), bytesRead);
        assertEquals(1, socket.handlerErrors());
    }

    @Test
    void sendsMustStayInsideTheDatagramBeingHandled() throws IOException {
        List<RuntimeException> errors = new ArrayList<>();
        socket = RawGreSocket.open(syscalls, GreCallIdFilter.forRange(0, 65535),
                RawGreSocketOptions.defaults().withSlotSize(100), (buffer, offset, length, sendQueue) -> {
                    try {
                        sendQueue.add(offset + 90, 20, DESTINATION);
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                });
        syscalls.incoming.add(datagram(0, 30));

        socket.readable();

        assertEquals(1, errors.size());
        assertTrue(errors.get(0) instanceof IndexOutOfBoundsException, errors.toString());
        assertTrue(syscalls.sent.isEmpty());
        assertThrows(IllegalStateException.class, () -> socket.add(0, 10, DESTINATION),
                "outside datagramReceived");
    }

    @Test
    void closesTheDescriptorExactlyOnce() throws IOException {
        open(RawGreSocketOptions.defaults());

        socket.close();
        socket.close();
        socket.closeAsync();

        assertEquals(1, syscalls.closes);
        assertTrue(socket.isClosed());
        assertFalse(socket.fd().isOpen());
    }
}
