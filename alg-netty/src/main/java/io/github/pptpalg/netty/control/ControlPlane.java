package io.github.pptpalg.netty.control;

import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.policy.AuthorizationCommand;
import io.github.pptpalg.core.policy.AuthorizationOutcome;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.session.Admission;
import io.github.pptpalg.core.session.Call;
import io.github.pptpalg.core.session.ControlSession;
import io.github.pptpalg.core.session.SessionRegistry;
import io.github.pptpalg.core.session.Side;
import io.github.pptpalg.netty.PacketTap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane of one gateway instance: a listener per proxy pair; for each accepted connection,
 * admission (limits, ACL), the authorization commands (off the event loop), a non-blocking connect to the
 * peer on the same event loop, and then a {@link ControlRelay}.
 */
public final class ControlPlane {

    private static final Logger logger = LoggerFactory.getLogger(ControlPlane.class);

    /** Pauses reading a side when more than this is queued towards the other side. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(8 * 1024, 32 * 1024);

    private final PptpAlgConfig config;
    private final Duration controlIdle;
    private final SessionRegistry registry;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannelType;
    private final Class<? extends Channel> channelType;
    /** One for every pipeline, or null without a tap. */
    private final ControlTapHandler tapHandler;
    private final Executor authorizationExecutor;
    private final List<Channel> listeners = new ArrayList<>();
    private final Map<ControlSession, ControlRelay> relays = new ConcurrentHashMap<>();
    /** The receive-buffer allocator every channel of this plane shares, see {@link #shareRecvAllocator}. */
    private volatile AdaptiveRecvByteBufAllocator recvAllocator;
    private volatile boolean closing;

    /**
     * @param tap                   sees the control bytes, or null
     * @param authorizationExecutor runs the authorization commands (they block while they wait)
     */
    public ControlPlane(PptpAlgConfig config, SessionRegistry registry, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannelType, Class<? extends Channel> channelType, PacketTap tap,
            Executor authorizationExecutor) {
        this(config, registry, group, serverChannelType, channelType, tap, authorizationExecutor,
                config.timeouts().controlIdle());
    }

    /**
     * As above, with the control idle timeout given explicitly instead of the configuration's, which cannot be
     * shorter than RFC 2637's 120 s: for tests of the keep-alive that cannot wait two minutes.
     */
    public ControlPlane(PptpAlgConfig config, SessionRegistry registry, EventLoopGroup group,
            Class<? extends ServerChannel> serverChannelType, Class<? extends Channel> channelType, PacketTap tap,
            Executor authorizationExecutor, Duration controlIdle) {
        this.controlIdle = Objects.requireNonNull(controlIdle, "controlIdle");
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.group = Objects.requireNonNull(group, "group");
        this.serverChannelType = Objects.requireNonNull(serverChannelType, "serverChannelType");
        this.channelType = Objects.requireNonNull(channelType, "channelType");
        this.tapHandler = tap == null ? null : new ControlTapHandler(tap);
        this.authorizationExecutor = Objects.requireNonNull(authorizationExecutor, "authorizationExecutor");
    }

    PptpAlgConfig config() {
        return config;
    }

    /** The control idle timeout in force (the configuration's unless a test shortened it). */
    Duration controlIdle() {
        return controlIdle;
    }

    SessionRegistry registry() {
        return registry;
    }

