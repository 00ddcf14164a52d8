package io.github.pptpalg.core.policy;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An external program that decides whether a client may open a control connection.
 *
 * <p>The program is run without a shell: the command line is split into words once, at parse time
 * ({@link #parse(String, Duration)}), and the client's address ({@link InetAddress#getHostAddress()}, e.g.
 * {@code 198.18.0.5}) is appended as the last argument. Exit status 0 allows the client; any other status
 * denies it. A program that cannot be started, or that runs longer than the timeout, counts as a denial
 * ({@link AuthorizationOutcome#FAILED}) and is logged with the reason; on timeout the process and its
 * descendants are killed. Standard input is empty, standard output is discarded, standard error goes to the
 * gateway's standard error.
 *
 * <p>Running a command blocks a thread of the given {@link Executor} for up to the timeout: give a
 * thread pool meant for blocking work, never an event loop.
 *
 * <p>Several commands form a chain ({@link #authorizeAny(List, InetAddress, Executor)}): they run one after
 * another until one allows.
 */
public final class AuthorizationCommand {

    private static final Logger logger = LoggerFactory.getLogger(AuthorizationCommand.class);

    /** The timeout used when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> argv;
    private final Duration timeout;

    private AuthorizationCommand(List<String> argv, Duration timeout) {
        this.argv = argv;
        this.timeout = timeout;
    }

    /**
     * A command from its words: {@code argv.get(0)} is the program (looked up on {@code PATH} if it has no slash).
     *
     * @throws IllegalArgumentException if {@code argv} is empty or contains an empty program name, or the timeout
     *         is not positive
     */
    public static AuthorizationCommand of(List<String> argv, Duration timeout) {
        List<String> copy = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (copy.isEmpty() || copy.get(0).isEmpty()) {
            throw new IllegalArgumentException("argv: " + copy + " (expected: a program name and its arguments)");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        return new AuthorizationCommand(copy, timeout);
    }

    /** {@link #parse(String, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static AuthorizationCommand parse(String commandLine) {
        return parse(commandLine, DEFAULT_TIMEOUT);
    }

    /**
     * Splits a command line into words the way a POSIX shell splits a simple command, without expanding
     * anything: words are separated by white space; {@code '...'} quotes literally; {@code "..."} quotes with
     * {@code \"}, {@code \\}, {@code \$} and {@code \`} as escapes; outside quotes a backslash quotes the next
     * character. No variables, globs, pipes or redirections: {@code $HOME} or {@code |} are ordinary
     * characters. Example: {@code sh -c 'test "$1" = 198.18.0.5' sh} gives the four words
     * {@code sh}, {@code -c}, {@code test "$1" = 198.18.0.5} and {@code sh}.
     *
     * @throws IllegalArgumentException for a blank line or an unterminated quote, naming the line
     */
    public static AuthorizationCommand parse(String commandLine, Duration timeout) {
        Objects.requireNonNull(commandLine, "commandLine");
        List<String> words;
        try {
            words = split(commandLine);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid authorization command \"" + commandLine + "\": " + e.getMessage(), e);
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid authorization command \"" + commandLine + "\": blank (expected: a program and its arguments)");
        }
        return of(words, timeout);
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i++);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\'') {
                inWord = true;
                int end = line.indexOf('\'', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ' quote at index " + (i - 1) + " (expected: a closing ')");
                }
                word.append(line, i, end);
                i = end + 1;
            } else if (c == '"') {
                inWord = true;
                int start = i - 1;
                for (;;) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unterminated \" quote at index " + start + " (expected: a closing \")");
                    }
                    char q = line.charAt(i++);
                    if (q == '"') {
                        break;
                    }
                    if (q == '\\' && i < line.length() && "\"\\$`".indexOf(line.charAt(i)) >= 0) {
                        q = line.charAt(i++);
                    }
                    word.append(q);
                }
            } else if (c == '\\') {
                if (i >= line.length()) {
                    throw new IllegalArgumentException("trailing backslash (expected: a character after \\)");
                }
                inWord = true;
                word.append(line.charAt(i++));
            } else {
                inWord = true;
                word.append(c);
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The program and its fixed arguments (without the client address). */
    public List<String> argv() {
        return argv;
    }

    /** How long the program may run. */
    public Duration timeout() {
        return timeout;
    }

    /** Runs the command for {@code client} on {@code executor}: completes with {@code true} if it allowed. */
    public CompletableFuture<Boolean> authorize(InetAddress client, Executor executor) {
        return evaluate(client, executor).thenApply(AuthorizationOutcome::isAllowed);
    }

    /**
     * Runs the command for {@code client} on {@code executor}. The future never completes exceptionally: every
     * failure is {@link AuthorizationOutcome#FAILED}, logged at warn with the reason.
     */
    public CompletableFuture<AuthorizationOutcome> evaluate(InetAddress client, Executor executor) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(executor, "executor");
        try {
            return CompletableFuture.supplyAsync(() -> run(client), executor);
        } catch (RejectedExecutionException e) {
            logger.warn("Authorization command {} for {} not run: executor rejected it ({})", argv, client.getHostAddress(), e.toString());
            return CompletableFuture.completedFuture(AuthorizationOutcome.FAILED);
        }
    }

    /**
     * Runs {@code commands} one after another for {@code client} until one allows. An empty chain allows
     * everyone. The outcome is {@link AuthorizationOutcome#ALLOWED} if one allowed, else
     * {@link AuthorizationOutcome#DENIED} if at least one denied, else {@link AuthorizationOutcome#FAILED}.
     */
    public static CompletableFuture<AuthorizationOutcome> evaluateChain(
            List<AuthorizationCommand> commands, InetAddress client, Executor executor) {
        List<AuthorizationCommand> chain = List.copyOf(Objects.requireNonNull(commands, "commands"));
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(executor, "executor");
        if (chain.isEmpty()) {
            return CompletableFuture.completedFuture(AuthorizationOutcome.ALLOWED);
        }
        return evaluateFrom(chain, 0, AuthorizationOutcome.FAILED, client, executor);
    }

    private static CompletableFuture<AuthorizationOutcome> evaluateFrom(List<AuthorizationCommand> chain, int index,
            AuthorizationOutcome soFar, InetAddress client, Executor executor) {
        return chain.get(index).evaluate(client, executor).thenCompose(outcome -> {
            if (outcome == AuthorizationOutcome.ALLOWED) {
                return CompletableFuture.completedFuture(outcome);
            }
            AuthorizationOutcome combined = outcome == AuthorizationOutcome.DENIED ? outcome : soFar;
            return index + 1 == chain.size()
                    ? CompletableFuture.completedFuture(combined)
                    : evaluateFrom(chain, index + 1, combined, client, executor);
        });
    }

    /** {@link #evaluateChain(List, InetAddress, Executor)} as a yes/no answer. */
    public static CompletableFuture<Boolean> authorizeAny(
            List<AuthorizationCommand> commands, InetAddress client, Executor executor) {
        return evaluateChain(commands, client, executor).thenApply(AuthorizationOutcome::isAllowed);
    }

    private AuthorizationOutcome run(InetAddress client) {
        String address = client.getHostAddress();
        List<String> command = new ArrayList<>(argv.size() + 1);
        command.addAll(argv);
        command.add(address);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.INHERIT)
                    .start();
        } catch (IOException | RuntimeException e) {
            logger.warn("Authorization command {} for {} could not start: {}", argv, address, e.toString());
            return AuthorizationOutcome.FAILED;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            logger.debug("Closing the standard input of {} failed", argv, e);
        }
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                logger.warn("Authorization command {} for {} timed out after {} ms and was killed",
                        argv, address, timeout.toMillis());
                return AuthorizationOutcome.FAILED;
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            logger.warn("Authorization command {} for {} was interrupted and killed", argv, address);
            return AuthorizationOutcome.FAILED;
        }
        int status = process.exitValue();
        if (status == 0) {
            logger.debug("Authorization command {} allowed {}", argv, address);
            return AuthorizationOutcome.ALLOWED;
        }
        logger.info("Authorization command {} denied {} (exit status {})", argv, address, status);
        return AuthorizationOutcome.DENIED;
    }

    private static void kill(Process process) {
        // Descendants first, deepest first: once the parent is gone they would be reparented (and no longer
        // found), and a parent still alive reaps them; an orphan killed later can stay a zombie on hosts whose
        // init does not reap.
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        java.util.Collections.reverse(descendants);
        descendants.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle descendant : descendants) {
            try {
                descendant.onExit().get(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // not reaped yet: the parent is killed anyway
            }
        }
        process.destroyForcibly();
        try {
            process.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "AuthorizationCommand" + argv + " (timeout " + timeout.toMillis() + " ms)";
    }
}
