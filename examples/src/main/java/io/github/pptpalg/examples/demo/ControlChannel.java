package io.github.pptpalg.examples.demo;

import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * One end of a PPTP control connection over a blocking socket, for the demo's scripted PNS and PAC: messages
 * are encoded and decoded with {@link PptpControlCodec}, reads time out.
 */
final class ControlChannel implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String name;
    private final int readTimeoutMillis;

    ControlChannel(Socket socket, Duration readTimeout, String name) throws IOException {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.name = Objects.requireNonNull(name, "name");
        this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Connects from {@code local} (port 0: any) to {@code remote}. */
    static ControlChannel connect(InetSocketAddress local, InetSocketAddress remote, Duration timeout, String name)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(local);
            socket.connect(remote, Math.toIntExact(timeout.toMillis()));
            return new ControlChannel(socket, timeout, name);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    void send(PptpMessage message) throws IOException {
        ByteBuf frame = Unpooled.buffer(message.length());
        try {
            PptpControlCodec.encode(message, frame);
            out.write(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes());
            out.flush();
        } finally {
            frame.release();
        }
    }

    /**
     * The next message, or {@code null} if none began within {@code wait}; once a message began, the rest of it
     * must come within the read timeout.
     *
     * @throws EOFException if the other end closed the connection
     * @throws IOException if the connection broke, stalled within a message, or the message is malformed
     */
    PptpMessage poll(Duration wait) throws IOException {
        int first;
        socket.setSoTimeout(Math.toIntExact(Math.max(1, wait.toMillis())));
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(readTimeoutMillis);
        }
        if (first < 0) {
            throw new EOFException(name + ": the connection was closed");
        }
        int length = (first << 8) | in.readUnsignedByte();
        if (length < PptpControlCodec.HEADER_LENGTH) {
            throw new IOException(name + ": control message length: " + length + " (expected: >= "
                    + PptpControlCodec.HEADER_LENGTH + ")");
        }
        byte[] bytes = new byte[length];
        bytes[0] = (byte) (length >>> 8);
        bytes[1] = (byte) length;
        in.readFully(bytes, 2, length - 2);
        ByteBuf frame = Unpooled.wrappedBuffer(bytes);
        try {
            return PptpControlCodec.decode(frame);
        } catch (RuntimeException e) {
            throw new IOException(name + ": malformed control message: " + e.getMessage(), e);
        } finally {
            frame.release();
        }
    }

    /**
     * The next message other than an Echo-Request, which must be a {@code type}; Echo-Requests that come first
     * are answered.
     *
     * @throws IOException if the connection ended, nothing came within the read timeout, or another message came
     */
    <T extends PptpMessage> T expect(Class<T> type) throws IOException {
        while (true) {
            PptpMessage message = poll(Duration.ofMillis(readTimeoutMillis));
            if (message == null) {
                throw new SocketTimeoutException(name + ": no " + type.getSimpleName() + " within "
                        + readTimeoutMillis + " ms");
            }
            if (message instanceof EchoRequest echo && type != EchoRequest.class) {
                send(EchoReply.builder().identifier(echo.identifier()).resultCode(ResultCode.OK).build());
                continue;
            }
            if (!type.isInstance(message)) {
                throw new IOException(name + ": received " + message.type().abbreviation() + " (expected: "
                        + type.getSimpleName() + ")");
            }
            return type.cast(message);
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