    /** Binds one listener per proxy pair; completes with their bound addresses, in the config's order. */
    public CompletableFuture<List<InetSocketAddress>> bind() {
        List<ProxyPair> proxies = config.proxies();
        List<CompletableFuture<InetSocketAddress>> bound = new ArrayList<>();
        for (ProxyPair proxy : proxies) {
            CompletableFuture<InetSocketAddress> f = new CompletableFuture<>();
            bound.add(f);
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(serverChannelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ControlSideHandler handler = new ControlSideHandler(Side.ACCEPTED, null);
                            initPipeline(ch, handler);
                            ch.pipeline().addLast(new AcceptHandler(proxy, handler));
                        }
                    });
            b.bind(proxy.listen()).addListener((ChannelFuture cf) -> {
                if (cf.isSuccess()) {
                    synchronized (listeners) {
                        listeners.add(cf.channel());
                    }
                    InetSocketAddress local = (InetSocketAddress) cf.channel().localAddress();
                    logger.info("listening on {} for {}", local, proxy.peer());
                    f.complete(local);
                } else {
                    f.completeExceptionally(new java.io.IOException(
                            "cannot listen on " + proxy.listen().getHostString() + ":" + proxy.listen().getPort() + ": "
                                    + cf.cause().getMessage(), cf.cause()));
                }
            });
        }
        return CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new))
                .thenApply(v -> bound.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Every stage of a pipeline costs each connection a context, so there are two (three with a tap): the
     * decoder, which also notes reads for the relay's idle timer, and the relay's side handler, which also
     * encodes.
     */
    private void initPipeline(Channel ch, ControlSideHandler handler) {
        shareRecvAllocator(ch.config());
        ChannelPipeline p = ch.pipeline();
        if (tapHandler != null) {
            p.addLast("tap", tapHandler);
        }
        p.addLast("decoder", new ControlFrameDecoder(config.maxControlMessageLength()));
        p.addLast("relay", handler);
    }

    /**
     * Netty gives each channel its own {@link AdaptiveRecvByteBufAllocator}, though the allocator only holds
     * settings (the per-channel state is in the handle it creates on the first read). The channels of this plane
     * share the first one's instead, as long as it is the plain default with the same settings.
     */
    private void shareRecvAllocator(ChannelConfig channelConfig) {
        if (!(channelConfig.getRecvByteBufAllocator() instanceof AdaptiveRecvByteBufAllocator own)
                || own.getClass() != AdaptiveRecvByteBufAllocator.class) {
            return;
        }
        AdaptiveRecvByteBufAllocator shared = recvAllocator;
        if (shared != null && shared.maxMessagesPerRead() == own.maxMessagesPerRead()
                && shared.respectMaybeMoreData() == own.respectMaybeMoreData()) {
            channelConfig.setRecvByteBufAllocator(shared);
        } else {
            recvAllocator = own;
        }
    }

    void forget(ControlRelay relay) {
        relays.remove(relay.session(), relay);
    }

    /**
     * Tells the peers of calls that the registry released for GRE idleness: Call-Clear-Request to each call's
     * PAC, Call-Disconnect-Notify to its PNS (what they answer is discarded by the session).
     */
    public void tearDownExpired(List<Call> calls) {
        for (Call call : calls) {
            ControlRelay relay = relays.get(call.session());
            if (relay != null) {
                relay.tearDownExpired(call);
            }
        }
    }

    /**
     * Stops accepting, asks every relay to close gracefully (Call-Disconnect-Notify / Call-Clear-Request and
     * Stop-Control-Connection-Request to both sides) and completes when all are closed.
     */
    public CompletableFuture<Void> close(String reason) {
        closing = true;
        List<CompletableFuture<?>> all = new ArrayList<>();
        synchronized (listeners) {
            for (Channel l : listeners) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                l.close().addListener(x -> f.complete(null));
                all.add(f);
            }
            listeners.clear();
        }
        for (ControlRelay relay : relays.values()) {
            all.add(relay.shutdown(reason));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Admission, then {@link PendingConnection} for one accepted connection; then it steps aside. */
    private final class AcceptHandler extends ChannelInboundHandlerAdapter {

        private final ProxyPair proxy;
        private final ControlSideHandler acceptedHandler;

        AcceptHandler(ProxyPair proxy, ControlSideHandler acceptedHandler) {
            this.proxy = proxy;
            this.acceptedHandler = acceptedHandler;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            ctx.pipeline().remove(this);
            InetSocketAddress client = (InetSocketAddress) ch.remoteAddress();
            if (closing) {
                ch.close();
                return;
            }
            Admission admission = registry.admit(client.getAddress());
            if (!admission.isAdmitted()) {
                logger.info("control connection from {} refused: {}", address(client),
                        describe(admission.refusalReason()));
                ch.close();
                return;
            }
            new PendingConnection(proxy, ch, acceptedHandler, client, admission).start();
        }
    }

    /**
     * An admitted connection on its way to a relay: the authorization commands and the peer's name lookup run on
     * the authorization executor (they block), the connect runs on the accepted channel's event loop, and every
     * step comes back to that loop. The setup deadline covers all of it, then the relay takes over what is left
     * of it until the control connection is established. Whatever ends the attempt returns the admission's slot.
     */
    private final class PendingConnection {

        private final ProxyPair proxy;
        private final Channel accepted;
        private final ControlSideHandler acceptedHandler;
        private final InetSocketAddress client;
        private final Admission admission;
        private final long deadline;
        private ScheduledFuture<?> timer;
        private boolean done; // confined to accepted.eventLoop()

        PendingConnection(ProxyPair proxy, Channel accepted, ControlSideHandler acceptedHandler,
                InetSocketAddress client, Admission admission) {
            this.proxy = proxy;
            this.accepted = accepted;
            this.acceptedHandler = acceptedHandler;
            this.client = client;
            this.admission = admission;
            this.deadline = System.nanoTime() + config.timeouts().connectionSetup().toNanos();
        }

        void start() {
            timer = accepted.eventLoop().schedule(this::expire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            List<AuthorizationCommand> commands = config.authorizationCommands();
            CompletableFuture<AuthorizationOutcome> authorization;
            try {
                authorization = commands.isEmpty()
                        ? CompletableFuture.completedFuture(AuthorizationOutcome.ALLOWED)
                        : AuthorizationCommand.evaluateChain(commands, client.getAddress(), authorizationExecutor);
            } catch (RejectedExecutionException e) {
                give(RefusalReason.SHUTTING_DOWN, "the gateway is closing");
                return;
            }
            authorization.whenComplete((outcome, failure) -> onLoop(() -> {
                if (failure == null && outcome.isAllowed()) {
                    resolvePeer();
                } else {
                    give(failure == null && outcome == AuthorizationOutcome.DENIED
                            ? RefusalReason.AUTHORIZATION_DENIED : RefusalReason.AUTHORIZATION_FAILED,
                            "authorization " + (failure == null ? outcome.name().toLowerCase(Locale.ROOT)
                                    : "failed: " + failure));
                }
            }));
        }

        /** A peer given by name is looked up off the event loop, and only its IPv4 addresses count. */
        private void resolvePeer() {
            InetSocketAddress peer = proxy.peer();
            if (!peer.isUnresolved()) {
                connect(peer);
                return;
            }
            CompletableFuture<InetSocketAddress> lookup;
            try {
                lookup = CompletableFuture.supplyAsync(() -> resolveIpv4(peer), authorizationExecutor);
            } catch (RejectedExecutionException e) {
                give(RefusalReason.SHUTTING_DOWN, "the gateway is closing");
                return;
            }
            lookup.whenComplete((resolved, failure) -> onLoop(() -> {
                if (failure == null) {
                    connect(resolved);
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    give(RefusalReason.PEER_UNREACHABLE, "cannot resolve peer " + peer.getHostString() + ": "
                            + cause.getMessage());
                }
            }));
        }

        private void connect(InetSocketAddress peer) {
            if (done) {
                return;
            }
            if (!accepted.isActive()) {
                give(RefusalReason.CLIENT_GONE, "the client left before the peer was connected");
                return;
            }
            ControlSideHandler connectedHandler = new ControlSideHandler(Side.CONNECTED, null);
            Bootstrap b = new Bootstrap()
                    .group(accepted.eventLoop())
                    .channel(channelType)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.min(Integer.MAX_VALUE, config.timeouts().connect().toMillis()))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            initPipeline(ch, connectedHandler);
                        }
                    });
            b.connect(peer).addListener((ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                    logger.warn("control connection from {}: cannot connect to peer {}: {}", address(client),
                            address(peer), cf.cause().getMessage());
                    give(RefusalReason.PEER_UNREACHABLE, null);
                    return;
                }
                Channel connected = cf.channel();
                if (done || !accepted.isActive() || closing) {
                    connected.close();
                    give(closing ? RefusalReason.SHUTTING_DOWN : RefusalReason.CLIENT_GONE, null);
                    return;
                }
                ControlSession session;
                try {
                    session = registry.open(admission, client, (InetSocketAddress) connected.remoteAddress());
                } catch (RuntimeException e) {
                    connected.close();
                    give(RefusalReason.PEER_UNREACHABLE, "cannot relay to peer " + address(peer) + ": "
                            + e.getMessage());
                    return;
                }
                done = true;
                timer.cancel(false);
                ControlRelay relay = new ControlRelay(ControlPlane.this,
                        accepted, accepted.pipeline().get(ControlFrameDecoder.class),
                        connected, connected.pipeline().get(ControlFrameDecoder.class), session);
                relays.put(session, relay);
                acceptedHandler.relay(relay);
                connectedHandler.relay(relay);
                relay.start(deadline - System.nanoTime());
                if (closing) {
                    // close() may have looked at the relays just before this one was added
                    relay.shutdown("the gateway is closing");
                }
            });
        }

        private void expire() {
            give(RefusalReason.SETUP_TIMEOUT, "no control connection within "
                    + config.timeouts().connectionSetup().toMillis() + " ms of accepting it");
        }

        /** Ends the attempt: the slot goes back, the client's connection is closed. On the event loop. */
        private void give(RefusalReason reason, String why) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            admission.refuse(reason);
            if (why != null) {
                logger.info("control connection from {} refused: {}", address(client), why);
            }
            accepted.close();
        }

        /** Runs {@code task} on the accepted channel's event loop; if that has shut down, gives up instead. */
        private void onLoop(Runnable task) {
            try {
                accepted.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                if (!done) {
                    done = true;
                    admission.refuse(RefusalReason.SHUTTING_DOWN);
                    accepted.close();
                }
            }
        }
    }

    private static InetSocketAddress resolveIpv4(InetSocketAddress peer) {
        try {
            for (InetAddress a : InetAddress.getAllByName(peer.getHostString())) {
                if (a instanceof Inet4Address) {
                    return new InetSocketAddress(a, peer.getPort());
                }
            }
            throw new CompletionException(new UnknownHostException("no IPv4 address"));
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
    }

    private static String describe(RefusalReason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static String address(InetSocketAddress a) {
        return (a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }
}
