package io.github.pptpalg.netty.offload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes eBPF instructions (the kernel's {@code struct bpf_insn}: opcode, registers, 16-bit offset, 32-bit
 * immediate; little-endian) with named forward and backward jump labels. Only the instructions the fast
 * path needs; opcodes as in the kernel's {@code Documentation/bpf/standardization/instruction-set.rst}.
 */
final class BpfAssembler {

    static final int R0 = 0;
    static final int R1 = 1;
    static final int R2 = 2;
    static final int R3 = 3;
    static final int R4 = 4;
    static final int R5 = 5;
    static final int R6 = 6;
    static final int R7 = 7;
    static final int R8 = 8;
    static final int R9 = 9;
    /** The read-only frame pointer; the stack is the 512 bytes below it. */
    static final int FP = 10;

    /** Access sizes. */
    static final int B = 0x10;
    static final int H = 0x08;
    static final int W = 0x00;
    static final int DW = 0x18;

    /** Jump conditions (unsigned comparisons). */
    static final int JEQ = 0x10;
    static final int JGT = 0x20;
    static final int JNE = 0x50;

    private static final int CLASS_LD = 0x00;
    private static final int CLASS_LDX = 0x01;
    private static final int CLASS_ST = 0x02;
    private static final int CLASS_STX = 0x03;
    private static final int CLASS_ALU = 0x04;
    private static final int CLASS_JMP = 0x05;
    private static final int CLASS_ALU64 = 0x07;
    private static final int MODE_IMM = 0x00;
    private static final int MODE_MEM = 0x60;
    private static final int MODE_ATOMIC = 0xc0;
    private static final int SOURCE_K = 0x00;
    private static final int SOURCE_X = 0x08;
    private static final int ALU_ADD = 0x00;
    private static final int ALU_SUB = 0x10;
    private static final int ALU_AND = 0x50;
    private static final int ALU_RSH = 0x70;
    private static final int ALU_XOR = 0xa0;
    private static final int ALU_MOV = 0xb0;
    private static final int ALU_END = 0xd0;
    private static final int JMP_JA = 0x00;
    private static final int JMP_CALL = 0x80;
    private static final int JMP_EXIT = 0x90;
    /** {@code BPF_PSEUDO_MAP_FD}: the 64-bit immediate is a map's file descriptor. */
    private static final int PSEUDO_MAP_FD = 1;

    private final List<long[]> instructions = new ArrayList<>(); // {opcode, dst, src, off, imm}
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> jumps = new HashMap<>();

    private BpfAssembler emit(int opcode, int dst, int src, int off, int imm) {
        instructions.add(new long[] {opcode, dst, src, off, imm});
        return this;
    }

    /** {@code dst = imm} (64-bit, sign-extended). */
    BpfAssembler mov(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_MOV | SOURCE_K, dst, 0, 0, imm);
    }

    /** {@code dst = src}. */
    BpfAssembler movReg(int dst, int src) {
        return emit(CLASS_ALU64 | ALU_MOV | SOURCE_X, dst, src, 0, 0);
    }

    BpfAssembler add(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_ADD | SOURCE_K, dst, 0, 0, imm);
    }

    BpfAssembler addReg(int dst, int src) {
        return emit(CLASS_ALU64 | ALU_ADD | SOURCE_X, dst, src, 0, 0);
    }

    BpfAssembler sub(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_SUB | SOURCE_K, dst, 0, 0, imm);
    }

    BpfAssembler and(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_AND | SOURCE_K, dst, 0, 0, imm);
    }

    BpfAssembler rsh(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_RSH | SOURCE_K, dst, 0, 0, imm);
    }

    BpfAssembler xor(int dst, int imm) {
        return emit(CLASS_ALU64 | ALU_XOR | SOURCE_K, dst, 0, 0, imm);
    }

    /** The low 16 bits of {@code dst} from network to host order (and the rest cleared), on a little-endian host. */
    BpfAssembler be16(int dst) {
        return emit(CLASS_ALU | ALU_END | SOURCE_X, dst, 0, 0, 16);
    }

    /** {@code dst = *(size *)(src + off)}. */
    BpfAssembler load(int size, int dst, int src, int off) {
        return emit(CLASS_LDX | MODE_MEM | size, dst, src, off, 0);
    }

    /** {@code *(size *)(dst + off) = src}. */
    BpfAssembler store(int size, int dst, int off, int src) {
        return emit(CLASS_STX | MODE_MEM | size, dst, src, off, 0);
    }

    /** {@code *(size *)(dst + off) = imm}. */
    BpfAssembler storeImm(int size, int dst, int off, int imm) {
        return emit(CLASS_ST | MODE_MEM | size, dst, 0, off, imm);
    }

    /** {@code lock *(u64 *)(dst + off) += src}. */
    BpfAssembler atomicAdd64(int dst, int off, int src) {
        return emit(CLASS_STX | MODE_ATOMIC | DW, dst, src, off, ALU_ADD);
    }

    /** {@code dst = } the map with file descriptor {@code fd} (a two-slot instruction). */
    BpfAssembler loadMap(int dst, int fd) {
        emit(CLASS_LD | MODE_IMM | DW, dst, PSEUDO_MAP_FD, 0, fd);
        return emit(0, 0, 0, 0, 0);
    }

    /** {@code if (dst <condition> imm) goto label}. */
    BpfAssembler jumpIf(int condition, int dst, int imm, String label) {
        jumps.put(instructions.size(), label);
        return emit(CLASS_JMP | condition | SOURCE_K, dst, 0, 0, imm);
    }

    /** {@code if (dst <condition> src) goto label}. */
    BpfAssembler jumpIfReg(int condition, int dst, int src, String label) {
        jumps.put(instructions.size(), label);
        return emit(CLASS_JMP | condition | SOURCE_X, dst, src, 0, 0);
    }

    BpfAssembler jump(String label) {
        jumps.put(instructions.size(), label);
        return emit(CLASS_JMP | JMP_JA, 0, 0, 0, 0);
    }

    /** Calls kernel helper number {@code helper}; arguments in R1-R5, result in R0, R1-R5 clobbered. */
    BpfAssembler call(int helper) {
        return emit(CLASS_JMP | JMP_CALL, 0, 0, 0, helper);
    }

    BpfAssembler exit() {
        return emit(CLASS_JMP | JMP_EXIT, 0, 0, 0, 0);
    }

    /** Binds {@code label} to the next instruction. */
    BpfAssembler label(String label) {
        if (labels.putIfAbsent(label, instructions.size()) != null) {
            throw new IllegalStateException("label " + label + " bound twice");
        }
        return this;
    }

    /** Number of instruction slots so far. */
    int size() {
        return instructions.size();
    }

    /** The program's bytes, jumps resolved. */
    byte[] assemble() {
        ByteBuffer out = ByteBuffer.allocate(instructions.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < instructions.size(); i++) {
            long[] insn = instructions.get(i);
            long off = insn[3];
            String label = jumps.get(i);
            if (label != null) {
                Integer target = labels.get(label);
                if (target == null) {
                    throw new IllegalStateException("label " + label + " never bound");
                }
                off = target - i - 1;
            }
            if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
                throw new IllegalStateException("offset out of range at instruction " + i + ": " + off);
            }
            out.put((byte) insn[0]).put((byte) (insn[2] << 4 | insn[1])).putShort((short) off).putInt((int) insn[4]);
        }
        return out.array();
    }
}
