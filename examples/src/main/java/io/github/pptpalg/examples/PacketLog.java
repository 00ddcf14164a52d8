package io.github.pptpalg.examples;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.netty.PacketTap;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PacketTap} that logs every control message (type, Call IDs, result code) and every GRE packet (addresses,
 * Call ID, length) at trace level: the launcher's {@code -e/--extensive}, after pptpproxy's option of that name.
 * Logger {@code io.github.pptpalg.examples.packets}.
 */
public final class PacketLog implements PacketTap {

    /** The logger's name. */
    public static final String LOGGER_NAME = "io.github.pptpalg.examples.packets";

    private final Logger logger;

    public PacketLog() {
        this(LOGGER_NAME);
    }

    PacketLog(String loggerName) {
        this.logger = LoggerFactory.getLogger(loggerName);
    }

    @Override
    public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
        if (!logger.isTraceEnabled()) {
            return;
        }
        int offset = message.readerIndex();
        int length = message.readableBytes();
        PptpMessageType type = length >= PptpControlCodec.HEADER_LENGTH ? PptpControlCodec.messageType(message, offset) : null;
        if (type == null || length < type.fixedLength()) {
            logger.trace("control {} -> {}: {} bytes, not a complete control message", SessionsJson.address(source),
                    SessionsJson.address(destination), length);
            return;
        }
        logger.trace("control {} -> {}: {} ({} bytes) Call ID {} Peer Call ID {} result {}", SessionsJson.address(source),
                SessionsJson.address(destination), type.abbreviation(), length, orNone(PptpControlCodec.callId(message, offset)),
                orNone(PptpControlCodec.peerCallId(message, offset)), orNone(PptpControlCodec.resultCode(message, offset)));
    }

    @Override
    public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
        if (!logger.isTraceEnabled()) {
            return;
        }
        int offset = gre.readerIndex();
        int length = gre.readableBytes();
        if (length < EnhancedGreHeader.MIN_HEADER_LENGTH) {
            logger.trace("GRE {} -> {}: {} bytes, too short", Ipv4Addresses.format(sourceAddress),
                    Ipv4Addresses.format(destinationAddress), length);
            return;
        }
        logger.trace("GRE {} -> {}: Call ID {}, {} bytes", Ipv4Addresses.format(sourceAddress),
                Ipv4Addresses.format(destinationAddress), EnhancedGreHeader.callId(gre, offset), length);
    }

    private static Object orNone(int value) {
        return value < 0 ? "-" : value;
    }

    /** One tap calling each of {@code taps} in turn (nulls left out); null if none is left, the tap itself if one. */
    public static PacketTap combine(PacketTap... taps) {
        List<PacketTap> list = new ArrayList<>();
        for (PacketTap tap : taps) {
            if (tap != null) {
                list.add(tap);
            }
        }
        if (list.isEmpty()) {
            return null;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        PacketTap[] all = list.toArray(new PacketTap[0]);
        return new PacketTap() {
            @Override
            public void controlMessage(InetSocketAddress source, InetSocketAddress destination, ByteBuf message) {
                for (PacketTap tap : all) {
                    tap.controlMessage(source, destination, message);
                }
            }

            @Override
            public void grePacket(int sourceAddress, int destinationAddress, ByteBuf gre) {
                for (PacketTap tap : all) {
                    tap.grePacket(sourceAddress, destinationAddress, gre);
                }
            }

            @Override
            public String toString() {
                return "PacketTaps" + Arrays.toString(all);
            }
        };
    }
}
