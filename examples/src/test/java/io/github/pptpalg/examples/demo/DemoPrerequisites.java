package io.github.pptpalg.examples.demo;

import io.github.pptpalg.netty.raw.RawGre;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The skip-or-fail rule for the demo's end-to-end tests: without raw GRE sockets (root or CAP_NET_RAW, Linux,
 * epoll, JNA) they skip with the reason, unless {@code pptpalg.requirePrivileged=true} (CI), which makes them
 * fail instead.
 */
final class DemoPrerequisites {

    private DemoPrerequisites() {
    }

    static void requireRawGre() {
        Throwable cause = RawGre.unavailabilityCause();
        if (cause == null) {
            return;
        }
        String reason = "the demo needs raw GRE sockets (run the tests as root): " + cause.getMessage();
        if (Boolean.parseBoolean(System.getProperty("pptpalg.requirePrivileged", "false"))) {
            Assertions.fail(reason + " [pptpalg.requirePrivileged=true]");
        }
        Assumptions.abort(reason);
    }
}
