package io.github.pptpalg.examples;

import io.github.pptpalg.core.metrics.RefusalReason;
import io.github.pptpalg.core.session.CallSnapshot;
import io.github.pptpalg.core.session.ConnectionSnapshot;
import io.github.pptpalg.core.session.SessionListener;
import io.github.pptpalg.core.session.Side;
import io.github.pptpalg.examples.demo.Demo;
import io.github.pptpalg.netty.PptpAlg;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pptp-alg} command: pptpproxy's command line on top of {@link PptpAlg}.
 *
 * <p>{@link LauncherCommandLine} turns the arguments into {@link LauncherOptions} (or help, version, or a
 * one-line error); {@link Gateway#start(LauncherOptions)} then starts the gateway with its capture file and
 * metrics endpoint, and a shutdown hook closes everything gracefully on SIGTERM/SIGINT (the JVM then exits with
 * 143/130, as Java programs do). Exit status 0 after {@code --help} or {@code --version}; 1, with the reason on
 * one line on standard error, for a bad option or a gateway that cannot start (listen address in use, no
 * CAP_NET_RAW, ...).
 *
 * <p>No logger may be created in this class before the logging options are applied: slf4j-simple reads its
 * configuration once, when the first logger is made.
 */
public final class PptpAlgLauncher {

    private PptpAlgLauncher() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--demo")) {
            Demo.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int status = run(args, System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
        // the gateway runs: the main thread waits until the shutdown hook has closed it (event loop threads are
        // daemons, so returning from main would end the process)
        Gateway.awaitShutdown();
    }

    /**
     * Parses {@code args}, sets up logging, and starts the gateway.
     *
     * @return the exit status (0 or 1) if the process should exit now, or -1 if the gateway is running
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LauncherCommandLine.Parsed parsed;
        try {
            parsed = LauncherCommandLine.parse(args, LogSettings::apply);
        } catch (CommandLineException e) {
            err.println(LauncherCommandLine.NAME + ": " + e.getMessage());
            return 1;
        }
        if (parsed instanceof LauncherCommandLine.Help help) {
            out.print(help.text());
            out.flush();
            return 0;
        }
        if (parsed instanceof LauncherCommandLine.Version version) {
            out.println(version.text());
            return 0;
        }
        LauncherOptions options = ((LauncherCommandLine.Run) parsed).options();
        Gateway gateway;
        try {
            gateway = Gateway.start(options);
        } catch (LaunchException e) {
            err.println(LauncherCommandLine.NAME + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "pptp-alg-shutdown"));
        return -1;
    }

    /** The gateway could not start; the message says why, on one line. */
    static final class LaunchException extends Exception {

        private static final long serialVersionUID = 1L;

        LaunchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A running gateway with what the launcher adds: capture file, metrics endpoint, event log. */
    static final class Gateway implements AutoCloseable {

        private static final Logger logger = LoggerFactory.getLogger(PptpAlgLauncher.class);
        private static final CountDownLatch SHUTDOWN = new CountDownLatch(1);

        private final PptpAlg alg;
        private final PcapWriter pcap;
        private final ScheduledExecutorService pcapFlusher;
        private final MetricsHttpServer metricsServer;
        private final Object lock = new Object();
        private boolean closed;

        private Gateway(PptpAlg alg, PcapWriter pcap, ScheduledExecutorService pcapFlusher, MetricsHttpServer metricsServer) {
            this.alg = alg;
            this.pcap = pcap;
            this.pcapFlusher = pcapFlusher;
            this.metricsServer = metricsServer;
        }

        /**
         * Starts the gateway as {@code options} say and logs the warnings collected while parsing.
         *
         * @throws LaunchException if the capture file cannot be created, the gateway cannot start, or the metrics
         *         address cannot be bound; everything started is closed again
         */
        static Gateway start(LauncherOptions options) throws LaunchException {
            Objects.requireNonNull(options, "options");
            for (String warning : options.warnings()) {
                logger.warn("{}", warning);
            }
            if (options.noFork()) {
                logger.debug("-n/--nofork: accepted; the gateway always runs in the foreground");
            }
            logger.debug("Configuration: {}", options.config());
            PcapWriter pcap = null;
            ScheduledExecutorService flusher = null;
            PptpAlg alg = null;
            try {
                if (options.pcapFile() != null) {
                    try {
                        pcap = new PcapWriter(options.pcapFile(), options.pcapLimitBytes());
                    } catch (IOException e) {
                        throw new LaunchException("cannot write the capture file " + options.pcapFile() + ": " + e, e);
                    }
                    PcapWriter writer = pcap;
                    flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread thread = new Thread(r, "pptp-alg-pcap-flush");
                        thread.setDaemon(true);
                        return thread;
                    });
                    flusher.scheduleWithFixedDelay(writer::flush, 1, 1, TimeUnit.SECONDS);
                    logger.info("Capturing to {} (at most {} bytes)", options.pcapFile(), options.pcapLimitBytes());
                }
                alg = PptpAlg.builder(options.config())
                        .listener(new EventLog())
                        .packetTap(PacketLog.combine(pcap,
                                options.logging().level() == LogSettings.Level.TRACE ? new PacketLog() : null))
                        .build();
                try {
                    alg.start().get();
                } catch (ExecutionException e) {
                    throw new LaunchException(message(e.getCause()), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LaunchException("interrupted while starting", e);
                }
                MetricsHttpServer metricsServer = null;
                if (options.metricsAddress() != null) {
                    PptpAlg running = alg;
                    try {
                        metricsServer = MetricsHttpServer.start(options.metricsAddress(), running::metrics, running::sessions);
                    } catch (IOException e) {
                        throw new LaunchException(e.getMessage(), e);
                    }
                }
                logger.info("pptp-alg {} relaying {}", LauncherCommandLine.version(), options.config().proxies());
                return new Gateway(alg, pcap, flusher, metricsServer);
            } catch (LaunchException | RuntimeException e) {
                if (alg != null) {
                    closeQuietly(alg, options);
                }
                if (flusher != null) {
                    flusher.shutdownNow();
                }
                if (pcap != null) {
                    pcap.close();
                }
                if (e instanceof RuntimeException) {
                    throw new LaunchException(message(e), e);
                }
                throw e;
            }
        }

        private static void closeQuietly(PptpAlg alg, LauncherOptions options) {
            try {
                alg.close().get(options.config().timeouts().closeDrain().toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                logger.debug("Closing the gateway after a failed start failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** A throwable's message on one line, without wrapper noise. */
        static String message(Throwable e) {
            Throwable t = e;
            while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
                t = t.getCause();
            }
            String message = t.getMessage();
            return LauncherCommandLine.oneLine(message == null || message.isBlank() ? t.toString() : message);
        }

        PptpAlg alg() {
            return alg;
        }

        /** The metrics endpoint's bound address, or null without {@code --metrics}. */
        InetSocketAddress metricsAddress() {
            return metricsServer == null ? null : metricsServer.localAddress();
        }

        /**
         * Closes gracefully: the metrics endpoint, then the gateway (peers are told: Call-Disconnect-Notify,
         * Stop-Control-Connection-Request; waits for the drain timeout), then the capture file. Idempotent.
         */
        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            logger.info("Shutting down");
            try {
                if (metricsServer != null) {
                    metricsServer.close();
                }
                long drain = alg.config().timeouts().closeDrain().toMillis();
                try {
                    alg.close().get(drain + 5000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    logger.warn("The gateway did not close cleanly: {}", message(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (pcapFlusher != null) {
                    pcapFlusher.shutdownNow();
                }
                if (pcap != null) {
                    pcap.close();
                    logger.info("Capture file closed: {} packets, {} bytes{}", pcap.recordsWritten(), pcap.bytesWritten(),
                            pcap.recordsDropped() > 0 ? ", " + pcap.recordsDropped() + " packets not written" : "");
                }
                logger.info("Stopped");
            } finally {
                SHUTDOWN.countDown();
            }
        }

        /** Blocks until some gateway of this process has been closed. */
        static void awaitShutdown() {
            try {
                SHUTDOWN.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Logs connection and call events, as pptpproxy logs its connections. */
    static final class EventLog implements SessionListener {

        private static final Logger logger = LoggerFactory.getLogger("io.github.pptpalg.examples.events");

        @Override
        public void connectionOpened(ConnectionSnapshot c) {
            logger.info("Connection {}: {} relayed to {}", c.id(), SessionsJson.address(c.acceptedPeer()),
                    SessionsJson.address(c.connectedPeer()));
        }

        @Override
        public void connectionClosed(ConnectionSnapshot c, String reason) {
            logger.info("Connection {}: {} closed after {} s: {}", c.id(), SessionsJson.address(c.acceptedPeer()),
                    c.age().toSeconds(), reason);
        }

        @Override
        public void connectionRefused(InetAddress source, RefusalReason reason) {
            logger.info("Connection from {} refused: {}", source.getHostAddress(), reason.label());
        }

        @Override
        public void callEstablished(CallSnapshot call) {
            logger.info("Connection {} call {}: {} established, Call IDs accepted side {} -> {}, connected side {} -> {}",
                    call.connectionId(), call.id(), call.type(), call.acceptedCallId(), call.acceptedGatewayCallId(),
                    call.connectedCallId(), call.connectedGatewayCallId());
        }

        @Override
        public void callClosed(CallSnapshot call, String reason) {
            logger.info("Connection {} call {}: closed after {} s, {} + {} GRE packets: {}", call.connectionId(), call.id(),
                    call.age().toSeconds(), call.acceptedToConnectedPackets(), call.connectedToAcceptedPackets(), reason);
        }

        @Override
        public void callRefused(ConnectionSnapshot c, Side from, int callId, RefusalReason reason) {
            logger.info("Connection {}: call request from the {} side (Call ID {}) refused: {}", c.id(),
                    from.name().toLowerCase(java.util.Locale.ROOT), callId, reason.label());
        }
    }
}
