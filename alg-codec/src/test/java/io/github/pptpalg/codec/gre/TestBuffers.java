package io.github.pptpalg.codec.gre;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** Buffers of every kind the relay may receive into, with the packet placed at a chosen offset. */
final class TestBuffers {

    /** Filler before the packet, so a reader that ignores the offset sees garbage. */
    static final byte BEFORE = (byte) 0xA5;
    /** Filler after the packet, so a reader that ignores the length sees garbage. */
    static final byte AFTER = (byte) 0x5A;

    enum Kind {
        UNPOOLED_HEAP {
            @Override
            ByteBuf allocate(int capacity) {
                return Unpooled.buffer(capacity, capacity);
            }
        },
        UNPOOLED_DIRECT {
            @Override
            ByteBuf allocate(int capacity) {
                return Unpooled.directBuffer(capacity, capacity);
            }
        },
        POOLED_HEAP {
            @Override
            ByteBuf allocate(int capacity) {
                return PooledByteBufAllocator.DEFAULT.heapBuffer(capacity, capacity);
            }
        },
        POOLED_DIRECT {
            @Override
            ByteBuf allocate(int capacity) {
                return PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
            }
        };

        abstract ByteBuf allocate(int capacity);
    }

    private TestBuffers() {
    }

    static byte[] hex(String text) {
        return ByteBufUtil.decodeHexDump(text.replace(" ", ""));
    }

    /**
     * A buffer of {@code prefix + packet.length + suffix} bytes with the packet at index
     * {@code prefix}, filler around it, the writer index at the end and the reader index moved off 0
     * when there is a prefix (absolute accessors must not care).
     */
    static ByteBuf embed(Kind kind, byte[] packet, int prefix, int suffix) {
        ByteBuf buf = kind.allocate(prefix + packet.length + suffix);
        for (int i = 0; i < prefix; i++) {
            buf.writeByte(BEFORE);
        }
        buf.writeBytes(packet);
        for (int i = 0; i < suffix; i++) {
            buf.writeByte(AFTER);
        }
        buf.readerIndex(prefix / 2);
        return buf;
    }

    /** Every byte of the buffer's capacity, regardless of its indexes. */
    static byte[] allBytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.capacity()];
        buf.getBytes(0, bytes);
        return bytes;
    }
}
