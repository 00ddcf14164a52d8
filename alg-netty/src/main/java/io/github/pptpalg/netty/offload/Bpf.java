package io.github.pptpalg.netty.offload;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The few {@code bpf(2)} commands the fast path needs (map create, update, lookup, delete; program load;
 * tcx link create; and, for tests, a test run), through libc's {@code syscall(2)} with JNA's direct mapping.
 * Every failure is an {@link IOException} whose message names the command and the error.
 *
 * <p>Attribute layouts are those of {@code union bpf_attr} in the kernel's UAPI; the system call number
 * is that of x86-64 or AArch64.
 */
final class Bpf {

    static final int MAP_TYPE_HASH = 1;
    static final int PROG_TYPE_SCHED_CLS = 3;
    /** {@code BPF_TCX_INGRESS} of {@code enum bpf_attach_type} (Linux 6.6). */
    static final int ATTACH_TCX_INGRESS = 46;

    private static final int CMD_MAP_CREATE = 0;
    private static final int CMD_MAP_LOOKUP_ELEM = 1;
    private static final int CMD_MAP_UPDATE_ELEM = 2;
    private static final int CMD_MAP_DELETE_ELEM = 3;
    private static final int CMD_PROG_LOAD = 5;
    private static final int CMD_PROG_TEST_RUN = 10;
    private static final int CMD_PROG_QUERY = 16;
    private static final int CMD_MAP_LOOKUP_BATCH = 24;
    private static final int CMD_LINK_CREATE = 28;

    static final int ENOENT = 2;
    static final int ENOSPC = 28;
    static final int E2BIG = 7;
    static final int EPERM = 1;
    static final int EACCES = 13;
    static final int EINVAL = 22;

    private static final int ATTR_SIZE = 128;
    private static final int LOG_SIZE = 1 << 20;

    private static final long SYS_BPF;

