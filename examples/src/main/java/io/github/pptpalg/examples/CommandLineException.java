package io.github.pptpalg.examples;

/**
 * A command line or configuration file the launcher cannot use. The message is one line naming the option (or
 * the file and key), the value and what was expected; the launcher prints it and exits with status 1.
 */
public final class CommandLineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CommandLineException(String message) {
        super(message);
    }

    public CommandLineException(String message, Throwable cause) {
        super(message, cause);
    }
}
