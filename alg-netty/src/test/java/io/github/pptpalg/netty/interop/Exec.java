package io.github.pptpalg.netty.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command to completion with a time limit and keeps what it printed. For the
 * fixtures' housekeeping ({@code ip}, {@code nft}, {@code sysctl}); long-running peers use
 * {@link ProcessBuilder} directly.
 */
public final class Exec {

    /** Default limit for one housekeeping command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Exec() {
    }

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Returns this result, or throws with the command, exit code and stderr if it failed. */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): "
                        + String.join(" ", command) + (stderr.isBlank() ? "" : ": " + stderr.strip()));
            }
            return this;
        }
    }

    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    public static Result run(List<String> command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    /**
     * Runs {@code command} with stdin closed; kills it (and its descendants) if it outlives
     * {@code timeout}, which is reported as an {@link IllegalStateException}.
     */
    public static Result run(Duration timeout, List<String> command) {
        Objects.requireNonNull(timeout, "timeout");
        List<String> argv = List.copyOf(command);
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
                throw new IllegalStateException("command timed out after " + timeout + ": " + String.join(" ", argv));
            }
            return new Result(argv, process.exitValue(), out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + String.join(" ", argv), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "exec-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }
}
