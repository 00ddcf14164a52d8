package io.github.pptpalg.netty.offload;

import static io.github.pptpalg.netty.offload.BpfAssembler.B;
import static io.github.pptpalg.netty.offload.BpfAssembler.DW;
import static io.github.pptpalg.netty.offload.BpfAssembler.FP;
import static io.github.pptpalg.netty.offload.BpfAssembler.H;
import static io.github.pptpalg.netty.offload.BpfAssembler.JEQ;
import static io.github.pptpalg.netty.offload.BpfAssembler.JGT;
import static io.github.pptpalg.netty.offload.BpfAssembler.JNE;
import static io.github.pptpalg.netty.offload.BpfAssembler.R0;
import static io.github.pptpalg.netty.offload.BpfAssembler.R1;
import static io.github.pptpalg.netty.offload.BpfAssembler.R2;
import static io.github.pptpalg.netty.offload.BpfAssembler.R3;
import static io.github.pptpalg.netty.offload.BpfAssembler.R4;
import static io.github.pptpalg.netty.offload.BpfAssembler.R5;
import static io.github.pptpalg.netty.offload.BpfAssembler.R6;
import static io.github.pptpalg.netty.offload.BpfAssembler.R7;
import static io.github.pptpalg.netty.offload.BpfAssembler.R8;
import static io.github.pptpalg.netty.offload.BpfAssembler.R9;
import static io.github.pptpalg.netty.offload.BpfAssembler.W;

/**
 * The fast path's tc program, for the ingress of an Ethernet interface. For each frame it decides: relay
 * it here, or pass it on unchanged ({@code TCX_NEXT}: further tc programs, then the IP stack and the
 * gateway's raw socket, which relays or drops and counts it as without the fast path).
 *
 * <p>It relays a frame only if every one of these holds, else passes it on:
 * <ol>
 * <li>the frame is addressed to this host's MAC address ({@code PACKET_HOST}) and carried no VLAN tag;</li>
 * <li>IPv4 in Ethernet, header without options, not a fragment, protocol 47, header checksum right, Total
 *     Length equal to the frame's bytes after the Ethernet header;</li>
 * <li>enhanced GRE (RFC 2637 section 4.1): Key present, version 1, protocol 0x880B, no checksum, routing,
 *     strict source route or recursion, no other flags; the header (with its optional sequence and
 *     acknowledgment numbers) and the Payload Length within the datagram;</li>
 * <li>the destination address is one of the host's own ({@code locals} map);</li>
 * <li>{@code bindings} has (source address, Call ID): the gateway's translation for that direction;</li>
 * <li>the kernel's route lookup ({@code bpf_fib_lookup} with {@code BPF_FIB_LOOKUP_SRC}) for the binding's
 *     outbound address (source 0, TOS 0, as the raw socket's lookup) succeeds, gives a source address,
 *     resolves the next hop's MAC address, finds the datagram (its Total Length) within the route's MTU, and
 *     leaves through an interface of the {@code egress} map.</li>
 * </ol>
 * Then it rewrites the frame as the raw socket would have sent it: source address the route's preferred
 * source, destination the binding's outbound address, TTL the host's default, TOS 0, a new header checksum, the
 * binding's outbound Call ID in the GRE key, the MAC addresses of the route; adds one packet and the
 * datagram's bytes to the binding's counters (atomically: several cores may run it at once), and
 * redirects the frame to the egress interface. It keeps the IP identification and the DF flag of the
 * datagram as received (the raw socket would pick its own identification and set DF).
 *
 * <p>What it does not do, unlike the IP stack on the raw socket's path: netfilter (no INPUT, OUTPUT or
 * POSTROUTING hook sees a relayed datagram: firewall rules, NAT and conntrack do not apply to it), IPsec
 * policies, reverse-path filtering and martian-source checks. The gateway's own checks (source address and
 * Call ID of a live binding, a local destination) still apply.
 *
 * <p>Map layouts (all in network byte order where they hold packet fields):
 * {@code bindings}: key {@code u32 source, u16 callId, u16 zero}, value {@code u32 outboundAddress,
 * u16 outboundCallId, u16 zero, u64 packets, u64 bytes}; {@code locals}: key {@code u32 address}, value
 * {@code u32} (unused); {@code egress}: key {@code u32 ifindex}, value {@code u32} (unused).
 */
final class GreOffloadProgram {

    static final int KEY_SIZE = 8;
    static final int VALUE_SIZE = 24;
    static final int VALUE_PACKETS = 8;
    static final int VALUE_BYTES = 16;

    private static final int HELPER_MAP_LOOKUP_ELEM = 1;
    private static final int HELPER_REDIRECT = 23;
    private static final int HELPER_FIB_LOOKUP = 69;
    private static final int FIB_LOOKUP_SRC = 1 << 4;
    private static final int TCX_NEXT = -1;

