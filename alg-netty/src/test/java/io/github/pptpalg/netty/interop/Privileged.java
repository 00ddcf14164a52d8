package io.github.pptpalg.netty.interop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The skip-or-fail rule for tests that need privileges or Debian's PPTP peers: a missing
 * prerequisite skips the test with a clear reason, unless the system property
 * {@code pptpalg.requirePrivileged} is {@code true} (CI), in which case it fails the test.
 *
 * <pre>
 * &#64;BeforeAll
 * static void prerequisites() {
 *     Privileged.require(Requirement.ROOT, Requirement.NETNS, Requirement.PPTPD, Requirement.PPTP_LINUX);
 * }
 * </pre>
 */
public final class Privileged {

    /** System property that turns a skip into a failure. */
    public static final String REQUIRE_PROPERTY = "pptpalg.requirePrivileged";

    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final Map<Requirement, String> CACHE = new ConcurrentHashMap<>();

    private Privileged() {
    }

    /** One prerequisite, with how to get it. */
    public enum Requirement {
        /** Effective uid 0 (namespaces, veth, mounts, sysctl). */
        ROOT,
        /** CAP_NET_ADMIN, iproute2's {@code ip} and a network namespace that can really be created. */
        NETNS,
        /** CAP_NET_RAW: raw IPPROTO_GRE sockets. */
        RAW_SOCKET,
        /** Debian's {@code pptpd} (PoPToP: pptpd and pptpctrl). */
        PPTPD,
        /** Debian's {@code pptp-linux} (the pptp client). */
        PPTP_LINUX,
        /** {@code /usr/bin/python3}, which runs the fake pppd and the client wrapper. */
        PYTHON3,
        /** {@code tshark}, the independent decoder. */
        TSHARK,
        /** {@code nft} (nftables): the ICMP counter and the kernel's PPTP helper. */
        NFTABLES
    }

    /** Whether CI asked for failures instead of skips. */
    public static boolean isRequired() {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));
    }

    /** Skips (or, under {@link #REQUIRE_PROPERTY}, fails) the calling test unless all are met. */
    public static void require(Requirement... requirements) {
        List<String> missing = missing(requirements);
        if (missing.isEmpty()) {
            return;
        }
        String reason = "interop prerequisites missing: " + String.join("; ", missing);
        if (isRequired()) {
            Assertions.fail(reason + " (" + REQUIRE_PROPERTY + "=true)");
        }
        Assumptions.abort(reason);
    }

    /** A readable reason per unmet requirement; empty if all are met. */
    public static List<String> missing(Requirement... requirements) {
        List<String> reasons = new ArrayList<>();
        for (Requirement requirement : requirements) {
            String reason = CACHE.computeIfAbsent(requirement, Privileged::check);
            if (!reason.isEmpty()) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    public static boolean isMet(Requirement... requirements) {
        return missing(requirements).isEmpty();
    }

    /** "" when met, otherwise why not. */
    private static String check(Requirement requirement) {
        switch (requirement) {
            case ROOT:
                return effectiveUid() == 0 ? "" : "not running as root (effective uid " + effectiveUid() + ")";
            case NETNS:
                if (!hasCapability(CAP_NET_ADMIN)) {
                    return "no CAP_NET_ADMIN";
                }
                if (!onPath("ip")) {
                    return "iproute2's ip not found (Debian package iproute2)";
                }
                return probeNamespace();
            case RAW_SOCKET:
                return hasCapability(CAP_NET_RAW) ? "" : "no CAP_NET_RAW, raw GRE sockets impossible";
            case PPTPD:
                return executable("/usr/sbin/pptpd") && executable("/usr/sbin/pptpctrl")
                        ? "" : "/usr/sbin/pptpd or /usr/sbin/pptpctrl missing (Debian package pptpd)";
            case PPTP_LINUX:
                return executable("/usr/sbin/pptp") ? "" : "/usr/sbin/pptp missing (Debian package pptp-linux)";
            case PYTHON3:
                return executable("/usr/bin/python3") ? "" : "/usr/bin/python3 missing (Debian package python3)";
            case TSHARK:
                return onPath("tshark") ? "" : "tshark missing (Debian package tshark)";
            case NFTABLES:
                return onPath("nft") ? "" : "nft missing (Debian package nftables)";
            default:
                throw new AssertionError(requirement);
        }
    }

    private static String probeNamespace() {
        String probe = "pagprobe" + ProcessHandle.current().pid();
        try {
            Exec.Result added = Exec.run("ip", "netns", "add", probe);
            return added.succeeded() ? "" : "cannot create a network namespace: " + added.stderr().strip();
        } catch (RuntimeException e) {
            return "cannot create a network namespace: " + e.getMessage();
        } finally {
            Exec.run("ip", "netns", "del", probe);
        }
    }

    /** Whether {@code program} is an executable in PATH, /usr/sbin or /sbin. */
    public static boolean onPath(String program) {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.add("/usr/sbin");
        directories.add("/sbin");
        for (String directory : directories) {
            if (!directory.isEmpty() && executable(directory + "/" + program)) {
                return true;
            }
        }
        return false;
    }

    private static boolean executable(String path) {
        Path file = Path.of(path);
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static long effectiveUid() {
        String[] uids = statusField("Uid:").trim().split("\\s+"); // real, effective, saved, fs
        return uids.length > 1 ? Long.parseLong(uids[1]) : -1;
    }

    private static boolean hasCapability(int capability) {
        String effective = statusField("CapEff:").trim();
        return !effective.isEmpty() && (Long.parseUnsignedLong(effective, 16) & (1L << capability)) != 0;
    }

    private static String statusField(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return line.substring(field.length());
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "";
    }
}
