package io.github.pptpalg.netty.control;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.ErrorCode;
import io.github.pptpalg.codec.pptp.IncomingCallReply;
import io.github.pptpalg.codec.pptp.IncomingCallRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.PptpMessage;
import io.github.pptpalg.codec.pptp.PptpMessageType;
import io.github.pptpalg.codec.pptp.PptpMessages;
import io.github.pptpalg.codec.pptp.PptpProtocolException;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.core.session.Call;
import io.github.pptpalg.core.session.CallType;
import io.github.pptpalg.core.session.ControlSession;
import io.github.pptpalg.core.session.ControlVerdict;
import io.github.pptpalg.core.session.Side;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relayed control connection: the accepted channel, the connected channel and the core
 * {@link ControlSession} that translates their Call IDs. Every method runs on the one event loop that both
 * channels are registered on, so the session is driven by one thread.
 *
 * <p>What it adds to the session's decisions:
 * <ul>
 *   <li>back-pressure: a side whose opposite channel is not writable stops being read;</li>
 *   <li>keep-alive: a side silent for half the control idle timeout gets an Echo-Request from the gateway
 *       (its reply is consumed, not forwarded); silent for the whole timeout, the connection is closed;</li>
 *   <li>teardown: when one side fails (protocol error, transport closed, timeout) the other side is told
 *       properly: Call-Disconnect-Notify towards the PNS / Call-Clear-Request towards the PAC of each live
 *       call (a negative reply where the call was still being set up), then Stop-Control-Connection-Request,
 *       and its connection is closed when it answers or the drain deadline passes.</li>
 * </ul>
 *
 * <p>A relay is held for as long as its control connection lives, so it keeps little: one timer for the
 * keep-alive of both sides (instead of an idle handler and a timer per channel), its name built only when a
 * message is logged ({@link #toString()}), and it is itself the listener of both channels' close futures and
 * the task of its idle timer.
 */
final class ControlRelay implements ChannelFutureListener, Runnable {

    private static final Logger logger = LoggerFactory.getLogger(ControlRelay.class);

    private final ControlPlane plane;
    private final Channel accepted;
    private final Channel connected;
    private final ControlSession session;
    private final EventLoop loop;
    private final ControlFrameDecoder acceptedDecoder;
    private final ControlFrameDecoder connectedDecoder;
    /** Half the control idle timeout: a side silent this long gets an Echo-Request. */
    private final long idleNanos;
    private ScheduledFuture<?> setupTimeout;
    /** Runs this relay at the earlier of the two sides' idle deadlines; null once closing. */
    private ScheduledFuture<?> idleTimer;
    private long acceptedIdleDue;
    private long connectedIdleDue;
    /** The identifier of the gateway's outstanding Echo-Request to each side, or -1. */
    private long acceptedEchoIdentifier = -1;
    private long connectedEchoIdentifier = -1;
    /** Each side was found idle once and has sent nothing since. */
    private boolean acceptedIdleOnce;
    private boolean connectedIdleOnce;
    private boolean established;
    private boolean closing;
    /** Completes when both channels are closed; created by the first {@link #shutdown}. Guarded by this. */
    private CompletableFuture<Void> closeFuture;
    /** Both channels are closed. Guarded by this. */
    private boolean closed;

    ControlRelay(ControlPlane plane, Channel accepted, ControlFrameDecoder acceptedDecoder, Channel connected,
            ControlFrameDecoder connectedDecoder, ControlSession session) {
        this.plane = plane;
        this.accepted = accepted;
        this.connected = connected;
        this.acceptedDecoder = acceptedDecoder;
        this.connectedDecoder = connectedDecoder;
        this.session = session;
        this.loop = accepted.eventLoop();
        this.idleNanos = plane.controlIdle().toNanos() / 2;
        // cached by the channels from now on, so toString() names the connection even after it closed
        accepted.remoteAddress();
        connected.remoteAddress();
        accepted.closeFuture().addListener(this);
        connected.closeFuture().addListener(this);
    }

    /**
     * Starts relaying: both sides are read from now on, and what is left of the setup deadline runs until the
     * control connection is established.
     */
    void start(long setupNanosLeft) {
        setupTimeout = loop.schedule(() -> {
            if (!established && !closing) {
                fail(null, "no Start-Control-Connection-Reply within "
                        + plane.config().timeouts().connectionSetup().toMillis() + " ms of accepting the client",
                        StopReason.NONE);
            }
        }, Math.max(0, setupNanosLeft), TimeUnit.NANOSECONDS);
        long now = System.nanoTime();
        acceptedIdleDue = firstIdleDue(acceptedDecoder.lastReadNanos(), now);
        connectedIdleDue = firstIdleDue(connectedDecoder.lastReadNanos(), now);
        scheduleIdleCheck(now);
        accepted.config().setAutoRead(true);
        connected.config().setAutoRead(true);
        logger.debug("control connection {}: relaying", this);
    }

    /**
     * A side's idle deadline when relaying starts: half the idle timeout after its channel went active, or a
     * multiple of it if the setup took longer (idleness before the relay existed is not acted on).
     */
    private long firstIdleDue(long since, long now) {
        long due = since + idleNanos;
        if (due - now <= 0) {
            due += ((now - due) / idleNanos + 1) * idleNanos;
        }
        return due;
    }

    private void scheduleIdleCheck(long now) {
        long next = Math.min(acceptedIdleDue - now, connectedIdleDue - now);
        idleTimer = loop.schedule(this, Math.max(0, next), TimeUnit.NANOSECONDS);
    }

    /**
     * The idle timer: each side whose deadline has come is idle if nothing arrived from it for half the control
     * idle timeout ({@link #onIdle}: then again every half timeout while it stays silent); otherwise its deadline
     * moves to half the timeout after its last read.
     */
    @Override
    public void run() {
        idleTimer = null;
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        if (acceptedIdleDue - now <= 0) {
            acceptedIdleDue = checkIdle(Side.ACCEPTED, acceptedDecoder, now);
        }
        if (connectedIdleDue - now <= 0 && !closing) {
            connectedIdleDue = checkIdle(Side.CONNECTED, connectedDecoder, now);
        }
        if (!closing) {
            scheduleIdleCheck(now);
        }
    }

    /** One side's deadline has come: is it idle? Returns its next deadline. */
    private long checkIdle(Side side, ControlFrameDecoder decoder, long now) {
        if (decoder.reading()) {
            return now + idleNanos;
        }
        long last = decoder.lastReadNanos();
        if (now - last < idleNanos) {
            return last + idleNanos;
        }
        onIdle(side);
        return now + idleNanos;
    }

    /** A channel's close future completed. */
    @Override
    public void operationComplete(ChannelFuture future) {
        onClosed();
    }

    ControlSession session() {
        return session;
    }

    Channel channel(Side side) {
        return side == Side.ACCEPTED ? accepted : connected;
    }

    void onMessage(Side from, PptpMessage msg) {
        boolean fromAccepted = from == Side.ACCEPTED;
        if (fromAccepted) {
            acceptedIdleOnce = false;
        } else {
            connectedIdleOnce = false;
        }
        if (closing) {
            onMessageWhileClosing(from, msg);
            return;
        }
        if (msg instanceof EchoReply reply
                && reply.identifier() == (fromAccepted ? acceptedEchoIdentifier : connectedEchoIdentifier)) {
            if (fromAccepted) {
                acceptedEchoIdentifier = -1;
            } else {
                connectedEchoIdentifier = -1;
            }
            logger.debug("control connection {}: {} answered the gateway's Echo-Request", this, from);
            return;
        }
        ControlVerdict verdict = session.onMessage(from, msg.type().value(), PptpMessages.callId(msg),
                PptpMessages.peerCallId(msg), PptpMessages.resultCode(msg));
        switch (verdict.kind()) {
            case FORWARD -> forward(from, msg, verdict);
            case DISCARD -> logger.debug("control connection {}: {} from the {} side not forwarded: {}", this,
                    msg.type().abbreviation(), side(from), verdict.reason());
            case REFUSE_CALL -> refuseCall(from, msg, verdict);
            case PROTOCOL_VIOLATION -> {
                // the message was well framed, so its sender can still be told why it is cut off
                if (established) {
                    channel(from).writeAndFlush(
                            StopControlConnectionRequest.builder().reason(StopReason.STOP_PROTOCOL).build());
                }
                fail(from, verdict.reason(), StopReason.STOP_PROTOCOL);
            }
        }
    }

    private void forward(Side from, PptpMessage msg, ControlVerdict verdict) {
        PptpMessage out = PptpMessages.withCallIds(msg,
                msg.type().hasCallId() ? verdict.callId() : -1,
                msg.type().hasPeerCallId() ? verdict.peerCallId() : -1);
        Channel to = channel(from.other());
        // flushed when this read batch is done (onReadComplete): one system call for several messages
        to.write(out).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        updateAutoRead();
        if (msg instanceof StartControlConnectionReply reply && reply.resultCode().equals(ResultCode.OK)) {
            established = true;
            cancelSetupTimeout();
        }
        if (msg.type() == PptpMessageType.STOP_CONTROL_CONNECTION_REPLY) {
            // Both peers agreed to stop: a normal end, not a failure to report. Close both once the reply is out.
            closing = true;
            cancelTimers();
            logger.debug("control connection {}: stopped by the peers", this);
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> closeBoth());
        }
    }

    /** The gateway answers a call request itself: a limit was reached or no Call ID was left. */
    private void refuseCall(Side from, PptpMessage msg, ControlVerdict verdict) {
        logger.info("control connection {}: refused {} from the {} side: {}", this, msg.type().abbreviation(),
                side(from), verdict.reason());
        if (!(msg instanceof OutgoingCallRequest) && !(msg instanceof IncomingCallRequest)) {
            fail(from, "refused " + msg.type().abbreviation() + ": " + verdict.reason(), StopReason.NONE);
            return;
        }
        PptpMessage reply = negativeReply(msg instanceof OutgoingCallRequest, verdict.callId(), verdict.peerCallId(),
                ErrorCode.NO_RESOURCE);
        channel(from).writeAndFlush(reply).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        updateAutoRead();
    }

    /** While closing, only the answers to what the gateway sent matter. */
    private void onMessageWhileClosing(Side from, PptpMessage msg) {
        if (msg instanceof StopControlConnectionReply || msg instanceof StopControlConnectionRequest) {
            if (msg instanceof StopControlConnectionRequest) {
                channel(from).writeAndFlush(StopControlConnectionReply.builder().resultCode(ResultCode.OK).build());
            }
            channel(from).writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (msg instanceof EchoRequest echo) {
            channel(from).writeAndFlush(EchoReply.builder().identifier(echo.identifier())
                    .resultCode(ResultCode.OK).build());
        }
        logger.debug("control connection {}: {} from the {} side while closing, not forwarded", this,
                msg.type().abbreviation(), side(from));
    }

    /** The end of a read batch from {@code side}: what it produced for the other side goes out now. */
    void onReadComplete(Side side) {
        channel(side.other()).flush();
    }

    void onWritabilityChanged(Side side, boolean writable) {
        updateAutoRead();
    }

    /**
     * Back-pressure, one rule for both sides: a side is read only while both channels can take more. Data read
     * from one side is written to the other, and the gateway's own answers (refusals) go back to the sender, so a
     * full queue in either direction pauses both.
     */
    private void updateAutoRead() {
        if (closing) {
            return;
        }
        boolean read = accepted.isWritable() && connected.isWritable();
        accepted.config().setAutoRead(read);
        connected.config().setAutoRead(read);
    }

    private void onIdle(Side side) {
        if (closing) {
            return;
        }
        boolean isAccepted = side == Side.ACCEPTED;
        if (!channel(side).config().isAutoRead()) {
            // not read because of back-pressure: its silence proves nothing
            if (isAccepted) {
                acceptedIdleOnce = false;
            } else {
                connectedIdleOnce = false;
            }
            return;
        }
        if (isAccepted ? acceptedIdleOnce : connectedIdleOnce) {
            fail(side, "the " + side(side) + " side sent nothing for " + plane.controlIdle().toMillis()
                    + " ms, not even an Echo-Reply", StopReason.NONE);
            return;
        }
        long identifier = ThreadLocalRandom.current().nextLong(1L << 32);
        if (isAccepted) {
            acceptedIdleOnce = true;
            acceptedEchoIdentifier = identifier;
        } else {
            connectedIdleOnce = true;
            connectedEchoIdentifier = identifier;
        }
        channel(side).writeAndFlush(EchoRequest.builder().identifier(identifier).build());
        logger.debug("control connection {}: the {} side is idle, sent Echo-Request {}", this, side(side),
                identifier);
    }

    void onError(Side side, Throwable cause) {
        if (cause instanceof PptpProtocolException e) {
            plane.registry().metrics().protocolError(e.kind().name().toLowerCase(java.util.Locale.ROOT));
            fail(side, "malformed message from the " + side(side) + " side: " + e.getMessage(),
                    StopReason.STOP_PROTOCOL);
        } else if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null) {
            onError(side, cause.getCause());
        } else {
            fail(side, "the " + side(side) + " side failed: " + cause, StopReason.NONE);
        }
    }

    void onInactive(Side side) {
        if (!closing) {
            fail(side, "the " + side(side) + " side closed the connection", StopReason.NONE);
        }
    }

    /**
     * Side {@code culprit} (null: neither) can no longer be relayed: close it at once, tell the other side
     * properly, and close the other side when it answered or the drain deadline passed.
     */
    void fail(Side culprit, String reason, StopReason stopReason) {
        if (closing) {
            return;
        }
        if (culprit != null && stopReason == StopReason.STOP_PROTOCOL) {
            logger.warn("control connection {}: {}; closing it", this, reason);
        } else {
            logger.info("control connection {}: {}; closing it", this, reason);
        }
        if (culprit != null) {
            // after what is already queued for it (a Stop-Control-Connection-Request on a protocol violation)
            channel(culprit).writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            drain(List.of(culprit.other()), stopReason, reason, false);
        } else {
            drain(List.of(Side.ACCEPTED, Side.CONNECTED), stopReason, reason, false);
        }
    }

    /** Closes gracefully on behalf of the gateway ({@code PptpAlg.close()}): both sides are told. */
    CompletableFuture<Void> shutdown(String reason) {
        CompletableFuture<Void> f;
        synchronized (this) {
            if (closeFuture == null) {
                closeFuture = closed ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            }
            f = closeFuture;
        }
        loop.execute(() -> {
            if (!closing) {
                logger.info("control connection {}: {}", this, reason);
                drain(List.of(Side.ACCEPTED, Side.CONNECTED), StopReason.STOP_LOCAL_SHUTDOWN, reason, true);
            }
        });
        return f;
    }

    private void drain(List<Side> sides, StopReason stopReason, String reason, boolean adminShutdown) {
        closing = true;
        cancelTimers();
        List<Call> calls = session.calls();
        for (Side side : sides) {
            Channel ch = channel(side);
            if (!ch.isActive()) {
                continue;
            }
            ch.config().setAutoRead(true);
            for (Call call : calls) {
                PptpMessage notice = callTeardown(call, side, adminShutdown);
                if (notice != null) {
                    ch.write(notice);
                }
            }
            if (established) {
                ch.writeAndFlush(StopControlConnectionRequest.builder().reason(stopReason).build());
            } else {
                ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        session.close(reason);
        long drainNanos = plane.config().timeouts().closeDrain().toNanos();
        loop.schedule(this::closeBoth, drainNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * What tells side {@code to} that {@code call} is gone: towards its PNS a Call-Disconnect-Notify, towards
     * its PAC a Call-Clear-Request, both carrying the Call ID the gateway presented to that side; where that
     * side is still waiting for the reply to its own request, a negative reply instead. Null if that side
     * never heard of the call.
     */
    private static PptpMessage callTeardown(Call call, Side to, boolean adminShutdown) {
        int presented = call.idAsSeenBy(to.other(), to);
        if (presented < 0) {
            // "to" sent the request and has had no reply yet: answer it negatively with its own Call ID.
            int own = call.callId(to);
            if (own < 0) {
                return null;
            }
            return negativeReply(call.type() == CallType.OUTGOING, 0, own, ErrorCode.PAC_ERROR);
        }
        if (call.pnsSide() == to) {
            return CallDisconnectNotify.builder().callId(presented)
                    .resultCode(adminShutdown ? ResultCode.CDN_ADMIN_SHUTDOWN : ResultCode.CDN_LOST_CARRIER)
                    .build();
        }
        return CallClearRequest.builder().callId(presented).build();
    }

    /** An Outgoing- or Incoming-Call-Reply with result General Error: the gateway answers a request itself. */
    private static PptpMessage negativeReply(boolean outgoing, int callId, int peerCallId, ErrorCode error) {
        return outgoing
                ? OutgoingCallReply.builder().callId(callId).peerCallId(peerCallId)
                        .resultCode(ResultCode.GENERAL_ERROR).errorCode(error).build()
                : IncomingCallReply.builder().callId(callId).peerCallId(peerCallId)
                        .resultCode(ResultCode.GENERAL_ERROR).errorCode(error).build();
    }

    private void cancelSetupTimeout() {
        if (setupTimeout != null) {
            setupTimeout.cancel(false);
            setupTimeout = null;
        }
    }

    /** Closing: no setup deadline and no keep-alive any more, and no timer holding on to this relay. */
    private void cancelTimers() {
        cancelSetupTimeout();
        cancelIdleTimer();
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    /** The registry released {@code call} for GRE idleness: tell both peers. */
    void tearDownExpired(Call call) {
        loop.execute(() -> {
            if (closing) {
                return;
            }
            logger.info("control connection {}: call {} carried no GRE for {} s; clearing it", this, call.id(),
                    plane.config().timeouts().greIdle().toSeconds());
            for (Side side : Side.values()) {
                PptpMessage notice = callTeardown(call, side, true);
                if (notice != null) {
                    channel(side).writeAndFlush(notice);
                }
            }
        });
    }

    private void closeBoth() {
        accepted.close();
        connected.close();
    }

    private void onClosed() {
        if (accepted.isOpen() || connected.isOpen()) {
            return; // the other side's end is handled by onInactive and the drain
        }
        cancelIdleTimer(); // as an idle handler stops with its channel
        session.close("control connection closed");
        CompletableFuture<Void> f;
        synchronized (this) {
            closed = true;
            f = closeFuture;
        }
        if (f != null) {
            f.complete(null);
        }
        plane.forget(this);
    }

    /** The control connection's name in the log: the client's and the peer's address. */
    @Override
    public String toString() {
        return address(accepted.remoteAddress()) + " <-> " + address(connected.remoteAddress());
    }

    private static String side(Side side) {
        return side == Side.ACCEPTED ? "accepted" : "connected";
    }

    private static String address(Object address) {
        if (address instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return String.valueOf(address);
    }
}