    // struct __sk_buff
    private static final int SKB_LEN = 0;
    private static final int SKB_PKT_TYPE = 4;
    private static final int SKB_VLAN_PRESENT = 20;
    private static final int SKB_IFINDEX = 40;
    private static final int SKB_DATA = 76;
    private static final int SKB_DATA_END = 80;

    // the frame
    private static final int ETH_TYPE = 12;
    private static final int IP = 14;
    private static final int IP_TOS = IP + 1;
    private static final int IP_TOTAL_LENGTH = IP + 2;
    private static final int IP_FRAGMENT = IP + 6;
    private static final int IP_TTL = IP + 8;
    private static final int IP_PROTOCOL = IP + 9;
    private static final int IP_CHECKSUM = IP + 10;
    private static final int IP_SOURCE = IP + 12;
    private static final int IP_DESTINATION = IP + 16;
    private static final int GRE = IP + 20;
    private static final int GRE_PAYLOAD_LENGTH = GRE + 4;
    private static final int GRE_CALL_ID = GRE + 6;
    private static final int HEADERS = GRE + 8;

    // the stack (offsets from FP)
    private static final int STACK_KEY = -8;
    private static final int STACK_EGRESS = -12;
    private static final int STACK_LOCAL = -16;
    private static final int FIB = -80; // struct bpf_fib_lookup, 64 bytes
    private static final int FIB_SIZE = 64;
    private static final int FIB_FAMILY = FIB;
    private static final int FIB_L4_PROTOCOL = FIB + 1;
    private static final int FIB_TOT_LEN = FIB + 6;
    private static final int FIB_IFINDEX = FIB + 8;
    private static final int FIB_TOS = FIB + 12;
    private static final int FIB_SRC = FIB + 16;
    private static final int FIB_DST = FIB + 32;
    private static final int FIB_SMAC = FIB + 52;
    private static final int FIB_DMAC = FIB + 58;

    private GreOffloadProgram() {
    }

