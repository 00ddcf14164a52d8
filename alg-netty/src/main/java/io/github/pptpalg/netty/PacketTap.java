package io.github.pptpalg.netty;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Sees every control message and GRE packet the gateway relays, for example to write a capture file (the
 * launcher's {@code --pcap}). Set on the facade with {@code PptpAlg.builder(config).packetTap(tap)}; none by
 * default, and then the hot path pays one null check.
 *
 * <p>Called from event-loop threads, concurrently: implementations must be thread-safe, must not block for
 * long, and must neither retain nor release the buffers they are given (copy what they need; the reader and
 * writer indexes must be left as they are).
 *
 * <p>IPv4 addresses are {@code int}s, {@code a.b.c.d} being {@code a<<24 | b<<16 | c<<8 | d}. For a sent GRE
 * packet, whose source address the kernel chooses by its routes, the gateway passes the address the packet was
 * received on.
 */
public interface PacketTap {

    /**
     * Control bytes exactly as they crossed the wire (received or sent), without IP/TCP headers: one TCP read or
     * one write, which may hold part of a message or several (a capture reader reassembles them like a peer).
     */
    void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message);

    /** One GRE packet (enhanced-GRE header + payload, no IPv4 header) received or sent by the gateway. */
    void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre);
}
