package io.github.pptpalg.netty.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Debian's pptp-linux (pptpclient), the PNS, running {@code pptp SERVER --nolaunchpppd
 * --nohostroute} in a namespace with a private tmpfs on {@code /run/pptp} (its call manager's
 * unix socket would otherwise be shared by every client talking to the same server address,
 * across namespaces). Its fd 0 is a unix stream connection to this object
 * ({@code interop/pptp-client.py} connects and execs pptp), exposed as {@link #ppp()}.
 *
 * <p>pptp forks a call manager that leaves the process tree; all of the client's processes
 * share its private mount namespace, which is how {@link #processes()} finds them.
 * Closing {@link #ppp()} (or {@link #hangUp}) makes pptp hang up: Call-Clear-Request, then
 * the TCP connection is closed. pptp-linux logs to syslog; stdout/stderr are in {@link #log()}.
 */
public final class PptpClient implements AutoCloseable {

    private final Netns ns;
    private final InetAddress server;
    private final Path directory;
    private final Process process;
    private final ServerSocketChannel listener;
    private final PppPipe ppp;
    private final String mountNamespace;
    private boolean closed;

    /** pptp command-line options. */
    public static final class Options {
        private int idleWait = -1;
        private int maxEchoWait = -1;
        private boolean nobuffer;
        private int loglevel = 1;
        private int randomByte = -1;
        private final List<String> arguments = new ArrayList<>();

        /**
         * Makes pptp read {@code value} repeated from /dev/random (a file bind-mounted over it in pptp's private
         * mount namespace), so that two clients pick the same Call ID, as they may by chance.
         */
        public Options fixedRandomByte(int value) {
            if (value < 0 || value > 0xFF) {
                throw new IllegalArgumentException("value: " + value + " (expected: 0..255)");
            }
            this.randomByte = value;
            return this;
        }

        /** {@code --idle-wait}: seconds of idleness before an Echo-Request (use 2 or more, see interop notes). */
        public Options idleWait(int seconds) {
            this.idleWait = seconds;
            return this;
        }

        /** {@code --max-echo-wait}: seconds to wait for an Echo-Reply before giving up. */
        public Options maxEchoWait(int seconds) {
            this.maxEchoWait = seconds;
            return this;
        }

        /** {@code --nobuffer}: no reordering buffer, every GRE payload goes out at once. */
        public Options nobuffer(boolean nobuffer) {
            this.nobuffer = nobuffer;
            return this;
        }

        public Options loglevel(int loglevel) {
            this.loglevel = loglevel;
            return this;
        }

        /** Any other pptp option, verbatim. */
        public Options argument(String argument) {
            arguments.add(Objects.requireNonNull(argument, "argument"));
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    private PptpClient(Netns ns, InetAddress server, Path directory, Process process, ServerSocketChannel listener,
                       PppPipe ppp, String mountNamespace) {
        this.ns = ns;
        this.server = server;
        this.directory = directory;
        this.process = process;
        this.listener = listener;
        this.ppp = ppp;
        this.mountNamespace = mountNamespace;
    }

    public static PptpClient start(Netns ns, InetAddress server) {
        return start(ns, server, options());
    }

    /**
     * Starts pptp in {@code ns} towards {@code server} (the PAC, or a gateway's listening
     * address) and returns as soon as pptp holds its PPP connection; the control connection and
     * the call are set up in the background (see {@link InteropCall#establish}).
     */
    public static PptpClient start(Netns ns, InetAddress server, Options options) {
        Objects.requireNonNull(ns, "ns");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        Path directory = InteropFiles.workDirectory("pptpalg-pptp");
        Path wrapper = InteropFiles.script(directory, "pptp-client.py");
        Path socket = directory.resolve("ppp.sock");
        ServerSocketChannel listener = InteropFiles.listen(socket);
        List<String> pptp = new ArrayList<>(List.of("/usr/sbin/pptp", server.getHostAddress(), "--nolaunchpppd",
                "--nohostroute", "--loglevel", String.valueOf(options.loglevel)));
        if (options.idleWait >= 0) {
            pptp.add("--idle-wait");
            pptp.add(String.valueOf(options.idleWait));
        }
        if (options.maxEchoWait >= 0) {
            pptp.add("--max-echo-wait");
            pptp.add(String.valueOf(options.maxEchoWait));
        }
        if (options.nobuffer) {
            pptp.add("--nobuffer");
        }
        pptp.addAll(options.arguments);
        String fixedRandom = "";
        if (options.randomByte >= 0) {
            Path random = directory.resolve("random");
            byte[] bytes = new byte[4096];
            java.util.Arrays.fill(bytes, (byte) options.randomByte);
            try {
                Files.write(random, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + random, e);
            }
            fixedRandom = " && mount --bind " + random + " /dev/random";
        }
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mkdir -p /run/pptp && mount -t tmpfs -o mode=0755,size=1m pptpalg /run/pptp" + fixedRandom
                        + " && exec \"$0\" \"$@\"",
                InteropFiles.PYTHON, wrapper.toString(), socket.toString()));
        command.addAll(pptp);
        Process process;
        try {
            process = new ProcessBuilder(ns.command(command))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("pptp.log").toFile())
                    .start();
        } catch (IOException e) {
            closeQuietly(listener);
            InteropFiles.deleteRecursively(directory);
            throw new UncheckedIOException("cannot start pptp in " + ns, e);
        }
        SocketChannel channel = InteropFiles.accept(listener, Duration.ofSeconds(5), () -> !process.isAlive());
        if (channel == null) {
            String log = InteropFiles.read(directory.resolve("pptp.log"));
            process.destroyForcibly();
            closeQuietly(listener);
            InteropFiles.deleteRecursively(directory);
            throw new IllegalStateException("pptp in " + ns + " did not connect its PPP side"
                    + (process.isAlive() ? "" : " (exited)") + ": " + log);
        }
        // the wrapper has unshared its mount namespace by now; pptp and its call manager keep it
        String mountNamespace = mountNamespace(process.pid());
        PppPipe ppp = PppPipe.start("pptp " + process.pid() + " in " + ns.name(), channel, process.pid(), false);
        return new PptpClient(ns, server, directory, process, listener, ppp, mountNamespace);
    }

    private static String mountNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The PPP side of the call: frames to and from the PAC. */
    public PppPipe ppp() {
        return ppp;
    }

    public Netns namespace() {
        return ns;
    }

    public InetAddress server() {
        return server;
    }

    /** The main pptp process (the GRE side); the call manager is a separate process. */
    public long pid() {
        return process.pid();
    }

    /** Every live process of this client: pptp and its call manager (they share a mount namespace of their own). */
    public List<ProcessHandle> processes() {
        if (mountNamespace == null) {
            return process.isAlive() ? List.of(process.toHandle()) : List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(p -> mountNamespace.equals(mountNamespace(p.pid())))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    /**
     * Hangs up the way pptp-linux does when its PPP side goes away (Call-Clear-Request, then
     * TCP close) by closing {@link #ppp()}; true if all its processes exited within {@code timeout}.
     */
    public boolean hangUp(Duration timeout) {
        ppp.close();
        return InteropFiles.waitGone(processes(), timeout);
    }

    /** stdout and stderr of pptp. */
    public String log() {
        return InteropFiles.read(directory.resolve("pptp.log"));
    }

    public Path directory() {
        return directory;
    }

    /** Hangs up, then terminates whatever is left; deletes the work directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> processes = processes();
        if (!hangUp(Duration.ofSeconds(2))) {
            List<ProcessHandle> left = new ArrayList<>(processes());
            left.addAll(processes);
            InteropFiles.terminate(left, Duration.ofSeconds(1));
        }
        closeQuietly(listener);
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
        return "pptp " + process.pid() + " in " + ns + " to " + server.getHostAddress();
    }
}
