package io.github.pptpalg.netty.raw;

/**
 * The outbound batch of a {@link RawGreSocket}: where a {@link GreDatagramHandler} queues the GRE
 * part of a received datagram to be sent on, without copying. The socket sends the whole batch
 * with one {@code sendmmsg} after the received batch has been handled; the kernel writes the new
 * IPv4 header (protocol 47, source address from the route).
 */
public interface GreSendQueue {

    /**
     * Queues bytes {@code [offset, offset + length)} of the receive buffer for sending to
     * {@code destinationAddress}. The bytes must lie inside the datagram being handled, and at most
     * one send may be queued per received datagram.
     *
     * @param offset absolute index in the receive buffer of the first byte to send (the GRE header)
     * @param length number of bytes to send
     * @param destinationAddress IPv4 address as an int ({@code a<<24 | b<<16 | c<<8 | d})
     * @throws IllegalStateException if more sends are queued than datagrams were received
     * @throws IndexOutOfBoundsException if the bytes are not inside the receive buffer
     */
    void add(int offset, int length, int destinationAddress);
}
