package io.github.pptpalg.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.netty.interop.Exec;
import io.github.pptpalg.netty.interop.Privileged;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fatal errors an operator meets when starting the launcher ({@code java -jar pptp-alg.jar ...}): the process
 * exits with status 1 and says why on one line of standard error, prefixed {@code pptp-alg: }, without a stack
 * trace.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LauncherExitIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);
    private static final String NOBODY = "nobody";
    private static final String NOGROUP = "nogroup";

    @TempDir
    Path work;
    private final List<LauncherProcess> launchers = new ArrayList<>();

    @AfterEach
    void stopLaunchers() {
        launchers.forEach(LauncherProcess::close);
    }

    private LauncherProcess launch(List<String> command) {
        LauncherProcess launcher = LauncherProcess.start("launcher", work, command);
        launchers.add(launcher);
        return launcher;
    }

    /** Asserts exit status 1, nothing on standard output, and exactly one {@code pptp-alg:} line; returns that line. */
    private static String fatalError(LauncherProcess launcher) {
        assertEquals(1, launcher.awaitExit(EXIT_TIMEOUT), launcher.describe());
        assertEquals("", launcher.stdout(), launcher.describe());
        List<String> reasons = launcher.stderr().lines().filter(line -> line.startsWith("pptp-alg: ")).toList();
        assertEquals(1, reasons.size(), "expected one line of reason: " + launcher.describe());
        assertFalse(launcher.stderr().contains("\tat "), "a stack trace: " + launcher.describe());
        return reasons.get(0);
    }

    @Test
    void aListenAddressInUseIsAOneLineFatalError() throws Exception {
        // the gateway opens its raw GRE socket before it listens: without CAP_NET_RAW that would fail first
        Privileged.require(Requirement.RAW_SOCKET);
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + occupied.getLocalPort();
            LauncherProcess launcher = launch(LauncherProcess.javaJar(List.of("-p", listen + ",127.0.0.1:1723")));
            String reason = fatalError(launcher);
            assertTrue(reason.startsWith("pptp-alg: cannot listen on " + listen + ": "), reason);
            assertTrue(reason.contains("Address already in use"), reason);
        }
    }

    @Test
    void aMetricsAddressInUseIsAOneLineFatalError() throws Exception {
        Privileged.require(Requirement.RAW_SOCKET);
        int listenPort = LauncherProcess.freePort();
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String metrics = "127.0.0.1:" + occupied.getLocalPort();
            LauncherProcess launcher = launch(LauncherProcess.javaJar(List.of("-p", "127.0.0.1:" + listenPort
                    + ",127.0.0.1:1723", "--metrics", metrics)));
            String reason = fatalError(launcher);
            assertTrue(reason.startsWith("pptp-alg: cannot serve metrics on " + metrics + ": "), reason);
            assertTrue(reason.contains("Address already in use"), reason);
        }
    }

    @Test
    void aFastPathOnAMissingOrUnfitInterfaceIsAOneLineFatalError() {
        Privileged.require(Requirement.RAW_SOCKET);
        int listenPort = LauncherProcess.freePort();
        String missing = "pagone" + ProcessHandle.current().pid() % 100_000;
        LauncherProcess launcher = launch(LauncherProcess.javaJar(List.of("-p", "127.0.0.1:" + listenPort
                + ",127.0.0.1:1723", "--gre-offload", missing)));
        assertEquals("pptp-alg: GRE fast path: no network interface " + missing + " (in this network namespace)",
                fatalError(launcher));
        LauncherProcess loopback = launch(LauncherProcess.javaJar(List.of("-p", "127.0.0.1:" + listenPort
                + ",127.0.0.1:1723", "--gre-offload", "lo")));
        assertEquals("pptp-alg: GRE fast path: interface lo has link type 772 (expected: Ethernet, 1): run it on "
                + "Ethernet interfaces only", fatalError(loopback));
    }

    @Test
    void withoutCapNetRawTheReasonGivesTheSetcapHint() throws IOException {
        // an unprivileged operator: user nobody, no capabilities (root is needed to become nobody)
        Privileged.require(Requirement.ROOT);
        List<String> asNobody = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOGROUP, "--clear-groups");
        Assumptions.assumeTrue(Privileged.onPath("setpriv"), "setpriv (util-linux) is not installed");
        // the build tree may sit in a directory only root can enter (mktemp -d): install a copy the way an
        // operator would, readable by everyone, in /tmp (which everyone can traverse)
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pptpalg-nobody");
        Path jar = dir.resolve("pptp-alg.jar");
        String reason;
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(LauncherProcess.jar(), jar);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Exec.Result readable = Exec.run(concat(asNobody, List.of("test", "-r", jar.toString())));
            assertTrue(readable.succeeded(), "user " + NOBODY + " cannot read " + jar + ": "
                    + readable.stderr().strip());
            int listenPort = LauncherProcess.freePort(); // unprivileged: above 1023
            LauncherProcess launcher = launch(concat(asNobody, List.of(LauncherProcess.java(), "-jar",
                    jar.toString(), "-p", "127.0.0.1:" + listenPort + ",127.0.0.1:1723")));
            reason = fatalError(launcher);
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
        assertTrue(reason.startsWith("pptp-alg: raw GRE sockets are not available: "), reason);
        assertTrue(reason.contains("the process lacks CAP_NET_RAW"), reason);
        assertTrue(reason.contains("setcap cap_net_raw+ep"), reason);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
