package io.github.pptpalg.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * The {@code pptp-alg} launcher as an operator runs it: a separate process started from the shaded jar
 * ({@code java -jar examples/target/pptp-alg.jar ...}) or the start script ({@code src/main/dist/pptp-alg}), whose
 * standard output and error go to files, reached over HTTP on its {@code --metrics} address and stopped with
 * SIGTERM. Failsafe passes the paths as the system properties {@value #JAR_PROPERTY} and {@value #SCRIPT_PROPERTY}.
 */
final class LauncherProcess implements AutoCloseable {

    static final String JAR_PROPERTY = "pptpalg.launcher.jar";
    static final String SCRIPT_PROPERTY = "pptpalg.launcher.script";
    /** The exit status after SIGTERM, as {@code --help} documents it (128 + 15). */
    static final int EXIT_STATUS_SIGTERM = 143;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Launchers not closed yet: a test JVM that ends abruptly kills them rather than leave them running. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "launcher-process-cleanup"));
    }

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private LauncherProcess(String name, List<String> command, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The shaded launcher jar; fails (never skips) if it was not built: failsafe runs after {@code package}. */
    static Path jar() {
        return existing(JAR_PROPERTY, "target/pptp-alg.jar");
    }

    /** The start script {@code src/main/dist/pptp-alg}, which finds the jar in {@code target/} of the build tree. */
    static Path script() {
        Path script = existing(SCRIPT_PROPERTY, "src/main/dist/pptp-alg");
        assertTrue(Files.isExecutable(script), "the start script is not executable: " + script);
        return script;
    }

    private static Path existing(String property, String fallback) {
        Path path = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new AssertionFailedError(path + " does not exist (system property " + property
                    + "): the launcher's integration tests run after `package`, e.g. ./mvnw -pl examples verify");
        }
        return path;
    }

    /** The java executable of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -jar pptp-alg.jar ARGUMENTS}. */
    static List<String> javaJar(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(arguments);
        return command;
    }

    /** {@code src/main/dist/pptp-alg ARGUMENTS}. */
    static List<String> startScript(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(arguments);
        return command;
    }

    /**
     * Starts {@code command} with {@code environment} added to this JVM's, standard input from /dev/null and
     * standard output and error into {@code directory}.
     */
    static LauncherProcess start(String name, Path directory, List<String> command, Map<String, String> environment) {
        Objects.requireNonNull(name, "name");
        Path stdout = directory.resolve(name + ".stdout");
        Path stderr = directory.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            RUNNING.add(process);
            return new LauncherProcess(name, List.copyOf(command), process, stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    static LauncherProcess start(String name, Path directory, List<String> command) {
        return start(name, directory, command, Map.of());
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** For failure messages: the command and what it printed so far. */
    String describe() {
        return name + " (" + String.join(" ", command) + ")" + (process.isAlive() ? "" : ", exited with "
                + process.exitValue()) + "; stdout: " + stdout() + "; stderr: " + stderr();
    }

    /** Waits until {@code GET /metrics} on 127.0.0.1:{@code port} answers 200 (the gateway listens by then). */
    void awaitMetrics(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionFailedError("the launcher ended before it served /metrics: " + describe());
            }
            try {
                HttpResponse<String> response = HTTP.send(request(port, "/metrics"), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("no /metrics on 127.0.0.1:" + port + " within " + timeout + ": " + describe());
            }
            sleep(50);
        }
    }

    /** {@code GET path} on 127.0.0.1:{@code port}: asserts status 200 and {@code contentType}, returns the body. */
    static String get(int port, String path, String contentType) {
        try {
            HttpResponse<String> response = HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "GET " + path + ": " + response.body());
            assertEquals(contentType, response.headers().firstValue("content-type").orElse(null), "GET " + path);
            return response.body();
        } catch (IOException e) {
            throw new AssertionFailedError("GET http://127.0.0.1:" + port + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).GET().build();
    }

    /** The metrics endpoint as a map of sample name (with labels) to value, and of family to {@code # TYPE}. */
    record Metrics(Map<String, Long> samples, Map<String, String> types) {

        static Metrics get(int port) {
            return parse(LauncherProcess.get(port, "/metrics", "text/plain; version=0.0.4; charset=utf-8"));
        }

        /** Parses Prometheus' text format 0.0.4 as the launcher writes it (no timestamps, integer values). */
        static Metrics parse(String text) {
            Map<String, Long> samples = new LinkedHashMap<>();
            Map<String, String> types = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] words = line.split(" ");
                    types.put(words[2], words[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
                }
            }
            return new Metrics(samples, types);
        }

        /** The sample's value; fails if the endpoint does not have it. */
        long value(String sample) {
            Long value = samples.get(sample);
            if (value == null) {
                throw new AssertionFailedError("no sample " + sample + " in /metrics: " + samples.keySet());
            }
            return value;
        }
    }

    /** Waits up to {@code timeout} for the process to end on its own; fails if it does not. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionFailedError("the launcher still runs after " + timeout + ": " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as {@code kill PID} or systemd's stop do, and waits up to {@code timeout} for the exit status. */
    int terminate(Duration timeout) {
        process.destroy(); // SIGTERM on Linux
        return awaitExit(timeout);
    }

    /** Ends the process if it still runs: SIGTERM, then SIGKILL after 10 s. Idempotent. */
    @Override
    public void close() {
        RUNNING.remove(process);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
