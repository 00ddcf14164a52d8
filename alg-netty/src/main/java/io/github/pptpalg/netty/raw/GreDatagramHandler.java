package io.github.pptpalg.netty.raw;

import io.netty.buffer.ByteBuf;

/**
 * What a {@link RawGreSocket} does with each datagram it receives. Called on the socket's event
 * loop, in arrival order, once per datagram; must not block, throw or keep a reference to the
 * buffer (its slot is reused by the next receive).
 */
public interface GreDatagramHandler {

    /**
     * One datagram, as the raw socket delivered it: the IPv4 header followed by GRE.
     *
     * @param buffer the receive buffer (shared by all slots; use absolute indexes, do not change
     *     its indexes, do not release it)
     * @param offset index of the datagram's first byte (the IPv4 header)
     * @param bytesRead bytes received; a datagram longer than its slot is cut to the slot size, so
     *     an IPv4 Total Length above {@code bytesRead} means the datagram was truncated
     * @param sendQueue where to queue the bytes to send on
     */
    void datagramReceived(ByteBuf buffer, int offset, int bytesRead, GreSendQueue sendQueue);

    /**
     * A queued datagram could not be sent and was dropped ({@code sendmmsg} failed for it with an
     * error other than "try again"). Called on the event loop; the default does nothing.
     *
     * @param destinationAddress where it was going, as an int
     * @param errno the error
     */
    default void sendFailed(int destinationAddress, int errno) {
    }
}