    /**
     * @param bindingsFd the {@code bindings} map
     * @param localsFd   the {@code locals} map
     * @param egressFd   the {@code egress} map
     * @param ttl        the TTL of relayed datagrams (the host's {@code net.ipv4.ip_default_ttl}, as the raw
     *                   socket would send them)
     */
    static byte[] build(int bindingsFd, int localsFd, int egressFd, int ttl) {
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1..255)");
        }
        BpfAssembler a = new BpfAssembler();
        a.movReg(R6, R1)
                .load(W, R7, R6, SKB_DATA)
                .load(W, R8, R6, SKB_DATA_END)
                .movReg(R1, R7).add(R1, HEADERS).jumpIfReg(JGT, R1, R8, "next");
        // addressed to this host's MAC (PACKET_HOST: ip_rcv drops the others), without a VLAN tag (the kernel
        // took it off before tc: without a VLAN device for it the stack drops the frame, and a redirect would
        // send it out tagged)
        a.load(W, R1, R6, SKB_PKT_TYPE).jumpIf(JNE, R1, 0, "next")
                .load(W, R1, R6, SKB_VLAN_PRESENT).jumpIf(JNE, R1, 0, "next");
        // IPv4 (0x0800, read little-endian), no options, protocol GRE, not a fragment (MF and offset zero)
        a.load(H, R1, R7, ETH_TYPE).jumpIf(JNE, R1, 0x0008, "next")
                .load(B, R1, R7, IP).jumpIf(JNE, R1, 0x45, "next")
                .load(B, R1, R7, IP_PROTOCOL).jumpIf(JNE, R1, 47, "next")
                .load(H, R1, R7, IP_FRAGMENT).and(R1, 0xff3f).jumpIf(JNE, R1, 0, "next");
        // Total Length == frame bytes after the Ethernet header (R2 keeps it)
        a.load(H, R2, R7, IP_TOTAL_LENGTH).be16(R2)
                .load(W, R3, R6, SKB_LEN).sub(R3, IP).jumpIfReg(JNE, R2, R3, "next");
        // enhanced GRE: C R K S s Recur = 0 0 1 ? 0 000, A ? flags 0000 version 001, protocol 0x880B
        a.load(B, R1, R7, GRE).and(R1, 0xef).jumpIf(JNE, R1, 0x20, "next")
                .load(B, R1, R7, GRE + 1).and(R1, 0x7f).jumpIf(JNE, R1, 0x01, "next")
                .load(H, R1, R7, GRE + 2).jumpIf(JNE, R1, 0x0b88, "next");
        // 20 + GRE header (8, +4 with S, +4 with A) + Payload Length <= Total Length
        a.mov(R4, 20 + 8)
                .load(B, R1, R7, GRE).and(R1, 0x10).jumpIf(JEQ, R1, 0, "noSequence").add(R4, 4)
                .label("noSequence")
                .load(B, R1, R7, GRE + 1).and(R1, 0x80).jumpIf(JEQ, R1, 0, "noAck").add(R4, 4)
                .label("noAck")
                .load(H, R5, R7, GRE_PAYLOAD_LENGTH).be16(R5).addReg(R4, R5)
                .jumpIfReg(JGT, R4, R2, "next");
        // the header checksum: the one's complement sum of the header is 0xffff
        headerSum(a, R2);
        a.jumpIf(JNE, R2, 0xffff, "next");
        // to one of this host's addresses?
        a.load(W, R1, R7, IP_DESTINATION).store(W, FP, STACK_LOCAL, R1)
                .loadMap(R1, localsFd).movReg(R2, FP).add(R2, STACK_LOCAL).call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIf(JEQ, R0, 0, "next");
        // the binding of (source, Call ID)
        a.load(W, R1, R7, IP_SOURCE).store(W, FP, STACK_KEY, R1)
                .load(H, R1, R7, GRE_CALL_ID).store(W, FP, STACK_KEY + 4, R1)
                .loadMap(R1, bindingsFd).movReg(R2, FP).add(R2, STACK_KEY).call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIf(JEQ, R0, 0, "next")
                .movReg(R9, R0);
        // the route to the outbound address: egress interface, preferred source, MAC addresses
        a.mov(R1, 0);
        for (int i = 0; i < FIB_SIZE; i += 8) {
            a.store(DW, FP, FIB + i, R1);
        }
        a.storeImm(B, FP, FIB_FAMILY, 2) // AF_INET
                .storeImm(B, FP, FIB_L4_PROTOCOL, 47)
                // with tot_len the helper checks the datagram against the route's MTU; without it, it checks
                // the frame against the device's MTU plus 18 bytes (Ethernet and VLAN headers), 4 too many
                .load(H, R1, R7, IP_TOTAL_LENGTH).be16(R1).store(H, FP, FIB_TOT_LEN, R1)
                .load(W, R1, R6, SKB_IFINDEX).store(W, FP, FIB_IFINDEX, R1)
                // source and TOS 0, as the raw socket's own route lookup has them
                .load(W, R1, R9, 0).store(W, FP, FIB_DST, R1)
                .movReg(R1, R6).movReg(R2, FP).add(R2, FIB).mov(R3, FIB_SIZE).mov(R4, FIB_LOOKUP_SRC)
                .call(HELPER_FIB_LOOKUP)
                .jumpIf(JNE, R0, 0, "next")
                .load(W, R1, FP, FIB_SRC).jumpIf(JEQ, R1, 0, "next"); // no source address to send from
        // leaving through an interface of the fast path?
        a.load(W, R1, FP, FIB_IFINDEX).store(W, FP, STACK_EGRESS, R1)
                .loadMap(R1, egressFd).movReg(R2, FP).add(R2, STACK_EGRESS).call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIf(JEQ, R0, 0, "next");
        // rewrite: addresses, TTL, checksum, Call ID, MAC addresses
        a.load(W, R1, FP, FIB_SRC).store(W, R7, IP_SOURCE, R1)
                .load(W, R1, R9, 0).store(W, R7, IP_DESTINATION, R1)
                .storeImm(B, R7, IP_TTL, ttl)
                .storeImm(B, R7, IP_TOS, 0)
                .storeImm(H, R7, IP_CHECKSUM, 0);
        headerSum(a, R2);
        a.xor(R2, 0xffff).store(H, R7, IP_CHECKSUM, R2)
                .load(H, R1, R9, 4).store(H, R7, GRE_CALL_ID, R1)
                .load(H, R1, FP, FIB_DMAC).store(H, R7, 0, R1)
                .load(W, R1, FP, FIB_DMAC + 2).store(W, R7, 2, R1)
                .load(W, R1, FP, FIB_SMAC).store(W, R7, 6, R1)
                .load(H, R1, FP, FIB_SMAC + 4).store(H, R7, 10, R1);
        // count, then out
        a.mov(R1, 1).atomicAdd64(R9, VALUE_PACKETS, R1)
                .load(H, R1, R7, IP_TOTAL_LENGTH).be16(R1).atomicAdd64(R9, VALUE_BYTES, R1)
                .load(W, R1, FP, FIB_IFINDEX).mov(R2, 0).call(HELPER_REDIRECT)
                .exit();
        a.label("next").mov(R0, TCX_NEXT).exit();
        return a.assemble();
    }

    /** {@code sum} = the folded one's complement sum of the IPv4 header's ten 16-bit words; clobbers R1. */
    private static void headerSum(BpfAssembler a, int sum) {
        a.mov(sum, 0);
        for (int i = 0; i < 20; i += 2) {
            a.load(H, R1, R7, IP + i).addReg(sum, R1);
        }
        for (int fold = 0; fold < 2; fold++) {
            a.movReg(R1, sum).rsh(R1, 16).and(sum, 0xffff).addReg(sum, R1);
        }
    }
}
