package io.github.pptpalg.examples;

import io.github.pptpalg.core.policy.PptpAlgConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the launcher's command line and configuration file say, checked and converted: the gateway's
 * configuration plus what only the launcher does (logging, capture file, metrics endpoint).
 *
 * @param config the gateway's configuration
 * @param logging the logging settings ({@code -d}, {@code -e}, {@code -l})
 * @param pcapFile where to write a capture of the relayed traffic ({@code --pcap}), or null
 * @param pcapLimitBytes the largest size of the capture file ({@code --pcap-limit})
 * @param metricsAddress where to serve {@code /metrics} and {@code /sessions} ({@code --metrics}), or null
 * @param noFork whether {@code -n/--nofork} was given (accepted for compatibility; the process never forks)
 * @param configFile the {@code --config} file read, or null
 * @param warnings what was ignored, to be logged once logging is set up (e.g. a repeated listen address)
 */
public record LauncherOptions(
        PptpAlgConfig config,
        LogSettings logging,
        Path pcapFile,
        long pcapLimitBytes,
        InetSocketAddress metricsAddress,
        boolean noFork,
        Path configFile,
        List<String> warnings) {

    public LauncherOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(logging, "logging");
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }
}
