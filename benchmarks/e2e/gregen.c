/*
 * gregen: a bounded generator of enhanced-GRE (PPTP, RFC 2637 section 4.1) packets for the
 * end-to-end relay benchmark. Part of pptp-alg's benchmarks/e2e; compiled at run time by run.sh.
 *
 * It sends, from a raw IPPROTO_GRE socket (the kernel writes the IPv4 header), batches of
 * packets with sendmmsg(2) for a fixed time, at the highest rate it can or at a fixed rate,
 * spreading the packets round-robin over the Call IDs it is given, and prints what it offered.
 *
 * Packet: GRE header with K and S set, version 1, protocol 0x880B, payload length, Call ID
 * (the key the receiver expects), sequence number (per call); then the payload:
 *   [0..3]   magic "PALG"
 *   [4..7]   index of the call in the list (network order)
 *   [8..15]  send time, CLOCK_MONOTONIC nanoseconds (host order; the sink runs on the same host)
 *   [16..19] sequence number again (network order)
 *   [20..]   a fixed pattern, byte i = (i * 7 + 1) & 0xff, which the sink verifies
 *
 * With --ifname/--src/--src-mac/--dst-mac it sends whole Ethernet frames from an AF_PACKET
 * socket bound to that interface instead (PACKET_QDISC_BYPASS, IPv4 header written here: DF,
 * TTL 64, ID 0), which costs the sending core much less per packet than the IP raw socket's
 * route lookup and header building: the generator's core then has room to offer more than a
 * relay delivers. The receiver sees the same IPv4/GRE packet either way.
 *
 * Every loop is bounded: by --duration (hard), and by --max-packets if given.
 * Output on stdout: key=value lines (offered_packets, offered_pps, ...).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_PAYLOAD 1452
#define MIN_PAYLOAD 20
#define GRE_HEADER 12
#define MAX_CALLS 65536
#define L2L3 (14 + 20) /* Ethernet + IPv4 header in AF_PACKET mode */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) { (void) sig; stop_requested = 1; }

static uint64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) { perror(what); exit(2); }

static void usage(void) {
    fprintf(stderr,
        "usage: gregen --dst A.B.C.D (--calls FILE | --call-id N) --payload BYTES --duration SECONDS\n"
        "              [--rate PPS (0 = as fast as possible)] [--batch N] [--cpu N] [--max-packets N]\n"
        "              [--ifname IF --src A.B.C.D --src-mac MAC --dst-mac MAC]  (AF_PACKET mode)\n"
        "  FILE: one Call ID per line (the key the receiving side expects); first column is used.\n");
    exit(2);
}

static void parse_mac(const char *s, unsigned char *mac) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        fprintf(stderr, "gregen: bad MAC address: %s (expected: xx:xx:xx:xx:xx:xx)\n", s);
        exit(2);
    }
    for (int i = 0; i < 6; i++) mac[i] = (unsigned char) v[i];
}

static uint16_t ip_checksum(const unsigned char *h, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 2) sum += (uint32_t) (h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

static long parse_long(const char *s, const char *what, long lo, long hi) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        fprintf(stderr, "gregen: bad %s: %s (expected: %ld..%ld)\n", what, s, lo, hi);
        exit(2);
    }
    return v;
}

static int read_calls(const char *path, uint16_t *ids) {
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < MAX_CALLS) {
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == 0) continue;
        long v = strtol(p, NULL, 10);
        if (v < 0 || v > 65535) { fprintf(stderr, "gregen: bad Call ID in %s: %s", path, line); exit(2); }
        ids[n++] = (uint16_t) v;
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "gregen: no Call IDs in %s\n", path); exit(2); }
    return n;
}

