package io.github.pptpalg.netty.raw;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A classic BPF program (the {@code SO_ATTACH_FILTER} kind) for a raw GRE socket that admits only
 * enhanced-GRE packets (Ver 1, K set, Protocol Type 0x880B) whose key Call ID lies in
 * {@code [lowest, highest]} and, when the range is sliced among several sockets, whose Call ID
 * satisfies {@code callId % slices == slice}.
 *
 * <p>Why in the kernel: every raw GRE socket on a host receives a copy of every GRE packet. The
 * filter lets several gateway instances (with disjoint Call ID ranges) and several event loops of
 * one instance (with disjoint slices) share a host without seeing, queueing or copying each
 * other's packets. A packet the filter rejects is discarded silently: it draws no ICMP
 * protocol-unreachable, which a full receive queue would.
 *
 * <p>The program reads the IPv4 header length from the packet (IHL-aware), so options are fine.
 * Packets too short for the fields it reads are rejected by the kernel's bounds checks. Everything
 * else about the header (flags, lengths) is left to the relay, which counts what it drops.
 */
public final class GreCallIdFilter {

    // Classic BPF opcodes (linux/bpf_common.h).
    static final int LD_B_ABS = 0x30;
    static final int LD_H_IND = 0x48;
    static final int LDX_B_MSH = 0xb1;
    static final int ALU_AND_K = 0x54;
    static final int ALU_MOD_K = 0x94;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;

    /** Bytes of one {@code struct sock_filter}: u16 code, u8 jt, u8 jf, u32 k. */
    static final int INSTRUCTION_SIZE = 8;

    private static final int IPV4_PROTOCOL_OFFSET = 9;
    private static final int GRE_KEY_AND_VERSION_MASK = 0x2007;
    private static final int GRE_KEY_AND_VERSION_1 = 0x2001;
    private static final int GRE_PROTOCOL_PPP = 0x880B;
    private static final int GRE_CALL_ID_OFFSET = 6;
    private static final int ACCEPT_WHOLE_PACKET = 0xFFFF_FFFF;

    private final int lowest;
    private final int highest;
    private final int slices;
    private final int slice;
    private final long[] program;

    private GreCallIdFilter(int lowest, int highest, int slices, int slice) {
        this.lowest = lowest;
        this.highest = highest;
        this.slices = slices;
        this.slice = slice;
        this.program = compile();
    }

    /**
     * A filter for the Call IDs {@code lowest..highest} (both included).
     *
     * @throws IllegalArgumentException if the bounds are not in 0..65535 or {@code lowest > highest}
     */
    public static GreCallIdFilter forRange(int lowest, int highest) {
        checkCallId("lowest Call ID", lowest);
        checkCallId("highest Call ID", highest);
        if (lowest > highest) {
            throw new IllegalArgumentException("Call ID range: " + lowest + ".." + highest
                    + " (expected: lowest <= highest)");
        }
        return new GreCallIdFilter(lowest, highest, 1, 0);
    }

    /**
     * The part of this filter's range that socket {@code slice} of {@code slices} owns: the Call IDs
     * with {@code callId % slices == slice}. Slices of one range are disjoint and cover it; a random
     * allocation from the range lands in each slice with equal probability, so the allocator needs
     * no change to spread calls over the event loops.
     *
     * @throws IllegalArgumentException if {@code slices} is not in 1..256, {@code slice} not in
     *     0..slices-1, or this filter is already a slice
     */
    public GreCallIdFilter slice(int slices, int slice) {
        if (this.slices != 1) {
            throw new IllegalArgumentException("slices: already sliced " + this + " (expected: a whole range)");
        }
        if (slices < 1 || slices > 256) {
            throw new IllegalArgumentException("slices: " + slices + " (expected: 1..256)");
        }
        if (slice < 0 || slice >= slices) {
            throw new IllegalArgumentException("slice: " + slice + " (expected: 0.." + (slices - 1) + ")");
        }
        return new GreCallIdFilter(lowest, highest, slices, slice);
    }

