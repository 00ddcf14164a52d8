package io.github.pptpalg.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the launcher logs, as slf4j-simple's system properties ({@code org.slf4j.simpleLogger.*}). slf4j-simple
 * reads them once, when the first logger is created, so {@link #apply()} must run before anything logs.
 *
 * @param level the level of the {@code io.github.pptpalg} loggers (everything else stays at info)
 * @param file where to log; null for the default: standard error, or standard output with {@code -d}/{@code -e}
 *        as pptpproxy's debug mode prints to the terminal
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
     * ({@code logFile}: a path, {@code System.out} or {@code System.err}), time stamps and thread names.
     */
    public Map<String, String> systemProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(PREFIX + "defaultLogLevel", "info");
        properties.put(PROJECT_LOGGERS, level.property());
        properties.put(PREFIX + "logFile", file != null ? file.toString() : level == Level.INFO ? "System.err" : "System.out");
        properties.put(PREFIX + "showDateTime", "true");
        properties.put(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        properties.put(PREFIX + "showThreadName", "true");
        properties.put(PREFIX + "showShortLogName", "true");
        properties.put(PREFIX + "levelInBrackets", "false");
        return properties;
    }

    /**
     * Sets {@link #systemProperties()}. A property already set (with {@code -D} on the java command line) is
     * kept, except the project's level when {@code -d} or {@code -e} asked for more.
     */
    public void apply() {
        systemProperties().forEach((name, value) -> {
            if (System.getProperty(name) == null || name.equals(PROJECT_LOGGERS) && level != Level.INFO) {
                System.setProperty(name, value);
            }
        });
    }
}