int main(int argc, char **argv) {
    const char *dst = NULL, *calls_file = NULL, *ifname = NULL, *src = NULL, *src_mac = NULL, *dst_mac = NULL;
    long call_id = -1, payload = -1, rate = 0, batch = 64, cpu = -1;
    double duration = -1;
    long long max_packets = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--dst")) dst = v;
        else if (!strcmp(a, "--calls")) calls_file = v;
        else if (!strcmp(a, "--call-id")) call_id = parse_long(v, "Call ID", 0, 65535);
        else if (!strcmp(a, "--payload")) payload = parse_long(v, "payload", MIN_PAYLOAD, MAX_PAYLOAD);
        else if (!strcmp(a, "--duration")) duration = atof(v);
        else if (!strcmp(a, "--rate")) rate = parse_long(v, "rate", 0, 100000000);
        else if (!strcmp(a, "--batch")) batch = parse_long(v, "batch", 1, MAX_BATCH);
        else if (!strcmp(a, "--cpu")) cpu = parse_long(v, "cpu", 0, 4095);
        else if (!strcmp(a, "--max-packets")) max_packets = atoll(v);
        else if (!strcmp(a, "--ifname")) ifname = v;
        else if (!strcmp(a, "--src")) src = v;
        else if (!strcmp(a, "--src-mac")) src_mac = v;
        else if (!strcmp(a, "--dst-mac")) dst_mac = v;
        else usage();
    }
    if (!dst || payload < 0 || !(duration > 0 && duration <= 3600) || (!calls_file && call_id < 0)) usage();
    if (ifname && (!src || !src_mac || !dst_mac)) usage();

    static uint16_t ids[MAX_CALLS];
    static uint32_t seqs[MAX_CALLS];
    int ncalls;
    if (calls_file) ncalls = read_calls(calls_file, ids);
    else { ids[0] = (uint16_t) call_id; ncalls = 1; }

    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int) cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set)) die("sched_setaffinity");
    }

    struct sockaddr_in to = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) { fprintf(stderr, "gregen: bad --dst %s\n", dst); exit(2); }
    size_t len = GRE_HEADER + (size_t) payload;   /* what the raw IP socket sends */
    size_t l2 = 0;                                /* bytes in front of the GRE header */
    int fd;
    if (ifname) {
        l2 = L2L3;
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: send only, receive nothing */
        if (fd < 0) die("socket(AF_PACKET, SOCK_RAW)");
        struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
        ll.sll_ifindex = (int) if_nametoindex(ifname);
        if (!ll.sll_ifindex) die(ifname);
        if (bind(fd, (struct sockaddr *) &ll, sizeof ll)) die("bind(AF_PACKET)");
        int one = 1;
        setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    } else {
        fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
        if (fd < 0) die("socket(AF_INET, SOCK_RAW, IPPROTO_GRE)");
    }
    int sndbuf = 16 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

    unsigned char frame_head[L2L3];
    if (ifname) {
        unsigned char *e = frame_head, *ip = frame_head + 14;
        parse_mac(dst_mac, e);
        parse_mac(src_mac, e + 6);
        e[12] = 0x08; e[13] = 0x00;
        memset(ip, 0, 20);
        size_t tot = 20 + len;
        ip[0] = 0x45; ip[2] = (unsigned char) (tot >> 8); ip[3] = (unsigned char) tot;
        ip[6] = 0x40;  /* DF, ID 0 */
        ip[8] = 64; ip[9] = IPPROTO_GRE;
        if (inet_pton(AF_INET, src, ip + 12) != 1) { fprintf(stderr, "gregen: bad --src %s\n", src); exit(2); }
        memcpy(ip + 16, &to.sin_addr, 4);
        uint16_t c = ip_checksum(ip, 20);
        ip[10] = (unsigned char) (c >> 8); ip[11] = (unsigned char) c;
    }

    static unsigned char bufs[MAX_BATCH][L2L3 + GRE_HEADER + MAX_PAYLOAD];
    static struct iovec iov[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    for (int b = 0; b < batch; b++) {
        memcpy(bufs[b], frame_head, l2);
        unsigned char *p = bufs[b] + l2;
        p[0] = 0x30;                 /* K (key present) and S (sequence present) */
        p[1] = 0x01;                 /* no A bit, version 1 */
        p[2] = 0x88; p[3] = 0x0b;    /* protocol: PPP */
        p[4] = (unsigned char) (payload >> 8); p[5] = (unsigned char) payload;
        memcpy(p + GRE_HEADER, "PALG", 4);
        for (long i = 20; i < payload; i++) p[GRE_HEADER + i] = (unsigned char) ((i * 7 + 1) & 0xff);
        iov[b].iov_base = bufs[b];
        iov[b].iov_len = l2 + len;
        if (!ifname) {
            msgs[b].msg_hdr.msg_name = &to;
            msgs[b].msg_hdr.msg_namelen = sizeof to;
        }
        msgs[b].msg_hdr.msg_iov = &iov[b];
        msgs[b].msg_hdr.msg_iovlen = 1;
    }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    uint64_t start = now_ns(CLOCK_MONOTONIC);
    uint64_t end = start + (uint64_t) (duration * 1e9);
    unsigned long long sent = 0, errors = 0, enobufs = 0, batches = 0;
    int next_call = 0;
    uint64_t now = start;
    while (!stop_requested && now < end && (max_packets < 0 || (long long) sent < max_packets)) {
        int n = (int) batch;
        if (max_packets >= 0 && (long long) (sent + (unsigned long long) n) > max_packets)
            n = (int) (max_packets - (long long) sent);
        if (rate > 0) {
            /* packet number `sent` is due at start + sent / rate */
            uint64_t due = start + (uint64_t) ((double) sent * 1e9 / (double) rate);
            if (due > now) {
                if (due > end) break;
                struct timespec ts = { (time_t) (due / 1000000000ull), (long) (due % 1000000000ull) };
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                now = now_ns(CLOCK_MONOTONIC);
            }
        }
        for (int b = 0; b < n; b++) {
            unsigned char *p = bufs[b] + l2;
            int c = next_call;
            if (++next_call == ncalls) next_call = 0;
            uint32_t seq = seqs[c]++;
            p[6] = (unsigned char) (ids[c] >> 8); p[7] = (unsigned char) ids[c];
            uint32_t nseq = htonl(seq), nidx = htonl((uint32_t) c);
            memcpy(p + 8, &nseq, 4);
            memcpy(p + GRE_HEADER + 4, &nidx, 4);
            memcpy(p + GRE_HEADER + 8, &now, 8);
            memcpy(p + GRE_HEADER + 16, &nseq, 4);
        }
        int done = 0, attempts = 0;
        while (done < n && attempts++ < 1000) {
            int r = sendmmsg(fd, msgs + done, (unsigned) (n - done), 0);
            if (r < 0) {
                if (errno == ENOBUFS) {
                    /* AF_PACKET: the receiving side's input queue (the gateway core's backlog)
                     * was full and the packet was dropped there. It was offered: count it and
                     * move on, never retry (that would throttle the generator to the relay). */
                    enobufs++;
                    done++;
                    continue;
                }
                if (errno == EINTR && stop_requested) break;
                errors++;
                if (errno != EINTR && errno != EAGAIN) break;
                continue;
            }
            done += r;
        }
        sent += (unsigned long long) done;
        batches++;
        now = now_ns(CLOCK_MONOTONIC);
    }
    double elapsed = (double) (now - start) / 1e9;
    printf("offered_packets=%llu\n", sent);
    printf("offered_bytes_ip=%llu\n", sent * (unsigned long long) (len + 20));
    printf("elapsed_s=%.6f\n", elapsed);
    printf("offered_pps=%.0f\n", elapsed > 0 ? (double) sent / elapsed : 0.0);
    printf("calls=%d\n", ncalls);
    printf("payload=%ld\n", payload);
    printf("batch=%ld\n", batch);
    printf("socket=%s\n", ifname ? "af_packet" : "raw_ip");
    printf("rate_target=%ld\n", rate);
    printf("send_errors=%llu\n", errors);
    printf("dropped_at_receiver_queue=%llu\n", enobufs); /* included in offered_packets */
    printf("batches=%llu\n", batches);
    close(fd);
    return 0;
}
