package io.github.pptpalg.examples;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the launcher logs, as slf4j-simple's system properties ({@code org.slf4j.simpleLogger.*}). slf4j-simple
 * reads them once, when the first logger is created, so {@link #apply()} must run before anything logs.
 *
 * @param level the level of the {@code io.github.pptpalg} loggers (everything else stays at info)
 * @param file where to log, appending; null for the default: standard error, or standard output with
 *        {@code -d}/{@code -e} as pptpproxy's debug mode prints to the terminal
 */
public record LogSettings(Level level, Path file) {

    /** The levels the launcher's options select. */
    public enum Level {
        /** The default. */
        INFO,
        /** {@code -d/--debug}. */
        DEBUG,
        /** {@code -e/--extensive}: debug plus every packet. */
        TRACE;

        String property() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final String PREFIX = "org.slf4j.simpleLogger.";
    static final String PROJECT_LOGGERS = PREFIX + "log.io.github.pptpalg";

    public LogSettings {
        Objects.requireNonNull(level, "level");
    }

    /**
     * The slf4j-simple properties for these settings: the project's loggers' level, the destination
     * ({@code logFile}: {@code System.out} or {@code System.err}; a log file is reached through
     * {@code System.err}, see {@link #apply()}), time stamps and thread names.
     */
    public Map<String, String> systemProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(PREFIX + "defaultLogLevel", "info");
        properties.put(PROJECT_LOGGERS, level.property());
        properties.put(PREFIX + "logFile", file != null || level == Level.INFO ? "System.err" : "System.out");
        properties.put(PREFIX + "showDateTime", "true");
        properties.put(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        properties.put(PREFIX + "showThreadName", "true");
        properties.put(PREFIX + "showShortLogName", "true");
        properties.put(PREFIX + "levelInBrackets", "false");
        return properties;
    }

    /**
     * Sets {@link #systemProperties()}. A property already set (with {@code -D} on the java command line) is
     * kept, except the project's level when {@code -d} or {@code -e} asked for more, and the destination when a
     * file is given. With a file, standard error is redirected to it, appending (slf4j-simple's own
     * {@code logFile} would truncate it at every start), so that the JVM's own messages land there too.
     *
     * @throws CommandLineException if the file cannot be opened for appending
     */
    public void apply() {
        if (file != null) {
            try {
                PrintStream log = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
                System.setErr(log);
            } catch (IOException e) {
                throw new CommandLineException("--log " + file + ": cannot open for appending: " + e.getMessage(), e);
            }
            System.setProperty(PREFIX + "logFile", "System.err");
        }
        systemProperties().forEach((name, value) -> {
            if (System.getProperty(name) == null || name.equals(PROJECT_LOGGERS) && level != Level.INFO) {
                System.setProperty(name, value);
            }
        });
    }
}
