package io.github.pptpalg.examples;

import io.github.pptpalg.core.nat.CallIdRange;
import io.github.pptpalg.core.policy.AccessList;
import io.github.pptpalg.core.policy.AuthorizationCommand;
import io.github.pptpalg.core.policy.Limits;
import io.github.pptpalg.core.policy.PptpAlgConfig;
import io.github.pptpalg.core.policy.ProxyPair;
import io.github.pptpalg.core.policy.Subnet;
import io.github.pptpalg.core.policy.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The launcher's command line: pptpproxy's options with the same meaning, plus the gateway's own (limits,
 * timeouts, Call ID range, capture, metrics), optionally read from a properties file ({@code --config}).
 *
 * <p>Parsing does not start anything; {@link #parse(String[], Consumer)} returns what to do. It reads the
 * configuration file, if any, and is otherwise free of side effects except for the callback it is given, which
 * receives the logging settings <em>before</em> the values are converted, so that the launcher can set up
 * slf4j-simple before the first logger is created (converting an {@code -x} command creates one).
 *
 * <h2>Configuration file</h2>
 * A {@link Properties} file whose keys are the long option names without dashes ({@code proxy},
 * {@code call-id-range}, {@code debug}, ...). A repeatable option takes numbered keys {@code key.N}, read in the
 * order of N ({@code proxy.1 = 198.18.1.2}, {@code proxy.2 = 0.0.0.0:1724,198.18.1.3}); the plain key counts as
 * number 0. For {@code acl} the plain key may also hold a comma-separated list
 * ({@code acl = 10.0.0.0/8, 192.168.0.0/16}); for {@code proxy} and {@code aclCmd} it holds exactly one value,
 * since a pair has a comma inside and a command line may. Flags take {@code true} or {@code false}. An option
 * given on the command line replaces the file's value (for a repeatable option: all of the file's values).
 */
public final class LauncherCommandLine {

