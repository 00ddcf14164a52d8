package io.github.pptpalg.benchmarks.control;

import io.github.pptpalg.codec.pptp.PptpControlCodec;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.core.nat.CallIdRange;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted PNS load generator: many control connections in parallel from one source address, each a closed
 * loop (the next request leaves when the reply to the previous one has arrived).
 *
 * <ul>
 *   <li>{@link #cycle}: each of {@code connections} workers runs control connections one after another:
 *       SCCRQ -> SCCRP, then {@code callsPerConnection} times OCRQ -> OCRP, CCRQ -> CDN, finally
 *       StopCCRQ -> StopCCRP, and connects again, until the slice's time is up (then every worker finishes its
 *       current call and stops its connection).</li>
 *   <li>{@link #hold}: opens calls and keeps them until {@link Hold#release()}.</li>
 * </ul>
 * Checked on every reply: SCCRP/StopCCRP result 1; OCRP result 1, Peer Call ID = the request's Call ID and
 * Call ID inside the range expected from that target (the gateway's range through the gateway, the PAC's own
 * IDs directly); CDN Call ID = the one the OCRP gave. Violations count as errors.
 */
final class ScriptedPns {

    /** The PNS's own Call IDs: below every gateway range the benchmark configures. */
    static final CallIdRange OWN_CALL_IDS = new CallIdRange(1, 4095);
    private static final int MAX_ERRORS = 100;

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final InetAddress source;

    ScriptedPns(EventLoopGroup group, Class<? extends Channel> channelType, InetAddress source) {
        this.group = group;
        this.channelType = channelType;
        this.source = source;
    }

    /** What one slice of {@link #cycle} did. */
    record SliceResult(long calls, long nanos, long errors, String firstError, long connections) {
    }

    /**
     * Runs full cycles against {@code target} for {@code millis} ms with {@code connections} workers, then waits
     * (at most 30 s) until every worker has stopped its connection.
     *
     * @param recorder receives every request's round-trip time, or null
     */
    SliceResult cycle(InetSocketAddress target, CallIdRange expectedPacCallIds, int connections,
            int callsPerConnection, long millis, LatencyRecorder recorder) throws InterruptedException {
        Run run = new Run(target, expectedPacCallIds, callsPerConnection, recorder, false, connections);
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            group.execute(() -> run.connect(callsPerConnection));
        }
        run.done.await(millis, TimeUnit.MILLISECONDS);
        run.stopping = true;
        if (!run.done.await(30, TimeUnit.SECONDS)) {
            run.error("generator: " + run.done.getCount() + " worker(s) did not stop within 30 s");
        }
        long nanos = System.nanoTime() - start;
        return new SliceResult(run.calls.get(), nanos, run.errors.get(), run.firstError, run.connectionsOpened.get());
    }

    /** Calls held open by {@link #hold}. */
    final class Hold {

        private final Run run;

        private Hold(Run run) {
            this.run = run;
        }

        long held() {
            return run.calls.get();
        }

        long refused() {
            return run.refused.get();
        }

        long errors() {
            return run.errors.get();
        }

        String firstError() {
            return run.firstError;
        }

        /** Stops every connection (StopCCRQ -> StopCCRP, close) and waits for it, at most 60 s. */
        boolean release() throws InterruptedException {
            run.stopping = true;
            for (Channel ch : run.channels) {
                ch.eventLoop().execute(() -> ((PnsConnection) ch.pipeline().last()).stopIfHolding());
            }
            boolean done = run.done.await(60, TimeUnit.SECONDS);
            run.channels.clear();
            return done;
        }
    }

    /**
     * Opens {@code calls} calls on {@code connections} control connections against {@code target} and waits (at
     * most 120 s) until each is answered.
     */
    Hold hold(InetSocketAddress target, CallIdRange expectedPacCallIds, int calls, int connections)
            throws InterruptedException {
        Run run = new Run(target, expectedPacCallIds, 0, null, true, connections);
        for (int i = 0; i < connections; i++) {
            int quota = calls / connections + (i < calls % connections ? 1 : 0);
            group.execute(() -> run.connect(quota));
        }
        if (!run.ready.await(120, TimeUnit.SECONDS)) {
            run.error("generator: " + run.ready.getCount() + " connection(s) not ready within 120 s");
        }
        return new Hold(run);
    }

    /** One run: its parameters, counters and latches. */
    private final class Run {

        final InetSocketAddress target;
        final CallIdRange expectedPacCallIds;
        final int callsPerConnection;
        final LatencyRecorder recorder;
        final boolean hold;
        final CountDownLatch done;
        final CountDownLatch ready;
        final List<Channel> channels = new CopyOnWriteArrayList<>();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong connectionsOpened = new AtomicLong();
        volatile boolean stopping;
        volatile String firstError;

        Run(InetSocketAddress target, CallIdRange expectedPacCallIds, int callsPerConnection,
                LatencyRecorder recorder, boolean hold, int workers) {
            this.target = target;
            this.expectedPacCallIds = expectedPacCallIds;
            this.callsPerConnection = callsPerConnection;
            this.recorder = recorder;
            this.hold = hold;
            this.done = new CountDownLatch(workers);
            this.ready = new CountDownLatch(hold ? workers : 0);
        }

        void error(String what) {
            if (errors.getAndIncrement() == 0) {
                firstError = what;
            }
            if (errors.get() > MAX_ERRORS) {
                stopping = true;
            }
        }

        void connect(int quota) {
            PnsConnection handler = new PnsConnection(this, quota);
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .localAddress(new InetSocketAddress(source, 0))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Frames.frameDecoder(), handler);
                        }
                    });
            b.connect(target).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    connectionsOpened.incrementAndGet();
                    if (hold) {
                        channels.add(f.channel());
                    }
                } else {
                    error("generator: cannot connect to " + target + ": " + f.cause());
                    handler.ended();
                }
            });
        }

        /** A connection of a worker has ended: the worker goes on with a new one, or stops. */
        void connectionEnded(int quota) {
            if (hold || stopping) {
                done.countDown();
            } else if (errors.get() > 0) {
                // Back off a little after a failure, so a broken setup cannot spin.
                group.schedule(() -> connect(quota), 10, TimeUnit.MILLISECONDS);
            } else {
                connect(quota);
            }
        }
    }

    private enum Phase { START, CALL_REQUEST, CALL_CLEAR, HOLDING, STOP, DONE }

    /** One control connection of the PNS; confined to the generator's event loop. */
    private final class PnsConnection extends ChannelInboundHandlerAdapter {

        private final Run run;
        private final int quota;
        private ChannelHandlerContext ctx;
        private Phase phase = Phase.START;
        private int callsStarted;
        private int callId = OWN_CALL_IDS.lowest() - 1;
        private int pacCallId = -1;
        private long sentAt;
        private boolean readyCounted;
        private boolean ended;

        PnsConnection(Run run, int quota) {
            this.run = run;
            this.quota = quota;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            send(Frames.SCCRQ, -1, -1);
            ctx.fireChannelActive();
        }

        private void send(byte[] template, int id, int peerId) {
            sentAt = System.nanoTime();
            Frames.send(ctx, template, id, peerId);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            long rtt = System.nanoTime() - sentAt;
            try {
                onFrame(frame, rtt);
            } finally {
                frame.release();
            }
        }

        private void onFrame(ByteBuf frame, long rtt) {
            PptpMessageType type = Frames.type(frame);
            int at = frame.readerIndex();
            PptpMessageType expected = switch (phase) {
                case START -> PptpMessageType.START_CONTROL_CONNECTION_REPLY;
                case CALL_REQUEST -> PptpMessageType.OUTGOING_CALL_REPLY;
                case CALL_CLEAR -> PptpMessageType.CALL_DISCONNECT_NOTIFY;
                case STOP -> PptpMessageType.STOP_CONTROL_CONNECTION_REPLY;
                default -> null;
            };
            if (type == null || type != expected) {
                fail("PNS: got " + (type == null ? "a malformed frame" : type.abbreviation()) + " in phase " + phase);
                return;
            }
            if (run.recorder != null) {
                run.recorder.record(rtt);
            }
            switch (phase) {
                case START -> {
                    if (PptpControlCodec.resultCode(frame, at) != 1) {
                        fail("PNS: SCCRP result " + PptpControlCodec.resultCode(frame, at));
                        return;
                    }
                    nextCallOrStop();
                }
                case CALL_REQUEST -> onOutgoingCallReply(frame, at);
                case CALL_CLEAR -> {
                    int cdnCallId = PptpControlCodec.callId(frame, at);
                    if (cdnCallId != pacCallId) {
                        fail("PNS: CDN Call ID " + cdnCallId + " (expected: " + pacCallId + ")");
                        return;
                    }
                    run.calls.incrementAndGet();
                    nextCallOrStop();
                }
                case STOP -> {
                    if (PptpControlCodec.resultCode(frame, at) != 1) {
                        run.error("PNS: StopCCRP result " + PptpControlCodec.resultCode(frame, at));
                    }
                    phase = Phase.DONE;
                    ctx.close();
                }
                default -> throw new AssertionError(phase);
            }
        }

        private void onOutgoingCallReply(ByteBuf frame, int at) {
            int result = PptpControlCodec.resultCode(frame, at);
            int peer = PptpControlCodec.peerCallId(frame, at);
            int pac = PptpControlCodec.callId(frame, at);
            if (peer != callId) {
                fail("PNS: OCRP Peer Call ID " + peer + " (expected: " + callId + ", the OCRQ's Call ID)");
                return;
            }
            if (result != 1) {
                if (run.hold) {
                    // Refused (the gateway answers itself when it has no Call ID left): go on with the next.
                    run.refused.incrementAndGet();
                    nextCallOrStop();
                    return;
                }
                fail("PNS: OCRP result " + result);
                return;
            }
            if (!run.expectedPacCallIds.contains(pac)) {
                fail("PNS: OCRP Call ID " + pac + " outside " + run.expectedPacCallIds);
                return;
            }
            pacCallId = pac;
            if (run.hold) {
                run.calls.incrementAndGet();
                nextCallOrStop();
            } else {
                phase = Phase.CALL_CLEAR;
                send(Frames.CCRQ, callId, -1);
            }
        }

        private void nextCallOrStop() {
            if (callsStarted < quota && !(run.stopping && !run.hold)) {
                callsStarted++;
                callId = callId >= OWN_CALL_IDS.highest() ? OWN_CALL_IDS.lowest() : callId + 1;
                phase = Phase.CALL_REQUEST;
                send(Frames.OCRQ, callId, -1);
            } else if (run.hold) {
                phase = Phase.HOLDING;
                countReady();
                if (run.stopping) {
                    stopIfHolding();
                }
            } else {
                phase = Phase.STOP;
                send(Frames.STOP_CCRQ, -1, -1);
            }
        }

        void stopIfHolding() {
            if (phase == Phase.HOLDING) {
                phase = Phase.STOP;
                send(Frames.STOP_CCRQ, -1, -1);
            }
        }

        private void countReady() {
            if (run.hold && !readyCounted) {
                readyCounted = true;
                run.ready.countDown();
            }
        }

        private void fail(String what) {
            run.error(what);
            phase = Phase.DONE;
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            run.error("PNS: " + cause);
            phase = Phase.DONE;
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (phase != Phase.DONE) {
                run.error("PNS: connection closed by the other side in phase " + phase);
            }
            ended();
        }

        /** The connection is over (closed, or never connected). */
        void ended() {
            if (ended) {
                return;
            }
            ended = true;
            countReady();
            run.connectionEnded(quota);
        }
    }
}
