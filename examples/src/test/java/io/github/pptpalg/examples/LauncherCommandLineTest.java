package io.github.pptpalg.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.AuthorizationCommand;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Subnet;
import io.github.pptpalg.core.policy.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LauncherCommandLineTest {

    @TempDir
    Path directory;

    private static LauncherOptions run(String... args) {
        return assertInstanceOf(LauncherCommandLine.Run.class, LauncherCommandLine.parse(args)).options();
    }

    private static InetSocketAddress address(String host, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static List<String> proxies(PptpAlgConfig config) {
        return config.proxies().stream().map(ProxyPair::toString).collect(Collectors.toList());
    }

    private Path file(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void defaultsWithOneProxy() throws IOException {
        LauncherOptions options = run("-p", "198.18.1.2");
        PptpAlgConfig config = options.config();
        assertEquals(1, config.proxies().size());
        assertEquals(address("0.0.0.0", 1723), config.proxies().get(0).listen());
        assertEquals(address("198.18.1.2", 1723), config.proxies().get(0).peer());
        assertEquals(AccessList.allowAll(), config.accessList());
        assertEquals(List.of(), config.authorizationCommands());
        assertEquals(Limits.defaults(), config.limits());
        assertEquals(Timeouts.defaults(), config.timeouts());
        assertEquals(PptpAlgConfig.DEFAULT_CALL_ID_RANGE, config.callIdRange());
        assertEquals(PptpAlgConfig.DEFAULT_GRE_EVENT_LOOPS, config.greEventLoops());
        assertEquals(new LogSettings(LogSettings.Level.INFO, null), options.logging());
        assertNull(options.pcapFile());
        assertEquals(LauncherCommandLine.DEFAULT_PCAP_LIMIT_BYTES, options.pcapLimitBytes());
        assertNull(options.metricsAddress());
        assertFalse(options.noFork());
        assertNull(options.configFile());
        assertEquals(List.of(), options.warnings());
    }

    @Test
    void proxiesWithAddressesAndPorts() throws IOException {
        LauncherOptions options = run("-p", "198.18.0.1:11723,198.18.1.2:1724", "--proxy", "198.18.0.1,vpn.example.net",
                "-p", "0.0.0.0:0,198.18.1.3");
        List<ProxyPair> pairs = options.config().proxies();
        assertEquals(3, pairs.size());
        assertEquals(address("198.18.0.1", 11723), pairs.get(0).listen());
        assertEquals(address("198.18.1.2", 1724), pairs.get(0).peer());
        assertEquals(address("198.18.0.1", 1723), pairs.get(1).listen());
        assertEquals(InetSocketAddress.createUnresolved("vpn.example.net", 1723), pairs.get(1).peer());
        assertEquals(0, pairs.get(2).listen().getPort());
        assertEquals(List.of(), options.warnings());
    }

    @Test
    void repeatedListenAddressIsIgnoredWithAWarning() {
        LauncherOptions options = run("-p", "198.18.1.2", "-p", "0.0.0.0:1723,198.18.1.9", "-p", "0.0.0.0:1724,198.18.1.3",
                "-p", "198.18.0.1:1724,198.18.1.4", "-p", "0.0.0.0:1724,198.18.1.5");
        assertEquals(List.of("0.0.0.0:1723,198.18.1.2:1723", "0.0.0.0:1724,198.18.1.3:1723", "198.18.0.1:1724,198.18.1.4:1723"),
                proxies(options.config()));
        assertEquals(List.of(
                "ignoring proxy --proxy \"0.0.0.0:1723,198.18.1.9\": listen address 0.0.0.0:1723 already taken by --proxy \"198.18.1.2\"",
                "ignoring proxy --proxy \"0.0.0.0:1724,198.18.1.5\": listen address 0.0.0.0:1724 already taken by --proxy \"0.0.0.0:1724,198.18.1.3\""),
                options.warnings());
    }

    @Test
    void ephemeralListenPortsNeverRepeat() {
        LauncherOptions options = run("-p", "127.0.0.1:0,198.18.1.2", "-p", "127.0.0.1:0,198.18.1.3");
        assertEquals(2, options.config().proxies().size());
        assertEquals(List.of(), options.warnings());
    }

    @Test
    void accessListWithNetmasksAndPrefixLengths() {
        PptpAlgConfig config = run("-p", "198.18.1.2", "-a", "198.18.0.0/255.255.255.0", "--acl", "10.1.2.3/8", "-a", "192.0.2.7")
                .config();
        assertEquals(List.of(Subnet.parse("198.18.0.0/24"), Subnet.parse("10.0.0.0/8"), Subnet.parse("192.0.2.7/32")),
                config.accessList().subnets());
    }

    @Test
    void authorizationCommandsInOrder() {
        PptpAlgConfig config = run("-p", "198.18.1.2", "-x", "/usr/local/bin/check --strict", "--aclCmd", "sh -c 'exit 1' sh")
                .config();
        List<AuthorizationCommand> commands = config.authorizationCommands();
        assertEquals(2, commands.size());
        assertEquals(List.of("/usr/local/bin/check", "--strict"), commands.get(0).argv());
        assertEquals(List.of("sh", "-c", "exit 1", "sh"), commands.get(1).argv());
        assertEquals(AuthorizationCommand.DEFAULT_TIMEOUT, commands.get(0).timeout());
    }

    @Test
    void flagsAndTheirClusters() {
        LauncherOptions options = run("-p", "198.18.1.2", "-nd");
        assertTrue(options.noFork());
        assertEquals(LogSettings.Level.DEBUG, options.logging().level());

        assertTrue(run("-p", "198.18.1.2", "--nofork").noFork());
        assertEquals(LogSettings.Level.DEBUG, run("-p", "198.18.1.2", "--debug").logging().level());
        assertEquals(LogSettings.Level.TRACE, run("-p", "198.18.1.2", "-e").logging().level());
        assertEquals(LogSettings.Level.TRACE, run("-p", "198.18.1.2", "--extensive", "-d").logging().level());
    }

    @Test
    void logFile() {
        LogSettings logging = run("-p", "198.18.1.2", "-l", "/var/log/pptp-alg.log").logging();
        assertEquals(Path.of("/var/log/pptp-alg.log"), logging.file());
        assertEquals(LogSettings.Level.INFO, logging.level());
        assertEquals(Path.of("x.log"), run("-p", "198.18.1.2", "--log", "x.log", "-d").logging().file());
    }

    @Test
    void gatewayOptions() throws IOException {
        LauncherOptions options = run("-p", "198.18.1.2", "--call-id-range", "1000-1999",
                "--call-id-quarantine", "750ms", "--max-connections", "10", "--max-connections-per-source", "2", "--max-calls", "unlimited",
                "--max-calls-per-connection", "3",
                "--connect-timeout", "500ms", "--setup-timeout", "45s", "--control-idle-timeout", "2m",
                "--gre-idle-timeout", "0", "--gre-loops", "4",
                "--pcap", "/tmp/x.pcap", "--pcap-limit", "64M", "--metrics", "127.0.0.1:9723");
        assertEquals(List.of(), options.config().greOffloadInterfaces());
        assertEquals(List.of("eth0", "eth1.100"),
                run("-p", "198.18.1.2", "--gre-offload", "eth0, eth1.100").config().greOffloadInterfaces());
        PptpAlgConfig config = options.config();
        assertEquals(new CallIdRange(1000, 1999), config.callIdRange());
        assertEquals(Duration.ofMillis(750), config.callIdQuarantine());
        assertEquals(new Limits(10, 2, 3, Limits.UNLIMITED), config.limits());
        assertEquals(new Timeouts(Duration.ofSeconds(45), Duration.ofMinutes(2), Duration.ZERO, Duration.ofMillis(500),
                Timeouts.defaults().closeDrain()), config.timeouts());
        assertFalse(config.timeouts().greIdleEnabled());
        assertEquals(4, config.greEventLoops());
        assertEquals(Path.of("/tmp/x.pcap"), options.pcapFile());
        assertEquals(64L << 20, options.pcapLimitBytes());
        assertEquals(address("127.0.0.1", 9723), options.metricsAddress());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            30s      | PT30S
            2m       | PT2M
            1h       | PT1H
            1d       | PT24H
            250ms    | PT0.25S
            90       | PT1M30S
            PT1M30S  | PT1M30S
            """)
    void durations(String text, String expected) {
        assertEquals(Duration.parse(expected), LauncherCommandLine.duration(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            4096   | 4096
            64k    | 65536
            64KB   | 65536
            100M   | 104857600
            2G     | 2147483648
            """)
    void sizes(String text, long expected) {
        assertEquals(expected, LauncherCommandLine.size(text));
    }

    @Test
    void metricsAddresses() throws IOException {
        assertEquals(address("::1", 9723), run("-p", "198.18.1.2", "--metrics", "[::1]:9723").metricsAddress());
        InetSocketAddress local = run("-p", "198.18.1.2", "--metrics", "localhost:0").metricsAddress();
        assertTrue(local.getAddress().isLoopbackAddress(), local::toString);
        assertEquals(0, local.getPort());
    }

    @Test
    void helpAndVersion() {
        for (String option : List.of("-h", "--help")) {
            LauncherCommandLine.Help help = assertInstanceOf(LauncherCommandLine.Help.class,
                    LauncherCommandLine.parse(option));
            assertTrue(help.text().contains("Usage: pptp-alg [OPTIONS] -p [listenAddress[:port],]peerAddress[:port]"),
                    help.text());
            for (String name : List.of("--proxy", "--acl", "--aclCmd", "--nofork", "--debug", "--extensive", "--log",
                    "--call-id-range", "--call-id-quarantine", "--max-connections", "--max-connections-per-source",
                    "--max-calls",
                    "--max-calls-per-connection", "--connect-timeout", "--setup-timeout", "--control-idle-timeout",
                    "--gre-idle-timeout", "--gre-loops", "--gre-offload", "--pcap", "--pcap-limit", "--metrics", "--config",
                    "--version", "--help")) {
                assertTrue(help.text().contains(name), name);
            }
        }
        for (String option : List.of("-v", "--version")) {
            LauncherCommandLine.Version version = assertInstanceOf(LauncherCommandLine.Version.class,
                    LauncherCommandLine.parse("-p", "198.18.1.2", option));
            assertEquals("pptp-alg " + LauncherCommandLine.version(), version.text());
        }
        // help wins over a bad option value, as it needs no proxy
        assertInstanceOf(LauncherCommandLine.Help.class, LauncherCommandLine.parse("--max-calls", "0", "-h"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                                                  | no proxy given (expected: at least one -p/--proxy [listenAddress[:port],]peerAddress[:port])
            -d                                                  | no proxy given (expected: at least one -p/--proxy [listenAddress[:port],]peerAddress[:port])
            -p                                                  | Missing required parameter for option '--proxy' ([listenAddress[:port],]peerAddress[:port])
            --foo -p 198.18.1.2                                 | Unknown option: '--foo'
            -p 198.18.1.2 extra                                 | Unmatched argument at index 2: 'extra'
            -p 198.18.1.2 --pcap a --pcap b                     | option '--pcap' (FILE) should be specified only once
            -p 198.18.1.2.3                                     | --proxy "198.18.1.2.3": invalid proxy "198.18.1.2.3": peer address: "198.18.1.2.3" has 5 dot-separated parts (expected: 4 octets a.b.c.d)
            -p 198.18.1.2:0                                     | --proxy "198.18.1.2:0": invalid proxy "198.18.1.2:0": peer port "0" (expected: 1..65535)
            -p vpn.example.net,198.18.1.2                       | --proxy "vpn.example.net,198.18.1.2": invalid proxy "vpn.example.net,198.18.1.2": listen address "vpn.example.net" (expected: an IPv4 address a.b.c.d)
            -p 198.18.1.2 -a 10.0.0.0/33                        | --acl "10.0.0.0/33": invalid subnet "10.0.0.0/33": prefix length 33 (expected: 0..32)
            -p 198.18.1.2 -a 10.0.0.0/255.0.255.0               | --acl "10.0.0.0/255.0.255.0": invalid subnet "10.0.0.0/255.0.255.0": netmask 255.0.255.0 is not contiguous (expected: ones then zeros, e.g. 255.255.255.0)
            -p 198.18.1.2 -x                                    | Missing required parameter for option '--aclCmd' (command)
            -p 198.18.1.2 --call-id-range 5-2                   | --call-id-range "5-2": Call ID range "5-2": highest Call ID: 2 (expected: >= lowest Call ID 5)
            -p 198.18.1.2 --max-connections 0                   | --max-connections "0": out of range (expected: a number >= 1 or "unlimited")
            -p 198.18.1.2 --max-connections-per-source many     | --max-connections-per-source "many": not a number (expected: a number >= 1 or "unlimited")
            -p 198.18.1.2 --max-calls 3000000000                | --max-calls "3000000000": out of range (expected: a number >= 1 or "unlimited")
            -p 198.18.1.2 --max-calls-per-connection -1         | --max-calls-per-connection "-1": out of range (expected: a number >= 1 or "unlimited")
            -p 198.18.1.2 --connect-timeout 10x                 | --connect-timeout "10x": not a duration (expected: a number with a unit ms, s, m, h or d, e.g. 30s or 2m, or ISO-8601 like PT1M30S)
            -p 198.18.1.2 --connect-timeout 0s                  | --connect-timeout "0s": connect: PT0S (expected: > 0)
            -p 198.18.1.2 --setup-timeout 0                     | --setup-timeout "0": connectionSetup: PT0S (expected: > 0)
            -p 198.18.1.2 --control-idle-timeout 60s            | --control-idle-timeout "60s": controlIdle: PT1M (expected: >= PT2M, the RFC 2637 echo interval plus its wait for the reply)
            -p 198.18.1.2 --gre-idle-timeout -1s                | --gre-idle-timeout "-1s": not a duration (expected: a number with a unit ms, s, m, h or d, e.g. 30s or 2m, or ISO-8601 like PT1M30S)
            -p 198.18.1.2 --gre-loops 0                         | --gre-loops "0": out of range (expected: a number 1..64)
            -p 198.18.1.2 --gre-loops 65                        | --gre-loops "65": out of range (expected: a number 1..64)
            -p 198.18.1.2 --gre-offload eth0,eth0               | --gre-offload "eth0,eth0": greOffloadInterfaces: eth0 appears twice
            -p 198.18.1.2 --gre-offload eth0,,eth1              | --gre-offload "eth0,,eth1": greOffloadInterfaces: "" (expected: a network interface name, 1 to 15 printable characters without '/', ':' or spaces)
            -p 198.18.1.2 --gre-offload averyveryverylongname   | --gre-offload "averyveryverylongname": greOffloadInterfaces: "averyveryverylongname" (expected: a network interface name, 1 to 15 printable characters without '/', ':' or spaces)
            -p 198.18.1.2 --gre-offload eth0 --pcap /tmp/x.pcap | --pcap and --gre-offload exclude each other: the fast path's GRE packets never reach the gateway's process, a capture would miss them
            -p 198.18.1.2 --pcap-limit 1k                       | --pcap-limit "1k": too small (expected: at least 4096 bytes)
            -p 198.18.1.2 --pcap-limit 12Q                      | --pcap-limit "12Q": not a size (expected: bytes with an optional suffix k, M or G, e.g. 100M)
            -p 198.18.1.2 --metrics 9723                        | --metrics "9723": not address:port (expected: e.g. 127.0.0.1:9723)
            -p 198.18.1.2 --metrics ::1:9723                    | --metrics "::1:9723": an IPv6 address needs brackets (expected: e.g. [::1]:9723)
            -p 198.18.1.2 --metrics 127.0.0.1:70000             | --metrics "127.0.0.1:70000": out of range (expected: a port 0..65535)
            -p 198.18.1.2 --metrics nosuchhost.invalid:1        | --metrics "nosuchhost.invalid:1": unknown host "nosuchhost.invalid" (expected: an address or a resolvable host name)
            -p 198.18.1.2 --config /nonexistent/pptp-alg.conf   | --config /nonexistent/pptp-alg.conf: no such file
            """)
    void invalidCommandLines(String args, String message) {
        String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
        CommandLineException e = assertThrows(CommandLineException.class, () -> LauncherCommandLine.parse(argv));
        assertEquals(message, e.getMessage());
    }

    @Test
    void unterminatedQuoteInAuthorizationCommand() {
        CommandLineException e = assertThrows(CommandLineException.class,
                () -> LauncherCommandLine.parse("-p", "198.18.1.2", "-x", "check 'x"));
        assertEquals("--aclCmd \"check 'x\": invalid authorization command \"check 'x\": "
                + "unterminated ' quote at index 6 (expected: a closing ')", e.getMessage());
    }

    @Test
    void loggingSettingsArriveBeforeConversion() {
        List<LogSettings> seen = new ArrayList<>();
        assertThrows(CommandLineException.class,
                () -> LauncherCommandLine.parse(new String[] {"-e", "-l", "a.log", "-p", "198.18.1.2", "--max-calls", "0"}, seen::add));
        assertEquals(List.of(new LogSettings(LogSettings.Level.TRACE, Path.of("a.log"))), seen);

        seen.clear();
        assertThrows(CommandLineException.class,
                () -> LauncherCommandLine.parse(new String[] {"--bogus"}, seen::add));
        assertEquals(List.of(), seen, "nothing to set up when the command line does not even parse");
    }

    // ------------------------------------------------------------------------------------ configuration file

    @Test
    void everySettingFromAConfigFile() throws IOException {
        Path config = file("pptp-alg.properties", """
                # pptp-alg settings
                proxy.2 = 0.0.0.0:1724,198.18.1.3
                proxy.1 = 198.18.1.2
                proxy.10 = 0.0.0.0:1725,198.18.1.4
                acl = 198.18.0.0/255.255.255.0, 10.0.0.0/8
                aclCmd.1 = /usr/local/bin/check --strict
                aclCmd.2 = sh -c 'test "$1" = 198.18.0.5' sh
                nofork = true
                debug = TRUE
                extensive = false
                log = /var/log/pptp-alg.log
                call-id-range = 2000-2999
                max-connections = 100
                max-connections-per-source = 5
                max-calls = 200
                max-calls-per-connection = unlimited
                connect-timeout = 3s
                setup-timeout = 1m
                control-idle-timeout = 5m
                gre-idle-timeout = 10m
                gre-loops = 2
                pcap = /tmp/gw.pcap
                pcap-limit = 10M
                metrics = 127.0.0.1:9724
                """);
        LauncherOptions options = run("--config", config.toString());
        PptpAlgConfig c = options.config();
        assertEquals(List.of("0.0.0.0:1723,198.18.1.2:1723", "0.0.0.0:1724,198.18.1.3:1723", "0.0.0.0:1725,198.18.1.4:1723"),
                proxies(c));
        assertEquals(List.of(Subnet.parse("198.18.0.0/24"), Subnet.parse("10.0.0.0/8")), c.accessList().subnets());
        assertEquals(List.of(List.of("/usr/local/bin/check", "--strict"), List.of("sh", "-c", "test \"$1\" = 198.18.0.5", "sh")),
                c.authorizationCommands().stream().map(AuthorizationCommand::argv).collect(Collectors.toList()));
        assertTrue(options.noFork());
        assertEquals(new LogSettings(LogSettings.Level.DEBUG, Path.of("/var/log/pptp-alg.log")), options.logging());
        assertEquals(new CallIdRange(2000, 2999), c.callIdRange());
        assertEquals(new Limits(100, 5, Limits.UNLIMITED, 200), c.limits());
        assertEquals(new Timeouts(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(3),
                Timeouts.defaults().closeDrain()), c.timeouts());
        assertEquals(2, c.greEventLoops());
        assertEquals(Path.of("/tmp/gw.pcap"), options.pcapFile());
        assertEquals(10L << 20, options.pcapLimitBytes());
        assertEquals(address("127.0.0.1", 9724), options.metricsAddress());
        assertEquals(config, options.configFile());
    }

    @Test
    void theShippedExampleConfigFileIsValid() throws IOException {
        Path shipped = Path.of("src/main/dist/pptp-alg.properties");
        Assumptions.assumeTrue(Files.isRegularFile(shipped), "run from the examples module's directory");
        LauncherOptions options = run("--config", shipped.toString());
        assertEquals(List.of("0.0.0.0:1723,198.18.1.2:1723"), proxies(options.config()));
        assertEquals(List.of(Subnet.parse("198.18.0.0/24"), Subnet.parse("10.0.0.0/8")), options.config().accessList().subnets());
        assertEquals(Limits.defaults(), options.config().limits(), "the file spells out the defaults");
        assertEquals(Timeouts.defaults(), options.config().timeouts(), "the file spells out the defaults");
        assertEquals(PptpAlgConfig.DEFAULT_CALL_ID_RANGE, options.config().callIdRange());
        assertEquals(address("127.0.0.1", 9723), options.metricsAddress());
    }

    @Test
    void commandLineWinsOverTheConfigFile() throws IOException {
        Path config = file("pptp-alg.properties", """
                proxy.1 = 198.18.1.2
                proxy.2 = 0.0.0.0:1724,198.18.1.3
                acl = 10.0.0.0/8
                max-calls = 200
                max-connections = 100
                debug = true
                """);
        LauncherOptions options = run("-p", "0.0.0.0:1800,198.18.1.9", "--config", config.toString(), "--max-calls", "7",
                "-a", "192.0.2.0/24", "-e");
        PptpAlgConfig c = options.config();
        assertEquals(List.of("0.0.0.0:1800,198.18.1.9:1723"), proxies(c), "the command line's pairs replace the file's");
        assertEquals(List.of(Subnet.parse("192.0.2.0/24")), c.accessList().subnets());
        assertEquals(7, c.limits().maxCalls());
        assertEquals(100, c.limits().maxControlConnections(), "the file fills what the command line leaves out");
        assertEquals(LogSettings.Level.TRACE, options.logging().level());
    }

    @Test
    void flagFalseInTheFileAndPlainProxyKey() throws IOException {
        Path config = file("c.properties", "proxy = 198.18.0.1:1723,198.18.1.2\ndebug = false\nnofork=false\n");
        LauncherOptions options = run("--config", config.toString());
        assertEquals(List.of("198.18.0.1:1723,198.18.1.2:1723"), proxies(options.config()));
        assertEquals(LogSettings.Level.INFO, options.logging().level());
        assertFalse(options.noFork());
    }

    @Test
    void repeatedListenAddressInTheFileNamesTheKeys() throws IOException {
        Path config = file("c.properties", "proxy.1 = 198.18.1.2\nproxy.2 = 0.0.0.0:1723,198.18.1.3\n");
        LauncherOptions options = run("--config", config.toString());
        assertEquals(List.of("0.0.0.0:1723,198.18.1.2:1723"), proxies(options.config()));
        assertEquals(List.of("ignoring proxy " + config + ": proxy.2 = \"0.0.0.0:1723,198.18.1.3\": listen address "
                + "0.0.0.0:1723 already taken by " + config + ": proxy.1 = \"198.18.1.2\""), options.warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            proxy = 198.18.1.2\\nbogus = 1             | : unknown key "bogus" (expected: one of proxy[.N], acl[.N], aclCmd[.N], nofork, debug, extensive, log, call-id-range, call-id-quarantine, max-connections, max-connections-per-source, max-calls, max-calls-per-connection, connect-timeout, setup-timeout, control-idle-timeout, gre-idle-timeout, gre-loops, gre-offload, pcap, pcap-limit, metrics)
            proxy = 198.18.1.2\\nconfig = other.conf   | : unknown key "config" (expected: one of
            proxy = 198.18.1.2\\nhelp = true           | : unknown key "help" (expected: one of
            proxy = 198.18.1.2\\npcap.1 = a.pcap       | : key "pcap.1" is numbered but pcap takes one value (expected: "pcap")
            proxy = 198.18.1.2\\ndebug = yes           | : debug = "yes": not a flag (expected: true or false)
            proxy = 198.18.1.2\\nmax-calls = none      | : max-calls = "none": not a number (expected: a number >= 1 or "unlimited")
            proxy.3 = 198.18.1.2.7                    | : proxy.3 = "198.18.1.2.7": invalid proxy "198.18.1.2.7": peer address: "198.18.1.2.7" has 5 dot-separated parts (expected: 4 octets a.b.c.d)
            acl = 10.0.0.0/8                          | no proxy given (expected: at least one -p/--proxy [listenAddress[:port],]peerAddress[:port])
            """)
    void invalidConfigFiles(String text, String message) throws IOException {
        Path config = file("bad.properties", text.replace("\\n", "\n"));
        CommandLineException e = assertThrows(CommandLineException.class,
                () -> LauncherCommandLine.parse("--config", config.toString()));
        String expected = message.startsWith(":") ? config + message : message;
        assertTrue(e.getMessage().startsWith(expected), () -> e.getMessage() + "\n does not start with\n" + expected);
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    // ------------------------------------------------------------------------------------ logging

    @Test
    void logFileIsAppendedTo() throws IOException {
        Path log = file("gateway.log", "earlier run\n");
        java.io.PrintStream original = System.err;
        try {
            new LogSettings(LogSettings.Level.INFO, log).apply();
            System.err.println("this run");
        } finally {
            java.io.PrintStream redirected = System.err;
            System.setErr(original);
            redirected.close();
        }
        assertEquals(List.of("earlier run", "this run"), Files.readAllLines(log));
    }

    @Test
    void unwritableLogFileIsAnError() {
        Path log = directory.resolve("no/such/dir/gateway.log");
        java.io.PrintStream original = System.err;
        CommandLineException e = assertThrows(CommandLineException.class,
                () -> LauncherCommandLine.parse(new String[] {"-p", "198.18.1.2", "-l", log.toString()}, LogSettings::apply));
        assertSame(original, System.err, "standard error untouched");
        assertTrue(e.getMessage().startsWith("--log " + log + ": cannot open for appending: "), e.getMessage());
    }

    @Test
    void logSettingsAsSlf4jSimpleProperties() {
        Map<String, String> info = new LogSettings(LogSettings.Level.INFO, null).systemProperties();
        assertEquals("info", info.get("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("info", info.get("org.slf4j.simpleLogger.log.io.github.pptpalg"));
        assertEquals("System.err", info.get("org.slf4j.simpleLogger.logFile"));

        Map<String, String> debug = new LogSettings(LogSettings.Level.DEBUG, null).systemProperties();
        assertEquals("info", debug.get("org.slf4j.simpleLogger.defaultLogLevel"), "only the project's loggers go down");
        assertEquals("debug", debug.get("org.slf4j.simpleLogger.log.io.github.pptpalg"));
        assertEquals("System.out", debug.get("org.slf4j.simpleLogger.logFile"), "pptpproxy -d prints to the terminal");

        Map<String, String> trace = new LogSettings(LogSettings.Level.TRACE, Path.of("/var/log/x.log")).systemProperties();
        assertEquals("trace", trace.get("org.slf4j.simpleLogger.log.io.github.pptpalg"));
        assertEquals("System.err", trace.get("org.slf4j.simpleLogger.logFile"), "a file is reached through System.err");
    }
}