    /** The command's name in messages and in the usage text. */
    public static final String NAME = "pptp-alg";
    /** The default largest capture file. */
    public static final long DEFAULT_PCAP_LIMIT_BYTES = 1L << 30;
    /** The smallest capture file limit accepted (the file header alone takes 24 bytes). */
    public static final long MIN_PCAP_LIMIT_BYTES = 4096;

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kKmMgG])?[bB]?");
    private static final Pattern NUMBERED_KEY = Pattern.compile("(.+)\\.([1-9]\\d{0,5})");
    /** Keys whose plain (unnumbered) value is a comma-separated list. */
    private static final List<String> COMMA_LISTS = List.of("acl");

    /** What the command line asks for. */
    public sealed interface Parsed permits Run, Help, Version {
    }

    /** Start the gateway with these options. */
    public record Run(LauncherOptions options) implements Parsed {
    }

    /** Print the usage text and exit with status 0. */
    public record Help(String text) implements Parsed {
    }

    /** Print the version and exit with status 0. */
    public record Version(String text) implements Parsed {
    }

    private LauncherCommandLine() {
    }

    /** {@link #parse(String[], Consumer)} without a logging callback. */
    public static Parsed parse(String... args) {
        return parse(args, settings -> { });
    }

    /**
     * Parses {@code args}.
     *
     * @param beforeConversion receives the logging settings once they are known and before any other value is
     *        converted
     * @throws CommandLineException for an unknown option, a missing or bad value, an unreadable configuration
     *         file, or no proxy at all; the message is one line
     */
    public static Parsed parse(String[] args, Consumer<LogSettings> beforeConversion) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(beforeConversion, "beforeConversion");
        CommandLine commandLine = newCommandLine();
        ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new CommandLineException(oneLine(e.getMessage()), e);
        }
        if (commandLine.isUsageHelpRequested()) {
            return new Help(commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
        }
        if (commandLine.isVersionHelpRequested()) {
            return new Version(NAME + ' ' + version());
        }
        Values values = new Values();
        Path configFile = null;
        for (OptionSpec option : result.matchedOptions()) {
            String key = key(option);
            if (key.equals("config")) {
                configFile = path("--config", String.valueOf((Object) option.getValue()));
                continue;
            }
            Object value = option.getValue();
            List<Value> list = new ArrayList<>();
            if (value instanceof List<?>) {
                for (Object item : (List<?>) value) {
                    list.add(new Value(String.valueOf(item), "--" + key + " \"" + item + '"'));
                }
            } else if (option.typeInfo().isBoolean()) {
                list.add(new Value("true", "--" + key));
            } else {
                list.add(new Value(String.valueOf(value), "--" + key + " \"" + value + '"'));
            }
            values.put(key, list);
        }
        if (configFile != null) {
            readConfigFile(configFile, commandLine, values);
        }
        LogSettings logging = logSettings(values);
        beforeConversion.accept(logging);
        return new Run(convert(values, logging, configFile));
    }

    static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new Arguments());
        commandLine.setExpandAtFiles(false);
        commandLine.setCaseInsensitiveEnumValuesAllowed(false);
        commandLine.setUsageHelpWidth(100);
        return commandLine;
    }

    /** The launcher's version: the Maven version the jar was built from, else {@code "(development build)"}. */
    public static String version() {
        try (InputStream in = LauncherCommandLine.class.getResourceAsStream(
                "/META-INF/maven/io.github.pptpalg/examples/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "(development build)";
    }

    // ------------------------------------------------------------------------------------ configuration file

    private static void readConfigFile(Path file, CommandLine commandLine, Values values) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new CommandLineException("--config " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CommandLineException("--config " + file + ": permission denied", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLineException("--config " + file + ": cannot read: " + oneLine(e.toString()), e);
        }
        // key -> (index -> value); the plain key has index 0
        Map<String, TreeMap<Integer, String>> byKey = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            String key = name;
            int index = 0;
            Matcher numbered = NUMBERED_KEY.matcher(name);
            if (numbered.matches()) {
                key = numbered.group(1);
                index = Integer.parseInt(numbered.group(2));
            }
            OptionSpec option = commandLine.getCommandSpec().findOption("--" + key);
            if (option == null || option.usageHelp() || option.versionHelp() || key.equals("config")) {
                throw new CommandLineException(file + ": unknown key \"" + name + "\" (expected: " + settingKeys(commandLine) + ')');
            }
            if (index > 0 && !option.isMultiValue()) {
                throw new CommandLineException(file + ": key \"" + name + "\" is numbered but " + key
                        + " takes one value (expected: \"" + key + "\")");
            }
            byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(index, properties.getProperty(name));
        }
        byKey.forEach((key, indexed) -> {
            if (values.has(key)) {
                return; // the command line wins
            }
            OptionSpec option = commandLine.getCommandSpec().findOption("--" + key);
            List<Value> list = new ArrayList<>();
            indexed.forEach((index, text) -> {
                String origin = file + ": " + (index == 0 ? key : key + '.' + index) + " = \"" + text + '"';
                if (option.typeInfo().isBoolean()) {
                    String flag = text.strip().toLowerCase(Locale.ROOT);
                    if (!flag.equals("true") && !flag.equals("false")) {
                        throw new CommandLineException(origin + ": not a flag (expected: true or false)");
                    }
                    if (flag.equals("true")) {
                        list.add(new Value("true", origin));
                    }
                } else if (index == 0 && COMMA_LISTS.contains(key)) {
                    for (String item : text.split(",")) {
                        if (!item.isBlank()) {
                            list.add(new Value(item.strip(), origin));
                        }
                    }
                } else {
                    list.add(new Value(text.strip(), origin));
                }
            });
            values.put(key, list);
        });
    }

    private static String settingKeys(CommandLine commandLine) {
        List<String> keys = new ArrayList<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            String key = key(option);
            if (!option.usageHelp() && !option.versionHelp() && !key.equals("config")) {
                keys.add(option.isMultiValue() ? key + "[.N]" : key);
            }
        }
        return "one of " + String.join(", ", keys);
    }

    // ------------------------------------------------------------------------------------ conversion

    private static LogSettings logSettings(Values values) {
        LogSettings.Level level = values.flag("extensive") ? LogSettings.Level.TRACE
                : values.flag("debug") ? LogSettings.Level.DEBUG : LogSettings.Level.INFO;
        Value log = values.single("log");
        return new LogSettings(level, log == null ? null : path(log.origin, log.text));
    }

    private static LauncherOptions convert(Values values, LogSettings logging, Path configFile) {
        List<String> warnings = new ArrayList<>();
        PptpAlgConfig.Builder config = PptpAlgConfig.builder();

        Map<InetSocketAddress, Value> listens = new HashMap<>();
        int proxies = 0;
        for (Value value : values.list("proxy")) {
            ProxyPair pair = value.convert(ProxyPair::parse);
            if (pair.listen().getPort() != 0) {
                Value earlier = listens.putIfAbsent(pair.listen(), value);
                if (earlier != null) {
                    warnings.add("ignoring proxy " + value.origin + ": listen address "
                            + pair.listen().getAddress().getHostAddress() + ':' + pair.listen().getPort()
                            + " already taken by " + earlier.origin);
                    continue;
                }
            }
            config.addProxy(pair);
            proxies++;
        }
        if (proxies == 0) {
            throw new CommandLineException("no proxy given (expected: at least one -p/--proxy "
                    + "[listenAddress[:port],]peerAddress[:port])");
        }

        List<Subnet> subnets = new ArrayList<>();
        for (Value value : values.list("acl")) {
            subnets.add(value.convert(Subnet::parse));
        }
        config.accessList(AccessList.of(subnets));
        for (Value value : values.list("aclCmd")) {
            config.addAuthorizationCommand(value.convert(AuthorizationCommand::parse));
        }

        Value range = values.single("call-id-range");
        if (range != null) {
            config.callIdRange(range.convert(CallIdRange::parse));
        }
        Value quarantine = values.single("call-id-quarantine");
        if (quarantine != null) {
            config.callIdQuarantine(quarantine.convert(LauncherCommandLine::duration));
        }

        Limits limits = Limits.defaults();
        limits = limits.withMaxControlConnections(limit(values, "max-connections", limits.maxControlConnections()));
        limits = limits.withMaxControlConnectionsPerSource(
                limit(values, "max-connections-per-source", limits.maxControlConnectionsPerSource()));
        limits = limits.withMaxCalls(limit(values, "max-calls", limits.maxCalls()));
        limits = limits.withMaxCallsPerConnection(
                limit(values, "max-calls-per-connection", limits.maxCallsPerConnection()));
        config.limits(limits);

        Timeouts timeouts = Timeouts.defaults();
        timeouts = timeout(values, "connect-timeout", timeouts, Timeouts::withConnect);
        timeouts = timeout(values, "setup-timeout", timeouts, Timeouts::withConnectionSetup);
        timeouts = timeout(values, "control-idle-timeout", timeouts, Timeouts::withControlIdle);
        timeouts = timeout(values, "gre-idle-timeout", timeouts, Timeouts::withGreIdle);
        config.timeouts(timeouts);

        Value loops = values.single("gre-loops");
        if (loops != null) {
            int count = loops.convert(text -> integer(text, 1, PptpAlgConfig.MAX_GRE_EVENT_LOOPS));
            config.greEventLoops(count);
        }

        Value offload = values.single("gre-offload");
        if (offload != null) {
            config.greOffloadInterfaces(offload.convert(text -> {
                List<String> names = new ArrayList<>();
                for (String name : text.split(",", -1)) {
                    names.add(name.strip());
                }
                PptpAlgConfig.builder().greOffloadInterfaces(names); // checks the names, in this option's terms
                return names;
            }));
        }

        Value pcap = values.single("pcap");
        if (pcap != null && offload != null) {
            throw new CommandLineException("--pcap and --gre-offload exclude each other: the fast path's GRE packets "
                    + "never reach the gateway's process, a capture would miss them");
        }
        Value pcapLimit = values.single("pcap-limit");
        long pcapLimitBytes = pcapLimit == null ? DEFAULT_PCAP_LIMIT_BYTES : pcapLimit.convert(LauncherCommandLine::size);
        Value metrics = values.single("metrics");

        PptpAlgConfig built;
        try {
            built = config.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLineException(oneLine(e.getMessage()), e);
        }
        return new LauncherOptions(built, logging,
                pcap == null ? null : path(pcap.origin, pcap.text),
                pcapLimitBytes,
                metrics == null ? null : metrics.convert(LauncherCommandLine::socketAddress),
                values.flag("nofork"),
                configFile,
                warnings);
    }

    private static int limit(Values values, String key, int defaultValue) {
        Value value = values.single(key);
        return value == null ? defaultValue : value.convert(LauncherCommandLine::limit);
    }

    private static Timeouts timeout(Values values, String key, Timeouts timeouts,
            java.util.function.BiFunction<Timeouts, Duration, Timeouts> with) {
        Value value = values.single(key);
        return value == null ? timeouts : value.convert(text -> with.apply(timeouts, duration(text)));
    }

    /** A positive count or {@code unlimited}. */
    static int limit(String text) {
        if (text.equalsIgnoreCase("unlimited")) {
            return Limits.UNLIMITED;
        }
        return integer(text, 1, Integer.MAX_VALUE, "a number >= 1 or \"unlimited\"");
    }

    static int integer(String text, int lowest, int highest) {
        return integer(text, lowest, highest, "a number " + lowest + ".." + highest);
    }

    private static int integer(String text, int lowest, int highest, String expected) {
        long value;
        try {
            if (text.length() > 11) {
                throw new NumberFormatException();
            }
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number (expected: " + expected + ')');
        }
        if (value < lowest || value > highest) {
            throw new IllegalArgumentException("out of range (expected: " + expected + ')');
        }
        return (int) value;
    }

    /**
     * A duration: a number with a unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (no unit means
     * seconds), or ISO-8601 ({@code PT1M30S}).
     */
    static Duration duration(String text) {
        Matcher simple = SIMPLE_DURATION.matcher(text);
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            String unit = simple.group(2) == null ? "s" : simple.group(2);
            switch (unit) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                default: return Duration.ofDays(amount);
            }
        }
        if (text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p')) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("not a duration (expected: a number with a unit ms, s, m, h or d, "
                + "e.g. 30s or 2m, or ISO-8601 like PT1M30S)");
    }

    /** A byte count with an optional binary suffix: {@code 65536}, {@code 64k}, {@code 100M}, {@code 2G}. */
    static long size(String text) {
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a size (expected: bytes with an optional suffix k, M or G, e.g. 100M)");
        }
        long value = Long.parseLong(matcher.group(1));
        int shift = matcher.group(2) == null ? 0 : switch (Character.toLowerCase(matcher.group(2).charAt(0))) {
            case 'k' -> 10;
            case 'm' -> 20;
            default -> 30;
        };
        if (value > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("too large (expected: at most 8E)");
        }
        long bytes = value << shift;
        if (bytes < MIN_PCAP_LIMIT_BYTES) {
            throw new IllegalArgumentException("too small (expected: at least " + MIN_PCAP_LIMIT_BYTES + " bytes)");
        }
        return bytes;
    }

    /**
     * {@code address:port}: an IPv4 literal, {@code [IPv6 literal]} or a host name (resolved now), and a port
     * 0..65535 (0: any free port).
     */
    static InetSocketAddress socketAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not address:port (expected: e.g. 127.0.0.1:9723)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address needs brackets (expected: e.g. [::1]:9723)");
        }
        int port = integer(text.substring(colon + 1), 0, 65535, "a port 0..65535");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host \"" + host + "\" (expected: an address or a resolvable host name)");
        }
    }

    private static Path path(String origin, String text) {
        try {
            if (text.isBlank()) {
                throw new InvalidPathException(text, "blank");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new CommandLineException(origin + ": not a file name (" + e.getMessage() + ')', e);
        }
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** One value as given, with where it came from for messages. */
    private record Value(String text, String origin) {

        <T> T convert(Function<String, T> converter) {
            try {
                return converter.apply(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLineException(origin + ": " + oneLine(e.getMessage()), e);
            }
        }
    }

    /** The values of the options, by key (long name without dashes). */
    private static final class Values {

        private final Map<String, List<Value>> byKey = new LinkedHashMap<>();

        void put(String key, List<Value> values) {
            byKey.put(key, values);
        }

        boolean has(String key) {
            return byKey.containsKey(key);
        }

        List<Value> list(String key) {
            return byKey.getOrDefault(key, List.of());
        }

        Value single(String key) {
            List<Value> list = list(key);
            return list.isEmpty() ? null : list.get(list.size() - 1);
        }

        boolean flag(String key) {
            return !list(key).isEmpty();
        }
    }

    /** The options as picocli sees them; values are read back from the parse result, not from these fields. */
    @Command(name = NAME, sortOptions = false,
            header = "A PPTP application-level gateway (RFC 2637): relays PPTP control connections and their GRE "
                    + "calls between clients and a PPTP server, translating Call IDs.",
            synopsisHeading = "%nUsage: ",
            customSynopsis = {NAME + " [OPTIONS] -p [listenAddress[:port],]peerAddress[:port] [-p ...]",
                "       " + NAME + " --demo [--calls N] [--calls-per-connection N] [--duration D] [--rate PPS]"
                        + " [--payload BYTES]"},
            descriptionHeading = "%n",
            description = {
                "Accepts pptpproxy's options with the same meaning. Needs CAP_NET_RAW for the raw GRE socket.",
                "Every option but --config, --help and --version can also be set in the --config file; "
                        + "command-line options win.",
                "--demo (first argument) runs a gateway between an in-process PPTP client and server on loopback, "
                        + "checks every GRE packet, prints a summary and exits 0 only if all arrived intact."},
            optionListHeading = "%nOptions:%n",
            footerHeading = "%n",
            footer = {"Exit status: 0 after --help or --version, 1 on a fatal error. SIGTERM or SIGINT closes the "
                    + "gateway gracefully (peers are told), then the JVM exits with 143 or 130.",
                "Example: " + NAME + " -p 0.0.0.0:1723,198.18.1.2 -a 198.18.0.0/24 --metrics 127.0.0.1:9723"})
    static final class Arguments {

        @Option(names = {"-p", "--proxy"}, paramLabel = "[listenAddress[:port],]peerAddress[:port]",
                description = "Accept PPTP clients on listenAddress:port (default 0.0.0.0:1723) and relay them to "
                        + "peerAddress:port (port default 1723). Repeatable; a pair whose listen address repeats an "
                        + "earlier one is ignored with a warning. At least one is required.")
        List<String> proxy;

        @Option(names = {"-a", "--acl"}, paramLabel = "subnet/mask",
                description = "Allow clients from this subnet only, given with a netmask (198.18.0.0/255.255.255.0) "
                        + "or a prefix length (198.18.0.0/24). Repeatable; none: every client is allowed.")
        List<String> acl;

        @Option(names = {"-x", "--aclCmd"}, paramLabel = "command",
                description = "Run this command (no shell) with the client's address as last argument; exit status 0 "
                        + "allows the client. Repeatable: tried in order until one allows.")
        List<String> aclCmd;

        @Option(names = {"-n", "--nofork"},
                description = "Stay in the foreground (accepted for compatibility: the gateway never forks).")
        boolean nofork;

        @Option(names = {"-d", "--debug"}, description = "Log at debug level, to standard output unless --log is given.")
        boolean debug;

        @Option(names = {"-e", "--extensive"}, description = "Like --debug, and log every packet.")
        boolean extensive;

        @Option(names = {"-l", "--log"}, paramLabel = "file", description = "Log to this file.")
        String log;

        @Option(names = "--call-id-range", paramLabel = "LOW-HIGH",
                description = "The Call IDs this gateway hands out (default 1-65535); several gateways on one host "
                        + "need disjoint ranges.")
        String callIdRange;

        @Option(names = "--call-id-quarantine", paramLabel = "DURATION",
                description = "How long a released Call ID stays unused (default 10s). Each call holds two IDs, so "
                        + "at most (range size / 2) / quarantine call set-ups per second: about 3,200/s by default.")
        String callIdQuarantine;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Control connections at once (default 4096; a number or \"unlimited\").")
        String maxConnections;

        @Option(names = "--max-connections-per-source", paramLabel = "N",
                description = "Control connections at once from one client address (default 64).")
        String maxConnectionsPerSource;

        @Option(names = "--max-calls", paramLabel = "N", description = "Calls at once (default 16384).")
        String maxCalls;

        @Option(names = "--max-calls-per-connection", paramLabel = "N",
                description = "Calls at once on one control connection (default 64).")
        String maxCallsPerConnection;

        @Option(names = "--connect-timeout", paramLabel = "DURATION",
                description = "How long connecting to the peer may take (default 10s). Durations: 500ms, 30s, 2m, 1h.")
        String connectTimeout;

        @Option(names = "--setup-timeout", paramLabel = "DURATION",
                description = "From accepting a client until its control connection is established (default 30s).")
        String setupTimeout;

        @Option(names = "--control-idle-timeout", paramLabel = "DURATION",
                description = "How long a control connection may be silent (default 3m, at least 2m).")
        String controlIdleTimeout;

        @Option(names = "--gre-idle-timeout", paramLabel = "DURATION",
                description = "How long a call may relay no GRE before it is torn down (default 5m; 0: never).")
        String greIdleTimeout;

        @Option(names = "--gre-loops", paramLabel = "N", description = "Threads relaying GRE (default 1).")
        String greLoops;

        @Option(names = "--gre-offload", paramLabel = "IF[,IF...]",
                description = "Relay established calls' GRE in the kernel (tc/BPF fast path) on these Ethernet "
                        + "interfaces; needs Linux 6.7+, CAP_BPF and CAP_NET_ADMIN, IPv4 forwarding on them.")
        String greOffload;

        @Option(names = "--pcap", paramLabel = "FILE",
                description = "Write the relayed control messages and GRE packets to this pcap file.")
        String pcap;

        @Option(names = "--pcap-limit", paramLabel = "SIZE",
                description = "Stop writing the capture at this size (default 1G; suffixes k, M, G).")
        String pcapLimit;

        @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
                description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics and the live sessions on /sessions.")
        String metrics;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Read settings from this properties file (keys: the long option names).")
        String config;

        @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print the version and exit.")
        boolean version;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
        boolean help;
    }
}