    private static void checkCallId(String what, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: 0..65535)");
        }
    }

    /** The lowest Call ID admitted. */
    public int lowest() {
        return lowest;
    }

    /** The highest Call ID admitted. */
    public int highest() {
        return highest;
    }

    /** How many slices the range is cut into (1: not sliced). */
    public int slices() {
        return slices;
    }

    /** Which slice this filter admits: Call IDs with {@code callId % slices() == slice()}. */
    public int slice() {
        return slice;
    }

    /** Whether the filter admits a well-formed enhanced-GRE packet with this Call ID. */
    public boolean admits(int callId) {
        return callId >= lowest && callId <= highest && callId % slices == slice;
    }

    private long[] compile() {
        boolean sliced = slices > 1;
        int length = sliced ? 15 : 13;
        int reject = length - 1;
        int accept = length - 2;
        long[] code = new long[length];
        int pc = 0;
        code[pc] = instruction(LD_B_ABS, 0, 0, IPV4_PROTOCOL_OFFSET);
        pc++;
        code[pc] = instruction(JMP_JEQ_K, 0, reject - pc - 1, 47);
        pc++;
        code[pc] = instruction(LDX_B_MSH, 0, 0, 0);
        pc++;
        code[pc] = instruction(LD_H_IND, 0, 0, 0);
        pc++;
        code[pc] = instruction(ALU_AND_K, 0, 0, GRE_KEY_AND_VERSION_MASK);
        pc++;
        code[pc] = instruction(JMP_JEQ_K, 0, reject - pc - 1, GRE_KEY_AND_VERSION_1);
        pc++;
        code[pc] = instruction(LD_H_IND, 0, 0, 2);
        pc++;
        code[pc] = instruction(JMP_JEQ_K, 0, reject - pc - 1, GRE_PROTOCOL_PPP);
        pc++;
        code[pc] = instruction(LD_H_IND, 0, 0, GRE_CALL_ID_OFFSET);
        pc++;
        code[pc] = instruction(JMP_JGE_K, 0, reject - pc - 1, lowest);
        pc++;
        code[pc] = instruction(JMP_JGT_K, reject - pc - 1, 0, highest);
        pc++;
        if (sliced) {
            code[pc] = instruction(ALU_MOD_K, 0, 0, slices);
            pc++;
            code[pc] = instruction(JMP_JEQ_K, 0, reject - pc - 1, slice);
            pc++;
        }
        assert pc == accept;
        code[accept] = instruction(RET_K, 0, 0, ACCEPT_WHOLE_PACKET);
        code[reject] = instruction(RET_K, 0, 0, 0);
        return code;
    }

    private static long instruction(int opcode, int jumpIfTrue, int jumpIfFalse, int k) {
        return (long) opcode << 48 | (long) jumpIfTrue << 40 | (long) jumpIfFalse << 32 | (k & 0xFFFF_FFFFL);
    }

    /** Number of instructions. */
    public int length() {
        return program.length;
    }

    /** The opcode of instruction {@code index} (the {@code code} field). */
    public int opcode(int index) {
        return (int) (program[index] >>> 48) & 0xFFFF;
    }

    /** The jump offset taken when the condition of instruction {@code index} holds ({@code jt}). */
    public int jumpIfTrue(int index) {
        return (int) (program[index] >>> 40) & 0xFF;
    }

    /** The jump offset taken when the condition of instruction {@code index} fails ({@code jf}). */
    public int jumpIfFalse(int index) {
        return (int) (program[index] >>> 32) & 0xFF;
    }

    /** The constant operand of instruction {@code index} ({@code k}), as an unsigned 32-bit value. */
    public long constant(int index) {
        return program[index] & 0xFFFF_FFFFL;
    }

    /**
     * The program as an array of {@code struct sock_filter} in native byte order, ready for a
     * {@code struct sock_fprog}.
     */
    public byte[] toNativeBytes() {
        ByteBuffer out = ByteBuffer.allocate(program.length * INSTRUCTION_SIZE).order(ByteOrder.nativeOrder());
        for (int i = 0; i < program.length; i++) {
            out.putShort((short) opcode(i));
            out.put((byte) jumpIfTrue(i));
            out.put((byte) jumpIfFalse(i));
            out.putInt((int) constant(i));
        }
        return out.array();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GreCallIdFilter that && Arrays.equals(program, that.program);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(program);
    }

    @Override
    public String toString() {
        return "GreCallIdFilter(" + lowest + ".." + highest
                + (slices > 1 ? ", callId % " + slices + " == " + slice : "") + ")";
    }
}
