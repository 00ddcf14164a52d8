package io.github.pptpalg.netty.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * The PPP side of one PPTP peer, as seen by a test: PPP frames in and out, with the
 * async-HDLC framing done here ({@link HdlcFraming}). The bytes travel over a pathname unix
 * stream socket to the peer's PPP program (the fake pppd under pptpctrl, or pptp-linux's fd 0).
 *
 * <p>Frames are read by a daemon thread as soon as they arrive and queued; {@link #receive}
 * takes them in order. When the peer closes (the call ended, the process died),
 * {@link #isPeerClosed()} turns true and {@link #receive} fails at once once the queue is empty.
 */
public final class PppPipe implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private final String name;
    private final SocketChannel channel;
    private final long pid;
    private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final HdlcFraming.Deframer deframer = new HdlcFraming.Deframer();
    private final CompletableFuture<String> banner = new CompletableFuture<>();
    private final CountDownLatch peerClosed = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile long framesReceived;
    private final long backlogDropsAtStart = InteropFiles.backlogDrops();

    private PppPipe(String name, SocketChannel channel, long pid) {
        this.name = name;
        this.channel = channel;
        this.pid = pid;
    }

    /**
     * Wraps an accepted connection. With {@code banner}, the peer first sends one text line
     * (the fake pppd's "fake-pppd PID ARGUMENTS") before the HDLC byte stream.
     */
    static PppPipe start(String name, SocketChannel channel, long pid, boolean withBanner) {
        PppPipe pipe = new PppPipe(name, channel, pid);
        if (!withBanner) {
            pipe.banner.complete("");
        }
        Thread reader = new Thread(pipe::readLoop, "ppp-pipe-" + name);
        reader.setDaemon(true);
        reader.start();
        return pipe;
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        ByteArrayOutputStream line = banner.isDone() ? null : new ByteArrayOutputStream();
        try {
            while (channel.read(buffer.clear()) >= 0) {
                byte[] data = buffer.array();
                int start = 0;
                int end = buffer.position();
                if (line != null) {
                    while (start < end && data[start] != '\n') {
                        line.write(data[start++]);
                    }
                    if (start == end) {
                        continue;
                    }
                    start++; // the newline
                    banner.complete(line.toString(StandardCharsets.UTF_8));
                    line = null;
                }
                List<byte[]> completed;
                synchronized (deframer) {
                    completed = deframer.feed(data, start, end - start);
                }
                for (byte[] frame : completed) {
                    framesReceived++;
                    frames.add(frame);
                }
            }
        } catch (IOException e) {
            // closed by us, or the peer reset the connection: both end the pipe
        } finally {
            banner.complete("");
            frames.add(END);
            peerClosed.countDown();
            // the accepted end of a unix socket belongs to the connecting process's network
            // namespace and would keep it (and its veth) alive after the namespace is deleted
            close();
        }
    }

    /** Who this pipe talks to, for messages. */
    public String name() {
        return name;
    }

    /** Process id of the peer's PPP program (the fake pppd, or pptp), if known; -1 otherwise. */
    public long pid() {
        return pid;
    }

    /** Sends one PPP frame, HDLC-framed with the default ACCM. */
    public void send(byte[] frame) {
        sendRaw(HdlcFraming.encode(frame));
    }

    /** Sends raw bytes on the PPP side (already framed, or deliberately broken). */
    public synchronized void sendRaw(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send to " + name, e);
        }
    }

    /** The next PPP frame (FCS stripped), waiting up to {@code timeout}; {@code null} if none came. */
    public byte[] poll(Duration timeout) {
        try {
            byte[] frame = frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (frame == END) {
                frames.add(END);
                return null;
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The next PPP frame; fails the test (with counts that help diagnose) if none arrives within
     * {@code timeout} or the peer has closed.
     */
    public byte[] receive(Duration timeout) {
        byte[] frame = poll(timeout);
        if (frame == null) {
            long drops = InteropFiles.backlogDrops() - backlogDropsAtStart;
            throw new AssertionFailedError("no PPP frame from " + name + " within " + timeout
                    + (isPeerClosed() ? " (the peer closed)" : "") + "; received so far: " + framesReceived
                    + ", bad FCS " + badFcs() + (drops > 0 ? "; meanwhile the kernel dropped " + drops
                    + " packets host-wide at its input backlog (another process flooding? GRE does not retransmit)" : ""));
        }
        return frame;
    }

    /** Frames received and not yet taken. */
    public int pending() {
        int n = frames.size();
        return frames.contains(END) ? n - 1 : n;
    }

    public long framesReceived() {
        return framesReceived;
    }

    /** Frames dropped for a bad FCS, an abort sequence or as runts. */
    public long badFcs() {
        synchronized (deframer) {
            return deframer.badFcs() + deframer.aborts() + deframer.runts();
        }
    }

    /** The fake pppd's banner line ({@code "fake-pppd PID ARGUMENTS"}); "" for a client pipe. */
    public String banner(Duration timeout) {
        try {
            return banner.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("no banner from " + name + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The value following {@code option} in the pppd arguments pptpctrl gave the fake pppd (for
     * example {@code "ipparam"}: the client's address as the server saw it), or null.
     */
    public String pppdOption(String option) {
        String[] words = banner(Duration.ZERO.plusSeconds(5)).split(" ");
        for (int i = 2; i + 1 < words.length; i++) {
            if (words[i].equals(option)) {
                return words[i + 1];
            }
        }
        return null;
    }

    /** Whether the other end has closed the PPP side (the call or the process ended). */
    public boolean isPeerClosed() {
        return peerClosed.getCount() == 0;
    }

    /** Waits until the other end closes; true if it did within {@code timeout}. */
    public boolean awaitPeerClosed(Duration timeout) {
        try {
            return peerClosed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Closes our end: the peer's PPP program sees end of file (pptp-linux then hangs up). Done
     * by itself once the peer has closed; frames already received can still be taken.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return "PppPipe " + name;
    }

    static String hex(byte[] bytes) {
        return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
    }
}
