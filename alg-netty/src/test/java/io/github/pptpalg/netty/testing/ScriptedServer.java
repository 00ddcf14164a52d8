package io.github.pptpalg.netty.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A listening PPTP peer (usually the PAC a gateway relays to): accepts control connections on demand, each
 * a {@link ScriptedPeer} the test drives. Closing the server closes every connection it accepted.
 *
 * <pre>{@code
 * try (ScriptedServer pac = ScriptedServer.open()) {      // 127.0.0.1, ephemeral port
 *     ... point the gateway at pac.address() ...
 *     ScriptedPeer connection = pac.accept();
 *     connection.acceptControlConnection();               // SCCRQ in, SCCRP out
 *     connection.answerOutgoingCall(700);                 // OCRQ in, OCRP out
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ScriptedServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final List<ScriptedPeer> accepted = new ArrayList<>();
    private Duration timeout = ScriptedPeer.DEFAULT_TIMEOUT;

    private ScriptedServer(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
    }

    /** Listens on {@code 127.0.0.1}, an ephemeral port. */
    public static ScriptedServer open() {
        return open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    }

    /**
     * Listens on {@code address}.
     *
     * @param receiveBufferSize {@code SO_RCVBUF} of accepted connections, or 0 for the kernel's default; a small
     *        value (set on the listener, so it holds from the handshake on) makes the sender block soon when
     *        the test stops reading
     */
    public static ScriptedServer open(InetSocketAddress address, int receiveBufferSize) {
        Objects.requireNonNull(address, "address");
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize);
            }
            socket.bind(address);
            return new ScriptedServer(socket);
        } catch (IOException e) {
            if (socket != null) {
                ScriptedPeer.closeQuietly(socket);
            }
            throw new UncheckedIOException("cannot listen on " + ScriptedPeer.format(address), e);
        }
    }

    /** The bound address (with the actual port). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** The bound of waits without their own timeout, also given to accepted connections. */
    public ScriptedServer timeout(Duration timeout) {
        this.timeout = ScriptedPeer.positive(timeout, "timeout");
        return this;
    }

    /** The next connection, within the server's timeout. */
    public ScriptedPeer accept() {
        return accept(timeout);
    }

    /**
     * The next connection, within {@code within}.
     *
     * @throws AssertionError if none comes in time
     */
    public ScriptedPeer accept(Duration within) {
        try {
            serverSocket.setSoTimeout(ScriptedPeer.millis(ScriptedPeer.positive(within, "within")));
            Socket socket = serverSocket.accept();
            socket.setTcpNoDelay(true);
            ScriptedPeer peer = new ScriptedPeer(socket, "server " + ScriptedPeer.format(socket.getLocalSocketAddress())
                    + " <- " + ScriptedPeer.format(socket.getRemoteSocketAddress()));
            peer.timeout(timeout);
            accepted.add(peer);
            return peer;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server " + ScriptedPeer.format(address()) + ": expected a connection within "
                    + within.toMillis() + " ms, got none");
        } catch (IOException e) {
            throw new UncheckedIOException("server " + ScriptedPeer.format(address()) + ": accept failed", e);
        }
    }

    /**
     * Asserts that no connection comes for {@code quiet}.
     *
     * @throws AssertionError naming the connection that came
     */
    public void expectNoConnection(Duration quiet) {
        try {
            serverSocket.setSoTimeout(ScriptedPeer.millis(ScriptedPeer.positive(quiet, "quiet")));
            Socket socket = serverSocket.accept();
            ScriptedPeer.closeQuietly(socket);
            throw new AssertionError("server " + ScriptedPeer.format(address()) + ": expected no connection for "
                    + quiet.toMillis() + " ms, got one from " + ScriptedPeer.format(socket.getRemoteSocketAddress()));
        } catch (SocketTimeoutException e) {
            // as expected
        } catch (IOException e) {
            throw new UncheckedIOException("server " + ScriptedPeer.format(address()) + ": accept failed", e);
        }
    }

    /** Closes the listener and every accepted connection. Idempotent. */
    @Override
    public void close() {
        ScriptedPeer.closeQuietly(serverSocket);
        for (ScriptedPeer peer : accepted) {
            peer.close();
        }
    }

    @Override
    public String toString() {
        return "ScriptedServer(" + ScriptedPeer.format(address()) + ')';
    }
}
