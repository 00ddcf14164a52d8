package io.github.pptpalg.netty.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.pptpalg.core.metrics.AlgMetrics;
import io.github.pptpalg.core.metrics.GreDirection;
import io.github.pptpalg.netty.interop.Exec;
import io.github.pptpalg.netty.interop.Privileged;
import io.github.pptpalg.netty.interop.Privileged.Requirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fast path follows its interfaces: a deleted one loses the program, one re-created under the same name
 * gets it again once it qualifies (forwarding on), and closing detaches it; checked with BPF_PROG_QUERY on
 * the test's own veth pair in the root namespace.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GreOffloadReattachTest {

    private static final String NAME = "pgr" + ProcessHandle.current().pid() % 1_000_000;
    private static final String A = NAME + "a";
    private static final String B = NAME + "b";

    @AfterEach
    void deleteLinks() {
        Exec.run("ip", "link", "del", A); // its peer goes with it; fails harmlessly when already gone
    }

    private static void veth() throws IOException {
        Exec.run("ip", "link", "add", A, "type", "veth", "peer", "name", B).orThrow();
        Exec.run("ip", "link", "set", A, "up").orThrow();
        Exec.run("ip", "link", "set", B, "up").orThrow();
    }

    private static void forwarding(String link, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", link, "forwarding"), value);
    }

    private static int ifindex(String link) throws IOException {
        return GreOffload.readInt(Path.of("/sys/class/net", link, "ifindex"), -1);
    }

    @Test
    void followsAnInterfaceThatIsDeletedAndCreatedAgain() throws IOException {
        Privileged.require(Requirement.ROOT);
        try {
            GreOffload.checkHost(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                    System.getProperty("os.version", ""));
        } catch (IOException e) {
            if (Privileged.isRequired()) {
                Assertions.fail(e.getMessage() + " (" + Privileged.REQUIRE_PROPERTY + "=true)");
            }
            Assumptions.abort(e.getMessage());
        }
        Exec.run("ip", "link", "del", A); // a leftover of a killed run with the same pid
        veth();
        forwarding(A, "1");
        int first = ifindex(A);
        GreOffload offload = GreOffload.open(List.of(A), 16, new AlgMetrics(), b -> GreDirection.ACCEPTED_TO_CONNECTED);
        try {
            assertEquals(1, Bpf.tcxIngressPrograms(first), "attached at start");
            assertArrayEquals(new int[] {first}, offload.attachedIfindexes());

            Exec.run("ip", "link", "del", A).orThrow();
            offload.collect();
            assertArrayEquals(new int[] {-1}, offload.attachedIfindexes(), "deleted: nothing attached");

            veth(); // a new interface of the same name; forwarding follows conf/default, so set it off explicitly
            forwarding(A, "0");
            int second = ifindex(A);
            assertNotEquals(first, second);
            offload.collect();
            assertArrayEquals(new int[] {-1}, offload.attachedIfindexes(), "not attached while forwarding is off");
            assertEquals(0, Bpf.tcxIngressPrograms(second));

            forwarding(A, "1");
            offload.collect();
            assertArrayEquals(new int[] {second}, offload.attachedIfindexes(), "attached again");
            assertEquals(1, Bpf.tcxIngressPrograms(second));
            offload.collect(); // nothing changes: not attached twice
            assertEquals(1, Bpf.tcxIngressPrograms(second));
        } finally {
            offload.close();
        }
        assertEquals(0, Bpf.tcxIngressPrograms(ifindex(A)), "closing detaches");
    }
}
