package io.github.pptpalg.netty.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Work directories, the helper scripts (copied out of the class path, so the test jar works too), process chores. */
final class InteropFiles {

    /** Set to {@code true} to keep the peers' work directories (configs, logs) after a run. */
    static final String KEEP_PROPERTY = "pptpalg.interop.keep";
    static final String PYTHON = "/usr/bin/python3";

    private InteropFiles() {
    }

    /** A fresh directory under /tmp (short paths: unix socket names are limited to 107 bytes). */
    static Path workDirectory(String prefix) {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code /interop/<script>} from the class path into {@code directory}, executable. */
    static Path script(Path directory, String script) {
        Path target = directory.resolve(script);
        try (InputStream in = InteropFiles.class.getResourceAsStream("/interop/" + script)) {
            if (in == null) {
                throw new IllegalStateException("resource /interop/" + script + " not on the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text, boolean executable) {
        try {
            Files.writeString(file, text);
            if (executable) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static ServerSocketChannel listen(Path socket) {
        try {
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            return listener;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + socket, e);
        }
    }

    /** Accepts one connection within {@code timeout}, giving up early when {@code giveUp} says so; null if none. */
    static SocketChannel accept(ServerSocketChannel listener, Duration timeout, BooleanSupplier giveUp) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            listener.configureBlocking(false);
            while (System.nanoTime() < deadline) {
                SocketChannel channel = listener.accept();
                if (channel != null) {
                    channel.configureBlocking(true);
                    return channel;
                }
                if (giveUp.getAsBoolean()) {
                    return null;
                }
                sleep(5);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (Boolean.getBoolean(KEEP_PROPERTY) || directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    /** SIGTERM to every process, then SIGKILL to those alive after {@code grace}; waits until all are gone. */
    static boolean terminate(List<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        if (waitGone(processes, grace)) {
            return true;
        }
        processes.forEach(ProcessHandle::destroyForcibly);
        return waitGone(processes, Duration.ofSeconds(5));
    }

    static boolean waitGone(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    static String describe(List<ProcessHandle> processes) {
        StringBuilder text = new StringBuilder();
        for (ProcessHandle process : processes) {
            text.append(text.length() == 0 ? "" : ", ").append(process.pid()).append(' ')
                    .append(process.info().commandLine().orElse("?"));
        }
        return text.toString();
    }

    /**
     * Packets the kernel dropped host-wide at its per-CPU input backlog (the 2nd column of
     * {@code /proc/net/softnet_stat}, summed; -1 if unreadable). veth traffic of every network
     * namespace passes that backlog, so a process flooding any namespace (a benchmark's GRE
     * generator) makes our packets disappear too; GRE has no retransmission, so a test then sees
     * a frame lost. Failure messages quote this counter's growth.
     */
    static long backlogDrops() {
        try {
            long total = 0;
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/net/softnet_stat"))) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length > 1) {
                    total += Long.parseLong(columns[1], 16);
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
