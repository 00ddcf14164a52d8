package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizationCommandTest {

    private static final Duration LONG = Duration.ofSeconds(10);
    private static ExecutorService executor;
    private static InetAddress client;

    @BeforeAll
    static void setUp() throws Exception {
        executor = Executors.newFixedThreadPool(2);
        client = InetAddress.getByName("198.18.0.5");
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
    }

    private static AuthorizationOutcome evaluate(String commandLine, Duration timeout, InetAddress address) throws Exception {
        return AuthorizationCommand.parse(commandLine, timeout).evaluate(address, executor).get(20, TimeUnit.SECONDS);
    }

    @Test
    void exitStatusZeroAllowsAndOtherStatusDenies() throws Exception {
        assertEquals(AuthorizationOutcome.ALLOWED, evaluate("/bin/true", LONG, client));
        assertEquals(AuthorizationOutcome.DENIED, evaluate("/bin/false", LONG, client));
        assertEquals(AuthorizationOutcome.DENIED, evaluate("sh -c 'exit 3' sh", LONG, client));
        assertTrue(AuthorizationCommand.parse("true", LONG).authorize(client, executor).get(20, TimeUnit.SECONDS));
        assertFalse(AuthorizationCommand.parse("false", LONG).authorize(client, executor).get(20, TimeUnit.SECONDS));
    }

    @Test
    void theClientAddressIsTheSingleExtraArgument() throws Exception {
        String checkArgs = "sh -c 'test \"$#\" = 1 && test \"$1\" = 198.18.0.5' sh";
        assertEquals(AuthorizationOutcome.ALLOWED, evaluate(checkArgs, LONG, client));
        assertEquals(AuthorizationOutcome.DENIED, evaluate(checkArgs, LONG, InetAddress.getByName("198.18.0.6")));
    }

    @Test
    void noShellExpansionTakesPlace(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("args");
        // $HOME, * and ; reach the program unchanged as arguments
        String line = "sh -c 'printf \"%s|\" \"$@\" > " + out + "' sh '$HOME' * \\; \"a b\"";
        assertEquals(AuthorizationOutcome.ALLOWED, evaluate(line, LONG, client));
        assertEquals("$HOME|*|;|a b|198.18.0.5|", Files.readString(out));
    }

    @Test
    void aProgramThatCannotStartFails() throws Exception {
        assertEquals(AuthorizationOutcome.FAILED, evaluate("/nonexistent/authorize-pptp", LONG, client));
        assertFalse(AuthorizationCommand.parse("/nonexistent/authorize-pptp", LONG)
                .authorize(client, executor).get(20, TimeUnit.SECONDS));
    }

    @Test
    void aProgramThatRunsTooLongIsKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        // sh starts sleep in the background and waits: the killer must reach the grandchild too
        String line = "sh -c 'sleep 5 & echo $! > " + pidFile + "; wait' sh";
        long start = System.nanoTime();
        AuthorizationOutcome outcome = evaluate(line, Duration.ofMillis(200), client);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(AuthorizationOutcome.FAILED, outcome);
        assertTrue(elapsedMillis < 3000, "took " + elapsedMillis + " ms");
        long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> sleep = ProcessHandle.of(sleepPid);
        if (sleep.isPresent()) {
            sleep.get().onExit().get(2, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(sleepPid).map(ProcessHandle::isAlive).orElse(false), "sleep " + sleepPid + " still runs");
    }

    @Test
    void aDirectChildThatRunsTooLongIsKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        String line = "sh -c 'echo $$ > " + pidFile + "; exec sleep 5' sh";
        assertEquals(AuthorizationOutcome.FAILED, evaluate(line, Duration.ofMillis(200), client));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sleep " + pid + " still runs");
    }

    @Test
    void chainStopsAtTheFirstThatAllows(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        List<AuthorizationCommand> chain = List.of(
                AuthorizationCommand.parse("false", LONG),
                AuthorizationCommand.parse("sh -c 'test \"$1\" = 198.18.0.5' sh", LONG),
                AuthorizationCommand.parse("sh -c 'touch " + marker + "' sh", LONG));
        assertEquals(AuthorizationOutcome.ALLOWED,
                AuthorizationCommand.evaluateChain(chain, client, executor).get(20, TimeUnit.SECONDS));
        assertFalse(Files.exists(marker), "the third command must not run");

        assertEquals(AuthorizationOutcome.ALLOWED, AuthorizationCommand
                .evaluateChain(chain, InetAddress.getByName("198.18.0.7"), executor).get(20, TimeUnit.SECONDS));
        assertTrue(Files.exists(marker), "the third command runs when the first two deny");
    }

    @Test
    void chainOutcomes() throws Exception {
        AuthorizationCommand deny = AuthorizationCommand.parse("false", LONG);
        AuthorizationCommand fail = AuthorizationCommand.parse("/nonexistent/x", LONG);
        assertEquals(AuthorizationOutcome.ALLOWED,
                AuthorizationCommand.evaluateChain(List.of(), client, executor).get(20, TimeUnit.SECONDS));
        assertEquals(AuthorizationOutcome.DENIED,
                AuthorizationCommand.evaluateChain(List.of(fail, deny), client, executor).get(20, TimeUnit.SECONDS));
        assertEquals(AuthorizationOutcome.DENIED,
                AuthorizationCommand.evaluateChain(List.of(deny, fail), client, executor).get(20, TimeUnit.SECONDS));
        assertEquals(AuthorizationOutcome.FAILED,
                AuthorizationCommand.evaluateChain(List.of(fail, fail), client, executor).get(20, TimeUnit.SECONDS));
        assertFalse(AuthorizationCommand.authorizeAny(List.of(deny), client, executor).get(20, TimeUnit.SECONDS));
        assertTrue(AuthorizationCommand.authorizeAny(List.of(), client, executor).get(20, TimeUnit.SECONDS));
    }

    @Test
    void aRejectingExecutorFails() throws Exception {
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        assertEquals(AuthorizationOutcome.FAILED,
                AuthorizationCommand.parse("true", LONG).evaluate(client, closed).get(1, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/usr/local/bin/check --flag                 | /usr/local/bin/check,--flag",
        "'  a   b  '                                 | a,b",
        "sh -c 'test \"$1\" = 198.18.0.5' sh         | sh,-c,test \"$1\" = 198.18.0.5,sh",
        "a\"b c\"d                                   | ab cd",
        "\"x \\\" \\\\ \\$ \\n\"                      | x \" \\ $ \\n",
        "a\\ b c                                     | a b,c",
        "a '' b                                      | a,,b",
    })
    void splitsLikeAShellWithoutExpanding(String line, String words) {
        assertEquals(List.of(words.split(",", -1)), AuthorizationCommand.split(line));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''           | invalid authorization command \"\": blank (expected: a program and its arguments)",
        "'   '        | invalid authorization command \"   \": blank (expected: a program and its arguments)",
        "a 'b         | invalid authorization command \"a 'b\": unterminated ' quote at index 2 (expected: a closing ')",
        "a \"b        | invalid authorization command \"a \"b\": unterminated \" quote at index 2 (expected: a closing \")",
        "a b\\        | invalid authorization command \"a b\\\": trailing backslash (expected: a character after \\)",
        "''''''       | argv: [] (expected: a program name and its arguments)",
    })
    void rejectsBadCommandLines(String line, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuthorizationCommand.parse(line, LONG));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsNonPositiveTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuthorizationCommand.parse("true", Duration.ZERO));
        assertEquals("timeout: PT0S (expected: > 0)", e.getMessage());
    }
}
