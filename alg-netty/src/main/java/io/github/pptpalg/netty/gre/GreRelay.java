package io.github.pptpalg.netty.gre;

import io.github.pptpalg.codec.gre.EnhancedGreHeader;
import io.github.pptpalg.codec.gre.GreValidation;
import io.github.pptpalg.codec.gre.Ipv4Addresses;
import io.github.pptpalg.codec.gre.Ipv4Header;
import io.github.pptpalg.codec.gre.Ipv4Validation;
import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDropReason;
import io.github.pptpalg.core.nat.CallIdAllocator;
import io.github.pptpalg.core.nat.CallIdTranslationMap;
import io.github.pptpalg.core.nat.GreBinding;
import io.github.pptpalg.netty.PacketTap;
import io.github.pptpalg.netty.raw.GreDatagramHandler;
import io.github.pptpalg.netty.raw.GreSendQueue;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay step for one received datagram, independent of sockets: validate the IPv4 header and
 * the enhanced-GRE header in place, look up (source address, Call ID) in the
 * {@link CallIdTranslationMap}, rewrite the Call ID in place to the binding's outbound Call ID, count,
 * and queue the GRE bytes for the binding's outbound address. Anything else is dropped and counted
 * by {@link GreDropReason}; nothing is thrown and nothing above debug is logged.
 *
 * <p>Drop reasons, in the order they are decided:
 * <ol>
 * <li>IPv4: fewer bytes than the header, or a Total Length above the bytes read (the datagram did
 *     not fit its receive slot): {@link GreDropReason#TRUNCATED}; a fragment:
 *     {@link GreDropReason#FRAGMENT}; any other invalid header: {@link GreDropReason#MALFORMED};</li>
 * <li>GRE: fewer bytes than the header its flags announce: {@link GreDropReason#TRUNCATED}; any
 *     other invalid header (flags, version, protocol, a payload length beyond the packet):
 *     {@link GreDropReason#MALFORMED};</li>
 * <li>no binding for (source, Call ID): a Call ID outside the allocator's range
 *     {@link GreDropReason#NOT_FOR_THIS_INSTANCE}; else quarantined
 *     {@link GreDropReason#QUARANTINED_CALL_ID}; else live (so the source is wrong)
 *     {@link GreDropReason#WRONG_SOURCE_ADDRESS}; else {@link GreDropReason#NO_MATCHING_CALL}.</li>
 * </ol>
 *
 * <p>Counters: the binding's {@link GreBinding#countPacket(int)} and
 * {@link AlgMetrics#greRelayed} count the datagram as it will be sent: the GRE bytes plus a 20-byte
 * IPv4 header. A datagram that then fails to send is counted once more, as
 * {@link GreDropReason#SEND_FAILED}.
 *
 * <p>One instance per socket (per event loop); it has no state of its own and allocates nothing.
 */
public final class GreRelay implements GreDatagramHandler {

    private static final Logger logger = LoggerFactory.getLogger(GreRelay.class);

    private static final int SENT_IPV4_HEADER_LENGTH = Ipv4Header.MIN_HEADER_LENGTH;

    private final CallIdTranslationMap bindings;
    private final CallIdAllocator allocator;
    private final AlgMetrics metrics;
    private final GreDirectionResolver directions;
    private final PacketTap tap;

    /**
     * @param bindings where to look up (source address, Call ID)
     * @param allocator the instance's Call ID allocator, to classify packets without a binding
     * @param metrics where to count relayed and dropped packets
     * @param directions the direction of a binding, for the relayed counters
     */
    public GreRelay(CallIdTranslationMap bindings, CallIdAllocator allocator, AlgMetrics metrics,
            GreDirectionResolver directions) {
        this(bindings, allocator, metrics, directions, null);
    }

    /**
     * As above, showing {@code tap} every well-formed GRE packet as received (relayed or dropped for want of a
     * binding), and every relayed one again as sent after the Call ID rewrite (with the address it was received
     * on as its source: the kernel picks the actual source address of the outbound leg by its routes). Null: no
     * tap, and the relay step pays one null check.
     */
    public GreRelay(CallIdTranslationMap bindings, CallIdAllocator allocator, AlgMetrics metrics,
            GreDirectionResolver directions, PacketTap tap) {
        this.tap = tap;
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.directions = Objects.requireNonNull(directions, "directions");
    }

    @Override
    public void datagramReceived(ByteBuf buffer, int offset, int bytesRead, GreSendQueue sendQueue) {
        Ipv4Validation ipv4 = Ipv4Header.validate(buffer, offset, bytesRead);
        if (ipv4 != Ipv4Validation.VALID) {
            drop(ipv4Reason(ipv4, buffer, offset, bytesRead), buffer, offset, bytesRead, ipv4.description());
            return;
        }
        int greOffset = Ipv4Header.payloadOffset(buffer, offset);
        int greLength = Ipv4Header.payloadLength(buffer, offset);
        GreValidation gre = EnhancedGreHeader.validate(buffer, greOffset, greLength);
        if (gre != GreValidation.VALID) {
            drop(gre == GreValidation.TRUNCATED ? GreDropReason.TRUNCATED : GreDropReason.MALFORMED, buffer, offset,
                    bytesRead, gre.description());
            return;
        }
        int source = Ipv4Header.sourceAddress(buffer, offset);
        if (tap != null) {
            show(source, Ipv4Header.destinationAddress(buffer, offset), buffer, greOffset, greLength);
        }
        int callId = EnhancedGreHeader.callId(buffer, greOffset);
        GreBinding binding = bindings.lookup(source, callId);
        if (binding == null) {
            drop(noBindingReason(callId), buffer, offset, bytesRead, "no binding");
            return;
        }
        EnhancedGreHeader.setCallId(buffer, greOffset, binding.outboundCallId());
        int relayedBytes = SENT_IPV4_HEADER_LENGTH + greLength;
        binding.countPacket(relayedBytes);
        metrics.greRelayed(directions.directionOf(binding), relayedBytes);
        if (tap != null) {
            show(Ipv4Header.destinationAddress(buffer, offset), binding.outboundAddress(), buffer, greOffset,
                    greLength);
        }
        sendQueue.add(greOffset, greLength, binding.outboundAddress());
    }

    /** A tap that fails must not cost the packet its relay: it is logged at debug and ignored. */
    private void show(int source, int destination, ByteBuf buffer, int greOffset, int greLength) {
        try {
            tap.grePacket(source, destination, buffer.slice(greOffset, greLength));
        } catch (RuntimeException e) {
            logger.debug("packet tap {} failed", tap, e);
        }
    }

    private static GreDropReason ipv4Reason(Ipv4Validation validation, ByteBuf buffer, int offset, int bytesRead) {
        switch (validation) {
            case TRUNCATED:
                return GreDropReason.TRUNCATED;
            case TOTAL_LENGTH_MISMATCH:
                return Ipv4Header.totalLength(buffer, offset) > bytesRead ? GreDropReason.TRUNCATED
                        : GreDropReason.MALFORMED;
            case FRAGMENT:
                return GreDropReason.FRAGMENT;
            default:
                return GreDropReason.MALFORMED;
        }
    }

    private GreDropReason noBindingReason(int callId) {
        if (!allocator.range().contains(callId)) {
            return GreDropReason.NOT_FOR_THIS_INSTANCE;
        }
        if (allocator.isQuarantined(callId)) {
            return GreDropReason.QUARANTINED_CALL_ID;
        }
        if (allocator.isLive(callId)) {
            return GreDropReason.WRONG_SOURCE_ADDRESS;
        }
        return GreDropReason.NO_MATCHING_CALL;
    }

    private void drop(GreDropReason reason, ByteBuf buffer, int offset, int bytesRead, String why) {
        metrics.greDropped(reason);
        if (logger.isDebugEnabled()) {
            logger.debug("GRE dropped ({}: {}) from {}", reason.label(), why,
                    bytesRead >= Ipv4Header.MIN_HEADER_LENGTH
                            ? Ipv4Addresses.format(Ipv4Header.sourceAddress(buffer, offset)) : "?");
        }
    }

    @Override
    public void sendFailed(int destinationAddress, int errno) {
        metrics.greDropped(GreDropReason.SEND_FAILED);
        if (logger.isDebugEnabled()) {
            logger.debug("GRE to {} dropped: send failed with errno {}", Ipv4Addresses.format(destinationAddress),
                    errno);
        }
    }
}
