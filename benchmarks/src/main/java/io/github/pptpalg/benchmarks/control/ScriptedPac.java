package io.github.pptpalg.benchmarks.control;

import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.core.nat.CallIdRange;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted PAC: answers Start-Control-Connection-Request with a positive reply, Outgoing-Call-Request with a
 * positive Outgoing-Call-Reply (its own Call ID taken from 1..4095, the Peer Call ID echoing the request's Call
 * ID), Call-Clear-Request with Call-Disconnect-Notify (the PAC's own Call ID of that call) and
 * Stop-Control-Connection-Request with a positive reply. Anything else, a Call ID outside the range expected on
 * that listener, a Call ID twice or a clear for an unknown call counts as an error.
 */
final class ScriptedPac implements AutoCloseable {

    /** The PAC's own Call IDs: outside any gateway range the benchmark configures (which start at 4096). */
    static final CallIdRange OWN_CALL_IDS = new CallIdRange(1, 4095);

    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannelType;
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong outgoingCalls = new AtomicLong();
    private volatile String firstError;

    ScriptedPac(EventLoopGroup group, Class<? extends ServerChannel> serverChannelType) {
        this.group = group;
        this.serverChannelType = serverChannelType;
    }

    /**
     * Listens on {@code address} (port 0: any) and checks that every Outgoing-Call-Request's Call ID lies in
     * {@code expectedCallIds}.
     */
    InetSocketAddress listen(InetSocketAddress address, CallIdRange expectedCallIds) throws InterruptedException {
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(serverChannelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(Frames.frameDecoder(), new PacConnection(expectedCallIds));
                    }
                })
                .bind(address).sync().channel();
        listeners.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError;
    }

    long outgoingCalls() {
        return outgoingCalls.get();
    }

    private void error(String what) {
        if (errors.getAndIncrement() == 0) {
            firstError = what;
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Channel l : listeners) {
            l.close().sync();
        }
    }

    /** One control connection as the PAC sees it; confined to its event loop. */
    private final class PacConnection extends ChannelInboundHandlerAdapter {

        private final CallIdRange expectedCallIds;
        /**
         * Live calls: Call ID as received (the PNS's, or the gateway's for it) -> this PAC's own Call ID, in two
         * parallel arrays (no boxing, so the heap per call does not depend on the Call IDs' values).
         */
        private int[] received = new int[4];
        private int[] own = new int[4];
        private int calls;
        private final BitSet ownIdsInUse = new BitSet();
        private int nextOwnId = OWN_CALL_IDS.lowest();

        PacConnection(CallIdRange expectedCallIds) {
            this.expectedCallIds = expectedCallIds;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                onFrame(ctx, frame);
            } finally {
                frame.release();
            }
        }

        private void onFrame(ChannelHandlerContext ctx, ByteBuf frame) {
            PptpMessageType type = Frames.type(frame);
            int at = frame.readerIndex();
            if (type == null) {
                error("PAC: malformed frame of " + frame.readableBytes() + " bytes");
                ctx.close();
                return;
            }
            switch (type) {
                case START_CONTROL_CONNECTION_REQUEST -> Frames.send(ctx, Frames.SCCRP, -1, -1);
                case OUTGOING_CALL_REQUEST -> {
                    int callId = PptpControlCodec.callId(frame, at);
                    if (!expectedCallIds.contains(callId)) {
                        error("PAC: OCRQ Call ID " + callId + " outside " + expectedCallIds);
                    }
                    if (indexOf(callId) >= 0) {
                        error("PAC: OCRQ Call ID " + callId + " of a live call");
                        return;
                    }
                    int ownId = allocate();
                    if (calls == received.length) {
                        received = Arrays.copyOf(received, calls * 2);
                        own = Arrays.copyOf(own, calls * 2);
                    }
                    received[calls] = callId;
                    own[calls++] = ownId;
                    outgoingCalls.incrementAndGet();
                    Frames.send(ctx, Frames.OCRP, ownId, callId);
                }
                case CALL_CLEAR_REQUEST -> {
                    int callId = PptpControlCodec.callId(frame, at);
                    int i = indexOf(callId);
                    if (i < 0) {
                        error("PAC: CCRQ for unknown Call ID " + callId);
                        return;
                    }
                    int ownId = own[i];
                    calls--;
                    received[i] = received[calls];
                    own[i] = own[calls];
                    ownIdsInUse.clear(ownId);
                    Frames.send(ctx, Frames.CDN, ownId, -1);
                }
                case STOP_CONTROL_CONNECTION_REQUEST -> {
                    calls = 0;
                    ownIdsInUse.clear();
                    Frames.send(ctx, Frames.STOP_CCRP, -1, -1);
                }
                default -> error("PAC: unexpected " + type.abbreviation());
            }
        }

        private int indexOf(int callId) {
            for (int i = 0; i < calls; i++) {
                if (received[i] == callId) {
                    return i;
                }
            }
            return -1;
        }

        private int allocate() {
            for (int i = 0; i < OWN_CALL_IDS.size(); i++) {
                int id = nextOwnId;
                nextOwnId = id == OWN_CALL_IDS.highest() ? OWN_CALL_IDS.lowest() : id + 1;
                if (!ownIdsInUse.get(id)) {
                    ownIdsInUse.set(id);
                    return id;
                }
            }
            throw new IllegalStateException("PAC: more than " + OWN_CALL_IDS.size() + " calls on one connection");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error("PAC: " + cause);
            ctx.close();
        }
    }
}
