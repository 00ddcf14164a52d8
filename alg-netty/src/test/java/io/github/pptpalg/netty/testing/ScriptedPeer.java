package io.github.pptpalg.netty.testing;

import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One end of a PPTP control connection, driven step by step by a test: send a message, expect a message of
 * some type within a timeout, expect silence, expect the end of the connection. Either a client
 * ({@link #connect(InetSocketAddress)}, usually the PNS) or a connection accepted by a {@link ScriptedServer}
 * (usually the PAC).
 *
 * <p>Built on a blocking {@link Socket} and the codec's static {@link PptpControlCodec#encode}/{@link
 * PptpControlCodec#decode}: no event loop, nothing to release. Every wait is bounded: by the timeout given, else by
 * {@link #timeout()} ({@link #DEFAULT_TIMEOUT} unless changed). Expectations that fail throw
 * {@link AssertionError} naming what arrived instead, so the class works with any test framework.
 *
 * <pre>{@code
 * try (ScriptedServer pac = ScriptedServer.open();
 *      ScriptedPeer pns = ScriptedPeer.connect(gatewayAddress)) {
 *     pns.send(ControlMessages.sccrq());
 *     ScriptedPeer server = pac.accept();
 *     server.expect(StartControlConnectionRequest.class);
 *     server.send(ControlMessages.sccrp());
 *     pns.expect(StartControlConnectionReply.class);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives a peer (a second thread may {@link #send} while the first receives).
 */
public final class ScriptedPeer implements AutoCloseable {

    /** The bound of every wait that is not given its own. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final int MAX_FRAME = 0xFFFF;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String name;
    private Duration timeout = DEFAULT_TIMEOUT;
    /** Received bytes not yet returned as a frame: {@code inbox[inboxStart, inboxStart + inboxLength)}. */
    private byte[] inbox = new byte[4096];
    private int inboxStart;
    private int inboxLength;
    private boolean eof;
    private byte[] lastFrame;

    ScriptedPeer(Socket socket, String name) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.name = name;
    }

    /** Connects from any local address to {@code remote}. */
    public static ScriptedPeer connect(InetSocketAddress remote) {
        return connect(remote, new Options());
    }

    /**
     * Connects to {@code remote} from the local address given in {@code options} (e.g. {@code 127.0.0.2}: Linux
     * routes all of 127/8 to the loopback interface, so tests can have several client addresses).
     *
     * @throws UncheckedIOException if the connection cannot be made within the options' timeout
     */
    public static ScriptedPeer connect(InetSocketAddress remote, Options options) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(options, "options");
        Socket socket = new Socket();
        try {
            options.applyTo(socket);
            if (options.localAddress != null) {
                socket.bind(new InetSocketAddress(options.localAddress, 0));
            }
            socket.connect(remote, millis(options.timeout));
            ScriptedPeer peer = new ScriptedPeer(socket, "client " + format(socket.getLocalSocketAddress())
                    + " -> " + format(remote));
            peer.timeout(options.timeout);
            return peer;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + format(remote) + " from "
                    + (options.localAddress == null ? "any address" : options.localAddress.getHostAddress()), e);
        }
    }

    /** The bound of waits without their own timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** Sets the bound of waits without their own timeout. */
    public ScriptedPeer timeout(Duration timeout) {
        this.timeout = positive(timeout, "timeout");
        return this;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** The socket, for options the class does not cover. */
    public Socket socket() {
        return socket;
    }

    // ------------------------------------------------------------------------------------------------ sending

    /**
     * Encodes and writes {@code msg} (blocks while the socket's send buffer is full).
     *
     * @return the bytes written
     */
    public byte[] send(PptpMessage msg) {
        byte[] bytes = encode(msg);
        sendRaw(bytes);
        return bytes;
    }

    /** Writes {@code bytes} as they are: several messages, part of one, or garbage. */
    public void sendRaw(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot send " + bytes.length + " bytes", e);
        }
    }

    /** The encoding of {@code msg}. */
    public static byte[] encode(PptpMessage msg) {
        Objects.requireNonNull(msg, "msg");
        ByteBuf buf = Unpooled.buffer(msg.length());
        try {
            PptpControlCodec.encode(msg, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------------------------------------- receiving

    /** The next message, within {@link #timeout()}. */
    public PptpMessage receive() {
        return receive(timeout);
    }

    /**
     * The next message, within {@code within}.
     *
     * @throws AssertionError if none arrives in time, the connection ends first, or the bytes are not a
     *         valid control message
     */
    public PptpMessage receive(Duration within) {
        byte[] frame = receiveFrame(within);
        if (frame == null) {
            throw new AssertionError(name + ": expected a message, got the end of the connection");
        }
        return decode(frame);
    }

    /** The next message, which must be a {@code type}, within {@link #timeout()}. */
    public <T extends PptpMessage> T expect(Class<T> type) {
        return expect(type, timeout);
    }

    /**
     * The next message, which must be a {@code type}, within {@code within}.
     *
     * @throws AssertionError naming what arrived instead (another message, nothing, the end of the connection)
     */
    public <T extends PptpMessage> T expect(Class<T> type, Duration within) {
        Objects.requireNonNull(type, "type");
        PptpMessage msg = receive(within);
        if (!type.isInstance(msg)) {
            throw new AssertionError(name + ": expected " + type.getSimpleName() + ", got " + msg);
        }
        return type.cast(msg);
    }

    /** The bytes of the message last returned by {@link #receive} or {@link #expect}, as they arrived. */
    public byte[] lastFrame() {
        if (lastFrame == null) {
            throw new IllegalStateException(name + ": nothing received yet");
        }
        return lastFrame.clone();
    }

    /**
     * Asserts that nothing arrives for {@code quiet} (and that the connection stays open meanwhile).
     *
     * @throws AssertionError naming the message that arrived, or the end of the connection
     */
    public void expectNothing(Duration quiet) {
        positive(quiet, "quiet");
        long deadline = System.nanoTime() + quiet.toNanos();
        while (true) {
            if (inboxLength > 0) {
                throw new AssertionError(name + ": expected silence for " + quiet.toMillis() + " ms, got "
                        + describePending());
            }
            if (eof) {
                throw new AssertionError(name + ": expected silence for " + quiet.toMillis()
                        + " ms, got the end of the connection");
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            fill(remaining);
        }
    }

    /**
     * Asserts that the connection ends (the gateway closes or resets it) within {@link #timeout()} with no
     * further message.
     */
    public void expectEof() {
        expectEof(timeout);
    }

    /** Asserts that the connection ends within {@code within} with no further message. */
    public void expectEof(Duration within) {
        List<PptpMessage> before = receiveUntilEof(within);
        if (!before.isEmpty()) {
            throw new AssertionError(name + ": expected the end of the connection, got " + before);
        }
    }

    /**
     * Reads every message up to the end of the connection, which must come within {@code within}.
     *
     * @return the messages that arrived before the end, in order
     * @throws AssertionError if the connection is still open at the deadline
     */
    public List<PptpMessage> receiveUntilEof(Duration within) {
        long deadline = System.nanoTime() + positive(within, "within").toNanos();
        List<PptpMessage> messages = new ArrayList<>();
        while (true) {
            byte[] frame = nextFrame(deadline);
            if (frame == null) {
                if (eof) {
                    return messages;
                }
                throw new AssertionError(name + ": expected the end of the connection within " + within.toMillis()
                        + " ms, still open after " + messages);
            }
            messages.add(decode(frame));
        }
    }

    /** Whether the end of the connection has been seen. */
    public boolean isEof() {
        return eof;
    }

    /**
     * The next frame as raw bytes (whole, per its Length field), within {@code within}; null at the end of
     * the connection.
     *
     * @throws AssertionError if neither a frame nor the end arrives in time
     */
    public byte[] receiveFrame(Duration within) {
        long deadline = System.nanoTime() + positive(within, "within").toNanos();
        byte[] frame = nextFrame(deadline);
        if (frame == null && !eof) {
            throw new AssertionError(name + ": expected a message within " + within.toMillis() + " ms, got "
                    + (inboxLength == 0 ? "nothing" : describePending()));
        }
        return frame;
    }

    // ----------------------------------------------------------------------------------------- protocol steps

    /** As a PNS: sends {@link ControlMessages#sccrq()} and expects a positive Start-Control-Connection-Reply. */
    public StartControlConnectionReply startControlConnection() {
        send(ControlMessages.sccrq());
        StartControlConnectionReply reply = expect(StartControlConnectionReply.class);
        if (!reply.resultCode().equals(ResultCode.OK)) {
            throw new AssertionError(name + ": control connection refused: " + reply);
        }
        return reply;
    }

    /** As a PAC: expects a Start-Control-Connection-Request and answers {@link ControlMessages#sccrp()}. */
    public StartControlConnectionRequest acceptControlConnection() {
        StartControlConnectionRequest request = expect(StartControlConnectionRequest.class);
        send(ControlMessages.sccrp());
        return request;
    }

    /** As a PNS: sends an Outgoing-Call-Request with {@code callId} and expects the reply (any result). */
    public OutgoingCallReply outgoingCall(int callId) {
        send(ControlMessages.ocrq(callId));
        return expect(OutgoingCallReply.class);
    }

    /**
     * As a PAC: expects an Outgoing-Call-Request and answers it positively with {@code callId} as the PAC's
     * Call ID (its Peer Call ID is the request's Call ID).
     *
     * @return the request as it arrived
     */
    public OutgoingCallRequest answerOutgoingCall(int callId) {
        OutgoingCallRequest request = expect(OutgoingCallRequest.class);
        send(ControlMessages.ocrp(callId, request.callId()));
        return request;
    }

    /**
     * Ends the control connection from this side: sends a Stop-Control-Connection-Request, expects the reply,
     * then the end of the connection (the gateway closes it once the stop is agreed).
     */
    public StopControlConnectionReply stopControlConnection() {
        send(StopControlConnectionRequest.builder().build());
        StopControlConnectionReply reply = expect(StopControlConnectionReply.class);
        expectEof();
        return reply;
    }

    /** Closes the socket (nothing sent first). Idempotent. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    @Override
    public String toString() {
        return "ScriptedPeer(" + name + ')';
    }

    // -------------------------------------------------------------------------------------------- internals

    /** A whole frame from the inbox, reading until {@code deadline}; null at EOF or at the deadline. */
    private byte[] nextFrame(long deadline) {
        while (true) {
            if (inboxLength >= 2) {
                int length = (inbox[inboxStart] & 0xFF) << 8 | inbox[inboxStart + 1] & 0xFF;
                if (length < PptpControlCodec.HEADER_LENGTH) {
                    throw new AssertionError(name + ": malformed frame, Length " + length + ": "
                            + describePending());
                }
                if (inboxLength >= length) {
                    byte[] frame = Arrays.copyOfRange(inbox, inboxStart, inboxStart + length);
                    inboxStart += length;
                    inboxLength -= length;
                    lastFrame = frame;
                    return frame;
                }
            }
            if (eof) {
                if (inboxLength > 0) {
                    throw new AssertionError(name + ": the connection ended within a frame: " + describePending());
                }
                return null;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            fill(remaining);
        }
    }

    /** Reads what arrives within {@code nanos} into the inbox; sets {@link #eof} at the end or a reset. */
    private void fill(long nanos) {
        if (Thread.currentThread().isInterrupted()) {
            // e.g. JUnit's @Timeout: blocking socket reads do not notice interrupts by themselves
            throw new AssertionError(name + ": interrupted while waiting");
        }
        if (inboxStart > 0) {
            System.arraycopy(inbox, inboxStart, inbox, 0, inboxLength);
            inboxStart = 0;
        }
        if (inbox.length - inboxLength < 2048) {
            inbox = Arrays.copyOf(inbox, Math.max(inbox.length * 2, MAX_FRAME + 1));
        }
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000)));
            int n = in.read(inbox, inboxLength, inbox.length - inboxLength);
            if (n < 0) {
                eof = true;
            } else {
                inboxLength += n;
            }
        } catch (SocketTimeoutException e) {
            // the caller checks its deadline
        } catch (SocketException e) {
            // "Connection reset": the gateway closed with unread data; as good as an end for a test
            eof = true;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": read failed", e);
        }
    }

    private PptpMessage decode(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return PptpControlCodec.decode(buf);
        } catch (RuntimeException e) {
            throw new AssertionError(name + ": cannot decode " + HexFormat.of().formatHex(frame) + ": " + e.getMessage(),
                    e);
        } finally {
            buf.release();
        }
    }

    private String describePending() {
        int shown = Math.min(inboxLength, 64);
        return inboxLength + " byte(s) " + HexFormat.of().formatHex(inbox, inboxStart, inboxStart + shown) + (shown < inboxLength ? "..." : "");
    }

    static String format(Object address) {
        if (address instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress() + ':' + a.getPort();
        }
        return String.valueOf(address);
    }

    static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a test socket: nothing to do about it
        }
    }

    /** How a client connects: local address, socket buffer sizes, timeout. Mutable, chainable. */
    public static final class Options {

        private InetAddress localAddress;
        private int sendBufferSize;
        private int receiveBufferSize;
        private Duration timeout = DEFAULT_TIMEOUT;

        /** The local address to connect from (default: the kernel's choice). */
        public Options localAddress(InetAddress localAddress) {
            this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
            return this;
        }

        /** The local address to connect from, as an IP literal. */
        public Options localAddress(String literal) {
            try {
                return localAddress(InetAddress.getByName(Objects.requireNonNull(literal, "literal")));
            } catch (IOException e) {
                throw new IllegalArgumentException("localAddress: " + literal + " (expected: an IP literal)", e);
            }
        }

        /** {@code SO_SNDBUF} (default: the kernel's); small values make writes block early. */
        public Options sendBufferSize(int bytes) {
            this.sendBufferSize = bytes;
            return this;
        }

        /** {@code SO_RCVBUF} (default: the kernel's), set before connecting so the window is small from the start. */
        public Options receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /** The connect timeout and the peer's {@link ScriptedPeer#timeout()} (default {@link #DEFAULT_TIMEOUT}). */
        public Options timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        void applyTo(Socket socket) throws SocketException {
            socket.setTcpNoDelay(true);
            if (sendBufferSize > 0) {
                socket.setSendBufferSize(sendBufferSize);
            }
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize);
            }
        }
    }
}