    static {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        SYS_BPF = arch.equals("aarch64") ? 280 : 321;
        Native.register(Bpf.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Bpf() {
    }

    private static native long syscall(long number, long command, long attr, long size);

    private static native int close(int fd);

    private static native String strerror(int errno);

    /** "Operation not permitted (errno 1)". */
    static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }

    private static long bpf(int command, Memory attr) {
        long result = syscall(SYS_BPF, command, Pointer.nativeValue(attr), ATTR_SIZE);
        return result < 0 ? -Native.getLastError() : result;
    }

    private static Memory attr() {
        Memory m = new Memory(ATTR_SIZE);
        m.clear();
        return m;
    }

    /** Creates a map and returns its descriptor. */
    static int createMap(int type, int keySize, int valueSize, int maxEntries, String name) throws IOException {
        Memory a = attr();
        a.setInt(0, type);
        a.setInt(4, keySize);
        a.setInt(8, valueSize);
        a.setInt(12, maxEntries);
        putName(a, 28, name);
        long fd = bpf(CMD_MAP_CREATE, a);
        if (fd < 0) {
            throw new IOException("bpf(BPF_MAP_CREATE " + name + ", " + maxEntries + " entries) failed: "
                    + describe((int) -fd) + hint((int) -fd));
        }
        return (int) fd;
    }

    /** Sets {@code key} to {@code value}; returns 0 or the negative errno (E2BIG: the map is full). */
    static int update(int mapFd, Memory key, Memory value) {
        return element(CMD_MAP_UPDATE_ELEM, mapFd, key, value);
    }

    /** Reads {@code key} into {@code value}; returns 0 or the negative errno (ENOENT: no such key). */
    static int lookup(int mapFd, Memory key, Memory value) {
        return element(CMD_MAP_LOOKUP_ELEM, mapFd, key, value);
    }

    /** One of the element commands: map, key and (null for delete) value. */
    private static int element(int command, int mapFd, Memory key, Memory value) {
        Memory a = attr();
        a.setInt(0, mapFd);
        a.setLong(8, Pointer.nativeValue(key));
        if (value != null) {
            a.setLong(16, Pointer.nativeValue(value));
        }
        return (int) bpf(command, a);
    }

    /**
     * What one {@link #lookupBatch} read: {@code read} entries; {@code last}: the map has no more;
     * {@code errno}: 0, or why it failed.
     */
    record Batch(int read, boolean last, int errno) {
    }

    /**
     * Reads up to {@code count} entries of a hash map into {@code keys} and {@code values}, starting at the
     * position in {@code inToken} ({@code first}: from the beginning) and writing the next position to
     * {@code outToken} (both 8 bytes). {@code attr} is a 128-byte buffer the caller reuses.
     */
    static Batch lookupBatch(int mapFd, Memory attr, boolean first, Memory inToken, Memory outToken, Memory keys,
            Memory values, int count) {
        attr.clear();
        attr.setLong(0, first ? 0 : Pointer.nativeValue(inToken));
        attr.setLong(8, Pointer.nativeValue(outToken));
        attr.setLong(16, Pointer.nativeValue(keys));
        attr.setLong(24, Pointer.nativeValue(values));
        attr.setInt(32, count);
        attr.setInt(36, mapFd);
        long result = bpf(CMD_MAP_LOOKUP_BATCH, attr);
        int read = attr.getInt(32);
        if (result >= 0) {
            return new Batch(read, false, 0);
        }
        // ENOENT: the end of the map, with the last entries (possibly none) read
        return result == -ENOENT ? new Batch(read, true, 0) : new Batch(0, true, (int) -result);
    }

    /** Deletes {@code key}; returns 0 or the negative errno (ENOENT: no such key). */
    static int delete(int mapFd, Memory key) {
        return element(CMD_MAP_DELETE_ELEM, mapFd, key, null);
    }

    /**
     * Loads a program and returns its descriptor.
     *
     * @throws IOException with the verifier's last lines when the kernel refuses it
     */
    static int loadProgram(int type, int expectedAttachType, byte[] instructions, String name) throws IOException {
        Memory insns = new Memory(instructions.length);
        insns.write(0, instructions, 0, instructions.length);
        Memory license = new Memory(4);
        license.setString(0, "GPL", "US-ASCII");
        long fd = bpf(CMD_PROG_LOAD,
                programAttr(type, expectedAttachType, insns, instructions.length, license, null, name));
        if (fd >= 0) {
            return (int) fd;
        }
        // Again with the verifier's log, to say why (the log costs time, so only when needed).
        Memory log = new Memory(LOG_SIZE);
        log.setByte(0, (byte) 0);
        fd = bpf(CMD_PROG_LOAD, programAttr(type, expectedAttachType, insns, instructions.length, license, log, name));
        if (fd >= 0) {
            return (int) fd;
        }
        String text = log.getString(0, "US-ASCII").strip();
        throw new IOException("bpf(BPF_PROG_LOAD " + name + ") failed: " + describe((int) -fd) + hint((int) -fd)
                + (text.isEmpty() ? "" : "; verifier: " + text.substring(Math.max(0, text.length() - 1500))));
    }

    private static Memory programAttr(int type, int expectedAttachType, Memory insns, int length, Memory license,
            Memory log, String name) {
        Memory a = attr();
        a.setInt(0, type);
        a.setInt(4, length / 8);
        a.setLong(8, Pointer.nativeValue(insns));
        a.setLong(16, Pointer.nativeValue(license));
        if (log != null) {
            a.setInt(24, 1);
            a.setInt(28, LOG_SIZE);
            a.setLong(32, Pointer.nativeValue(log));
        }
        putName(a, 48, name);
        a.setInt(68, expectedAttachType);
        return a;
    }

    /** Attaches program {@code progFd} to interface {@code ifindex} as a tcx link; returns the link's descriptor. */
    static int createTcxLink(int progFd, int ifindex, int attachType, String what) throws IOException {
        Memory a = attr();
        a.setInt(0, progFd);
        a.setInt(4, ifindex);
        a.setInt(8, attachType);
        long fd = bpf(CMD_LINK_CREATE, a);
        if (fd < 0) {
            int errno = (int) -fd;
            throw new IOException("bpf(BPF_LINK_CREATE tcx ingress on " + what + ") failed: " + describe(errno)
                    + (errno == EINVAL ? ": tcx links need Linux 6.6 or later" : hint(errno)));
        }
        return (int) fd;
    }

    /** What one {@link #testRun} returned: the program's return value and the frame as it left it. */
    record TestRun(int retval, byte[] frame) {
    }

    /**
     * Runs program {@code progFd} once on {@code frame} ({@code BPF_PROG_TEST_RUN}) as if it had arrived on
     * interface {@code ifindex}: the context is a {@code struct __sk_buff} with only {@code ifindex} set, so
     * that the kernel makes that interface the packet's device (index 0 or 1: the loopback interface). The
     * frame begins with its Ethernet header. Nothing is sent: a redirect is only returned. For tests.
     */
    static TestRun testRun(int progFd, byte[] frame, int ifindex) throws IOException {
        int skbSize = 192; // sizeof(struct __sk_buff)
        int capacity = frame.length + 256;
        Memory in = new Memory(frame.length);
        in.write(0, frame, 0, frame.length);
        Memory out = new Memory(capacity);
        out.clear();
        Memory ctx = new Memory(skbSize);
        ctx.clear();
        ctx.setInt(40, ifindex); // __sk_buff.ifindex
        Memory a = attr();
        a.setInt(0, progFd);
        a.setInt(8, frame.length);
        a.setInt(12, capacity);
        a.setLong(16, Pointer.nativeValue(in));
        a.setLong(24, Pointer.nativeValue(out));
        a.setInt(32, 1); // repeat
        a.setInt(40, skbSize);
        a.setLong(48, Pointer.nativeValue(ctx));
        long result = bpf(CMD_PROG_TEST_RUN, a);
        if (result < 0) {
            throw new IOException("bpf(BPF_PROG_TEST_RUN " + frame.length + " bytes on ifindex " + ifindex
                    + ") failed: " + describe((int) -result) + hint((int) -result));
        }
        return new TestRun(a.getInt(4), out.getByteArray(0, a.getInt(12)));
    }

    /** How many programs are attached at tcx ingress of interface {@code ifindex} (for tests and diagnostics). */
    static int tcxIngressPrograms(int ifindex) throws IOException {
        Memory a = attr();
        a.setInt(0, ifindex);
        a.setInt(4, ATTACH_TCX_INGRESS);
        long result = bpf(CMD_PROG_QUERY, a);
        if (result < 0) {
            throw new IOException("bpf(BPF_PROG_QUERY tcx ingress of ifindex " + ifindex + ") failed: "
                    + describe((int) -result));
        }
        return a.getInt(24);
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            close(fd);
        }
    }

    private static String hint(int errno) {
        return errno == EPERM || errno == EACCES ? ": the process needs CAP_BPF and CAP_NET_ADMIN (or root)" : "";
    }

    private static void putName(Memory a, int offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        a.write(offset, bytes, 0, Math.min(15, bytes.length)); // 16 bytes, NUL-terminated
    }
}
