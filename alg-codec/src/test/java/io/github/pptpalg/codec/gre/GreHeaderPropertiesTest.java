package io.github.pptpalg.codec.gre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random bytes never make validation throw, and a {@code VALID} verdict means every accessor stays
 * inside the range that was validated: the accessors are run on a slice of exactly that range, so a
 * read beyond it would throw. The generators mix raw noise with near-valid headers (one random bit
 * flipped, random lengths) so that every verdict, {@code VALID} included, shows up often.
 */
class GreHeaderPropertiesTest {

    @Property(tries = 3000)
    void greValidateNeverThrowsAndValidStaysInBounds(@ForAll("grePackets") byte[] bytes,
            @ForAll @IntRange(max = 10_000) int offsetSeed, @ForAll @IntRange(max = 10_000) int lengthSeed) {
        // Mostly the whole array (where the generator put a header), sometimes any range inside it.
        int offset = offsetSeed % 3 == 0 ? offsetSeed % (bytes.length + 1) : 0;
        int length = lengthSeed % 3 == 0 ? lengthSeed % (bytes.length - offset + 1) : bytes.length - offset;
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            GreValidation result = EnhancedGreHeader.validate(buf, offset, length);
            Statistics.label("GRE verdict").collect(result);
            if (result.isValid()) {
                ByteBuf packet = buf.slice(offset, length);
                assertEquals(GreValidation.VALID, EnhancedGreHeader.validate(packet, 0, length));
                int headerLength = EnhancedGreHeader.headerLength(packet, 0);
                assertTrue(headerLength == 8 || headerLength == 12 || headerLength == 16, "header length " + headerLength);
                assertTrue(headerLength <= length);
                assertEquals(headerLength, EnhancedGreHeader.payloadOffset(packet, 0));
                assertTrue(headerLength + EnhancedGreHeader.payloadLength(packet, 0) <= length);
                assertEquals(1, EnhancedGreHeader.version(packet, 0));
                assertEquals(0x880B, EnhancedGreHeader.protocolType(packet, 0));
                int callId = EnhancedGreHeader.callId(packet, 0);
                assertTrue(callId >= 0 && callId <= 0xFFFF);
                long sequence = EnhancedGreHeader.sequence(packet, 0);
                assertEquals(EnhancedGreHeader.hasSequence(packet, 0), sequence != EnhancedGreHeader.ABSENT);
                long ack = EnhancedGreHeader.acknowledgment(packet, 0);
                assertEquals(EnhancedGreHeader.hasAcknowledgment(packet, 0), ack != EnhancedGreHeader.ABSENT);
                int flags = EnhancedGreHeader.flags(packet, 0);
                assertEquals(EnhancedGreHeader.FLAG_KEY, flags & ~(EnhancedGreHeader.FLAG_SEQUENCE | EnhancedGreHeader.FLAG_ACKNOWLEDGMENT));
                EnhancedGreHeader.setCallId(packet, 0, callId ^ 0xFFFF);
                assertEquals(callId ^ 0xFFFF, EnhancedGreHeader.callId(buf, offset));
            }
        } finally {
            buf.release();
        }
        Statistics.label("GRE verdict").coverage(coverage -> {
            coverage.check(GreValidation.VALID).percentage(p -> p >= 3.0);
            for (GreValidation each : GreValidation.values()) {
                coverage.check(each).count(c -> c > 0);
            }
        });
    }

    @Property(tries = 3000)
    void ipv4ValidateNeverThrowsAndValidStaysInBounds(@ForAll("ipv4Datagrams") byte[] bytes,
            @ForAll @IntRange(max = 10_000) int offsetSeed, @ForAll @IntRange(max = 10_000) int lengthSeed) {
        int offset = offsetSeed % 3 == 0 ? offsetSeed % (bytes.length + 1) : 0;
        int bytesRead = lengthSeed % 3 == 0 ? lengthSeed % (bytes.length - offset + 1) : bytes.length - offset;
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Ipv4Validation result = Ipv4Header.validate(buf, offset, bytesRead);
            Statistics.label("IPv4 verdict").collect(result);
            if (result.isValid()) {
                ByteBuf datagram = buf.slice(offset, bytesRead);
                int headerLength = Ipv4Header.headerLength(datagram, 0);
                int totalLength = Ipv4Header.totalLength(datagram, 0);
                assertTrue(headerLength >= 20 && headerLength <= 60 && headerLength <= totalLength);
                assertTrue(totalLength <= bytesRead);
                assertEquals(47, Ipv4Header.protocol(datagram, 0));
                assertEquals(4, Ipv4Header.version(datagram, 0));
                Ipv4Header.sourceAddress(datagram, 0);
                Ipv4Header.destinationAddress(datagram, 0);
                Ipv4Header.isChecksumValid(datagram, 0);
                assertEquals(totalLength, Ipv4Header.payloadOffset(datagram, 0) + Ipv4Header.payloadLength(datagram, 0));
                // The GRE view of a valid datagram's payload never throws either.
                EnhancedGreHeader.validate(datagram, headerLength, totalLength - headerLength);
            }
        } finally {
            buf.release();
        }
        Statistics.label("IPv4 verdict").coverage(coverage -> {
            coverage.check(Ipv4Validation.VALID).percentage(p -> p >= 3.0);
            for (Ipv4Validation each : Ipv4Validation.values()) {
                coverage.check(each).count(c -> c > 0);
            }
        });
    }

    @Provide
    Arbitrary<byte[]> grePackets() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> nearValid = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMinSize(8).ofMaxSize(48),
                Arbitraries.of(0x2001, 0x3001, 0x2081, 0x3081),
                Arbitraries.integers().between(-16, 15),
                Arbitraries.integers().between(0, 40)).as((random, word, flippedBit, payloadLength) -> {
                    byte[] bytes = random.clone();
                    int flagsWord = flippedBit >= 0 ? word ^ (1 << flippedBit) : word;
                    bytes[0] = (byte) (flagsWord >>> 8);
                    bytes[1] = (byte) flagsWord;
                    bytes[2] = (byte) 0x88;
                    bytes[3] = (byte) (flippedBit == -16 ? 0x0A : 0x0B);
                    bytes[4] = 0;
                    bytes[5] = (byte) payloadLength.intValue();
                    return bytes;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, noise),
                net.jqwik.api.Tuple.of(4, nearValid));
    }

    @Provide
    Arbitrary<byte[]> ipv4Datagrams() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<byte[]> nearValid = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMinSize(20).ofMaxSize(90),
                // IHL: 0 stands for version 6, 1 for IHL 4, others as they are; mostly no options.
                Arbitraries.of(0, 1, 5, 5, 5, 5, 5, 6, 8, 11, 15),
                Arbitraries.integers().between(-120, 90),
                Arbitraries.of(47, 47, 47, 17),
                Arbitraries.of(0x0000, 0x4000, 0x4000, 0x4000, 0x2000, 0x0001, 0x8000)).as((random, ihl, total, protocol, fragment) -> {
                    byte[] bytes = random.clone();
                    int version = ihl == 0 ? 6 : 4;
                    bytes[0] = (byte) (version << 4 | (ihl == 1 ? 4 : ihl == 0 ? 5 : ihl));
                    int totalLength = total < 0 ? bytes.length : total;
                    bytes[2] = (byte) (totalLength >>> 8);
                    bytes[3] = (byte) totalLength;
                    bytes[6] = (byte) (fragment >>> 8);
                    bytes[7] = (byte) fragment.intValue();
                    bytes[9] = (byte) protocol.intValue();
                    return bytes;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, noise),
                net.jqwik.api.Tuple.of(4, nearValid));
    }
}
