package io.github.pptpalg.netty.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * Debian's pptpd (PoPToP), the PAC, as an instance of our own in a namespace: its own config
 * ({@code -c}), in the foreground, with the {@code ppp} option pointing at the fake pppd
 * ({@code interop/fake-pppd.py}) instead of pppd. Each call pptpctrl accepts execs the fake
 * pppd, which connects back to this object over a pathname unix socket; {@link #awaitCall}
 * hands out that call's {@link PppPipe}.
 *
 * <p>The fake pppd writes {@link Options#primingFrames() priming frames} at once, because
 * pptpctrl reads GRE only after its pppd has written; with the default options the client
 * therefore first receives {@link #PRIMING_FRAME} (see {@link InteropCall#establish}).
 * pptpd and pptpctrl log only to syslog; their stdout and stderr (and the fake pppd's) are in
 * {@link #log()}.
 */
public final class Pptpd implements AutoCloseable {

    /** What the fake pppd writes first: LCP Configure-Request, Identifier 1, no options. */
    public static final byte[] PRIMING_FRAME = HexFormat.of().parseHex("ff03c02101010004");
    public static final int PORT = 1723;

    private final Netns ns;
    private final Path directory;
    private final Process process;
    private final ServerSocketChannel listener;
    private final List<PppPipe> calls = new ArrayList<>();
    private final List<PppPipe> allCalls = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** How to run pptpd. */
    public static final class Options {
        private List<byte[]> primingFrames = List.of(PRIMING_FRAME);
        private boolean debug;
        private final List<String> configuration = new ArrayList<>();

        /** PPP frames the fake pppd writes to pptpctrl before anything else (at least one is needed). */
        public Options primingFrames(byte[]... frames) {
            if (frames.length == 0) {
                throw new IllegalArgumentException("primingFrames: none (expected: at least 1, pptpctrl reads GRE only after pppd wrote)");
            }
            this.primingFrames = List.of(frames.clone());
            return this;
        }

        public List<byte[]> primingFrames() {
            return primingFrames;
        }

        /** pptpd {@code -d} (to syslog, which is usually absent here). */
        public Options debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /** An extra pptpd.conf line, e.g. {@code "connections 2"} or {@code "stimeout 5"}. */
        public Options configuration(String line) {
            configuration.add(Objects.requireNonNull(line, "line"));
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    private Pptpd(Netns ns, Path directory, Process process, ServerSocketChannel listener) {
        this.ns = ns;
        this.directory = directory;
        this.process = process;
        this.listener = listener;
    }

    public static Pptpd start(Netns ns) {
        return start(ns, options());
    }

    /** Starts pptpd in {@code ns} and returns once it listens on port 1723. */
    public static Pptpd start(Netns ns, Options options) {
        Objects.requireNonNull(ns, "ns");
        Objects.requireNonNull(options, "options");
        Path directory = InteropFiles.workDirectory("pptpalg-pptpd");
        Path fakePppd = InteropFiles.script(directory, "fake-pppd.py");
        Path socket = directory.resolve("pppd.sock");
        StringBuilder priming = new StringBuilder();
        for (byte[] frame : options.primingFrames) {
            priming.append(HexFormat.of().formatHex(HdlcFraming.encode(frame)));
        }
        Path wrapper = directory.resolve("fake-pppd.sh");
        InteropFiles.write(wrapper, "#!/bin/sh\nexec " + InteropFiles.PYTHON + " " + fakePppd + " " + socket + " "
                + priming + " \"$@\"\n", true);
        InteropFiles.write(directory.resolve("pppd-options"), "# read by nobody: the fake pppd ignores its arguments\n", false);
        StringBuilder conf = new StringBuilder()
                .append("ppp ").append(wrapper).append('\n')
                .append("option ").append(directory.resolve("pppd-options")).append('\n')
                .append("localip 10.255.0.1\n")
                .append("remoteip 10.255.0.2-254\n");
        options.configuration.forEach(line -> conf.append(line).append('\n'));
        Path confFile = directory.resolve("pptpd.conf");
        InteropFiles.write(confFile, conf.toString(), false);

        ServerSocketChannel listener = InteropFiles.listen(socket);
        List<String> command = new ArrayList<>(List.of("/usr/sbin/pptpd", "-c", confFile.toString(), "-f",
                "-p", directory.resolve("pptpd.pid").toString()));
        if (options.debug) {
            command.add("-d");
        }
        Process process;
        try {
            File log = directory.resolve("pptpd.log").toFile();
            process = new ProcessBuilder(ns.command(command))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
        } catch (IOException e) {
            closeQuietly(listener);
            InteropFiles.deleteRecursively(directory);
            throw new UncheckedIOException("cannot start pptpd in " + ns, e);
        }
        Pptpd pptpd = new Pptpd(ns, directory, process, listener);
        try {
            pptpd.awaitListening(Duration.ofSeconds(5));
        } catch (RuntimeException | Error e) {
            pptpd.close();
            throw e;
        }
        Thread acceptor = new Thread(pptpd::acceptLoop, "pptpd-calls-" + ns.name());
        acceptor.setDaemon(true);
        acceptor.start();
        return pptpd;
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pptpd exited with " + process.exitValue() + " in " + ns + ": " + log());
            }
            if (!ns.exec("ss", "-Hltn", "sport", "=", ":" + PORT).stdout().isBlank()) {
                return;
            }
            InteropFiles.sleep(10);
        }
        throw new IllegalStateException("pptpd does not listen on port " + PORT + " after " + timeout + " in " + ns + ": " + log());
    }

    private void acceptLoop() {
        int n = 0;
        try {
            listener.configureBlocking(true);
            while (!closed) {
                SocketChannel channel = listener.accept();
                PppPipe pipe = PppPipe.start("pptpd call " + n++ + " in " + ns.name(), channel, -1, true);
                allCalls.add(pipe);
                synchronized (calls) {
                    calls.add(pipe);
                    calls.notifyAll();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /**
     * The PPP side of the next call pptpd accepted (its fake pppd connected and sent its banner),
     * in the order the calls arrived; fails the test if none comes within {@code timeout}.
     */
    public PppPipe awaitCall(Duration timeout) {
        return awaitCall(timeout, pipe -> true, "any client");
    }

    /**
     * The next call whose client address, as pptpd saw it (pppd's {@code ipparam}), is
     * {@code client}; other calls stay queued. Behind a proxying gateway every call comes from
     * the gateway's address: establish such calls one after the other instead.
     */
    public PppPipe awaitCallFrom(InetAddress client, Duration timeout) {
        Objects.requireNonNull(client, "client");
        String address = client.getHostAddress();
        return awaitCall(timeout, pipe -> address.equals(pipe.pppdOption("ipparam")), address);
    }

    private PppPipe awaitCall(Duration timeout, Predicate<PppPipe> wanted, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (true) {
                for (PppPipe pipe : calls) {
                    // a fake pppd connects before it writes its banner line: wait for that line
                    pipe.banner(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(100).toNanos())));
                    if (wanted.test(pipe)) {
                        calls.remove(pipe);
                        return pipe;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionFailedError("pptpd in " + ns + " started no call from " + what + " within " + timeout
                            + " (" + allCalls.size() + " call(s) in all"
                            + (process.isAlive() ? "" : ", pptpd exited with " + process.exitValue()) + "); log: " + log());
                }
                try {
                    calls.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionFailedError("interrupted");
                }
            }
        }
    }

    /** Calls accepted so far (whether or not taken with {@link #awaitCall}). */
    public int callsAccepted() {
        return allCalls.size();
    }

    public Netns namespace() {
        return ns;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** pptpd and its live descendants (one pptpctrl per control connection, the fake pppd of each call). */
    public List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).filter(ProcessHandle::isAlive).toList();
    }

    /** The pptpctrl processes alive now (one per control connection). */
    public List<ProcessHandle> controlConnections() {
        return process.children().filter(ProcessHandle::isAlive).toList();
    }

    public Path directory() {
        return directory;
    }

    /** What pptpd, pptpctrl and the fake pppds wrote to stdout/stderr. */
    public String log() {
        return InteropFiles.read(directory.resolve("pptpd.log"));
    }

    /** Stops pptpd and everything it started, closes all call pipes, deletes the work directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> processes = new ArrayList<>(process.descendants().toList());
        processes.add(process.toHandle());
        InteropFiles.terminate(processes, Duration.ofSeconds(2));
        closeQuietly(listener);
        allCalls.forEach(PppPipe::close);
        InteropFiles.deleteRecursively(directory);
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return "pptpd " + process.pid() + " in " + ns;
    }
}
