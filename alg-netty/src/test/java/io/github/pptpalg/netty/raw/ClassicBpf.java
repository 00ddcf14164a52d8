package io.github.pptpalg.netty.raw;

/**
 * A small interpreter of classic BPF, enough for {@link GreCallIdFilter}'s programs, written from
 * the semantics in the Linux kernel's filter documentation: loads beyond the packet end the program
 * with 0 (reject), jumps are relative to the next instruction, the return value is the number of
 * bytes to keep (0 = drop).
 */
final class ClassicBpf {

    private ClassicBpf() {
    }

    /** Runs the filter's program over {@code packet} (IPv4 header first) and returns its verdict. */
    static long run(GreCallIdFilter filter, byte[] packet) {
        long a = 0;
        long x = 0;
        int pc = 0;
        for (int steps = 0; steps < 4096; steps++) {
            int code = filter.opcode(pc);
            long k = filter.constant(pc);
            int jt = filter.jumpIfTrue(pc);
            int jf = filter.jumpIfFalse(pc);
            pc++;
            switch (code) {
                case GreCallIdFilter.LD_B_ABS -> {
                    if (k + 1 > packet.length) {
                        return 0;
                    }
                    a = packet[(int) k] & 0xFF;
                }
                case GreCallIdFilter.LD_H_IND -> {
                    long index = x + k;
                    if (index + 2 > packet.length) {
                        return 0;
                    }
                    a = (packet[(int) index] & 0xFF) << 8 | (packet[(int) index + 1] & 0xFF);
                }
                case GreCallIdFilter.LDX_B_MSH -> {
                    if (k + 1 > packet.length) {
                        return 0;
                    }
                    x = 4L * (packet[(int) k] & 0x0F);
                }
                case GreCallIdFilter.ALU_AND_K -> a &= k;
                case GreCallIdFilter.ALU_MOD_K -> a %= k;
                case GreCallIdFilter.JMP_JEQ_K -> pc += a == k ? jt : jf;
                case GreCallIdFilter.JMP_JGT_K -> pc += a > k ? jt : jf;
                case GreCallIdFilter.JMP_JGE_K -> pc += a >= k ? jt : jf;
                case GreCallIdFilter.RET_K -> {
                    return k;
                }
                default -> throw new IllegalStateException("opcode " + code + " at " + (pc - 1));
            }
            if (pc >= filter.length()) {
                throw new IllegalStateException("ran off the end of " + filter);
            }
        }
        throw new IllegalStateException("no verdict");
    }
}
