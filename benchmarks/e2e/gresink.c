/*
 * gresink: the counting end of pptp-alg's end-to-end GRE relay benchmark (benchmarks/e2e);
 * compiled at run time by run.sh.
 *
 * Reads a raw IPPROTO_GRE socket with recvmmsg(2) batches and counts as "good" only packets
 * that arrive intact: IPv4 total length equal to the bytes read, not a fragment, enhanced GRE
 * (K set, version 1, protocol 0x880B), a Call ID from the expected set, GRE payload length and
 * actual payload equal to --payload, the generator's magic and pattern unchanged, and (if
 * --src is given) the expected source address. Everything else is counted by reason.
 *
 * Latency: the generator writes its CLOCK_MONOTONIC send time in the payload; both run on the
 * same host (same clock), so receive time minus send time is the one-way latency, including
 * the generator's batching and this process's wake-up. Histogram in microseconds.
 *
 * Runs until SIGTERM/SIGINT or --max-seconds (hard bound), then prints key=value lines; the
 * per-second timeline of good packets goes to --timeline FILE if given. Writes --ready FILE
 * once the socket is open.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define SLOT 2048
#define MAX_PAYLOAD 1452
#define LAT_BUCKETS 1000000 /* 1 us each, up to 1 s; later ones go to the last bucket */
#define MAX_SECONDS 3600

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void) sig; stop_requested = 1; }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) { perror(what); exit(2); }

static void usage(void) {
    fprintf(stderr,
        "usage: gresink --calls FILE --payload BYTES --max-seconds S [--src A.B.C.D] [--cpu N]\n"
        "               [--timeline FILE] [--ready FILE] [--fifo PRIORITY]\n"
        "  FILE: one expected Call ID per line (first column).\n");
    exit(2);
}

static unsigned char expected[65536];
static uint64_t per_call[65536];
static uint32_t latency_us[LAT_BUCKETS];
static uint64_t timeline[MAX_SECONDS + 2];

static double percentile(uint64_t total, double q) {
    if (total == 0) return -1;
    uint64_t rank = (uint64_t) (q * (double) total);
    if (rank >= total) rank = total - 1;
    uint64_t seen = 0;
    for (int i = 0; i < LAT_BUCKETS; i++) {
        seen += latency_us[i];
        if (seen > rank) return i;
    }
    return LAT_BUCKETS - 1;
}

/* drops the kernel counted on this socket (receive queue full), from /proc/net/raw */
static long long socket_drops(int fd) {
    struct stat st;
    if (fstat(fd, &st)) return -1;
    FILE *f = fopen("/proc/net/raw", "r");
    if (!f) return -1;
    char line[512];
    long long drops = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long inode = 0;
        long long d = -1;
        /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops */
        if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %lld", &inode, &d) == 2
                && inode == (unsigned long) st.st_ino) {
            drops = d;
            break;
        }
    }
    fclose(f);
    return drops;
}

int main(int argc, char **argv) {
    const char *calls_file = NULL, *timeline_file = NULL, *ready_file = NULL, *src = NULL;
    long payload = -1, cpu = -1, fifo = 0;
    double max_seconds = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--calls")) calls_file = v;
        else if (!strcmp(a, "--payload")) payload = atol(v);
        else if (!strcmp(a, "--max-seconds")) max_seconds = atof(v);
        else if (!strcmp(a, "--src")) src = v;
        else if (!strcmp(a, "--cpu")) cpu = atol(v);
        else if (!strcmp(a, "--timeline")) timeline_file = v;
        else if (!strcmp(a, "--ready")) ready_file = v;
        else if (!strcmp(a, "--fifo")) fifo = atol(v);
        else usage();
    }
    if (!calls_file || payload < 20 || payload > MAX_PAYLOAD || !(max_seconds > 0 && max_seconds <= MAX_SECONDS))
        usage();

    int ncalls = 0;
    {
        FILE *f = fopen(calls_file, "r");
        if (!f) die(calls_file);
        char line[256];
        while (fgets(line, sizeof line, f)) {
            char *p = line;
            while (*p == ' ' || *p == '\t') p++;
            if (*p == '#' || *p == '\n' || *p == 0) continue;
            long v = strtol(p, NULL, 10);
            if (v < 0 || v > 65535) { fprintf(stderr, "gresink: bad Call ID: %s", line); exit(2); }
            if (!expected[v]) ncalls++;
            expected[v] = 1;
        }
        fclose(f);
        if (ncalls == 0) { fprintf(stderr, "gresink: no Call IDs in %s\n", calls_file); exit(2); }
    }
    uint32_t want_src = 0;
    if (src && inet_pton(AF_INET, src, &want_src) != 1) { fprintf(stderr, "gresink: bad --src %s\n", src); exit(2); }

    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int) cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set)) die("sched_setaffinity");
    }

    if (fifo > 0) {
        /* real-time priority: the sink shares its core with the generator and must not wait
         * for a time slice (that would show as latency and as receive-queue drops); it only
         * runs while packets are there, and the kernel's RT throttling bounds it anyway */
        struct sched_param sp = { .sched_priority = (int) fifo };
        if (sched_setscheduler(0, SCHED_FIFO, &sp)) die("sched_setscheduler(SCHED_FIFO)");
    }
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
    if (fd < 0) die("socket(AF_INET, SOCK_RAW, IPPROTO_GRE)");
    int rcvbuf = 64 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf))
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = { 0, 100000 }; /* wake up every 100 ms to check the stop flag */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    static unsigned char bufs[BATCH][SLOT];
    static struct iovec iov[BATCH];
    static struct mmsghdr msgs[BATCH];
    for (int b = 0; b < BATCH; b++) {
        iov[b].iov_base = bufs[b];
        iov[b].iov_len = SLOT;
        msgs[b].msg_hdr.msg_iov = &iov[b];
        msgs[b].msg_hdr.msg_iovlen = 1;
    }
    unsigned char pattern[MAX_PAYLOAD];
    for (int i = 0; i < MAX_PAYLOAD; i++) pattern[i] = (unsigned char) ((i * 7 + 1) & 0xff);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (ready_file) {
        FILE *f = fopen(ready_file, "w");
        if (!f) die(ready_file);
        fprintf(f, "%d\n", (int) getpid());
        fclose(f);
    }

    uint64_t start = now_ns(), end = start + (uint64_t) (max_seconds * 1e9);
    uint64_t first_good = 0, last_good = 0;
    unsigned long long good = 0, good_bytes_ip = 0, total = 0, bad_ip = 0, bad_gre = 0, bad_callid = 0,
        bad_length = 0, bad_payload = 0, bad_src = 0, lat_count = 0, lat_negative = 0, syscalls = 0;

    while (!stop_requested) {
        uint64_t now = now_ns();
        if (now >= end) break;
        for (int b = 0; b < BATCH; b++) msgs[b].msg_hdr.msg_namelen = 0;
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        syscalls++;
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            die("recvmmsg");
        }
        now = now_ns();
        for (int b = 0; b < n; b++) {
            const unsigned char *p = bufs[b];
            size_t got = msgs[b].msg_len;
            total++;
            if (got < 20 || (p[0] >> 4) != 4) { bad_ip++; continue; }
            size_t ihl = (size_t) (p[0] & 0x0f) * 4;
            size_t tot = (size_t) p[2] << 8 | p[3];
            if (ihl < 20 || tot != got || p[9] != IPPROTO_GRE || ((p[6] & 0x3f) | p[7])) { bad_ip++; continue; }
            if (want_src) {
                uint32_t s;
                memcpy(&s, p + 12, 4);
                if (s != want_src) { bad_src++; continue; }
            }
            const unsigned char *g = p + ihl;
            size_t glen = got - ihl;
            if (glen < 8 || (g[0] & 0x20) == 0 || (g[1] & 0x07) != 1 || g[2] != 0x88 || g[3] != 0x0b) {
                bad_gre++;
                continue;
            }
            size_t hl = 8 + ((g[0] & 0x10) ? 4 : 0) + ((g[1] & 0x80) ? 4 : 0);
            unsigned call = (unsigned) g[6] << 8 | g[7];
            if (!expected[call]) { bad_callid++; continue; }
            size_t plen = (size_t) g[4] << 8 | g[5];
            if (plen != (size_t) payload || glen != hl + plen) {
                bad_length++;
                continue;
            }
            const unsigned char *d = g + hl;
            if (memcmp(d, "PALG", 4) || memcmp(d + 20, pattern + 20, (size_t) payload - 20)) {
                bad_payload++;
                continue;
            }
            uint64_t sent;
            memcpy(&sent, d + 8, 8);
            good++;
            good_bytes_ip += got;
            per_call[call]++;
            if (!first_good) first_good = now;
            last_good = now;
            uint64_t sec = (now - start) / 1000000000ull;
            if (sec > MAX_SECONDS) sec = MAX_SECONDS;
            timeline[sec]++;
            if (sent <= now) {
                uint64_t us = (now - sent) / 1000;
                latency_us[us < LAT_BUCKETS ? us : LAT_BUCKETS - 1]++;
                lat_count++;
            } else {
                lat_negative++;
            }
        }
    }

    unsigned long long calls_seen = 0, per_call_min = ~0ull, per_call_max = 0;
    for (int c = 0; c < 65536; c++) {
        if (!expected[c]) continue;
        if (per_call[c]) calls_seen++;
        if (per_call[c] < per_call_min) per_call_min = per_call[c];
        if (per_call[c] > per_call_max) per_call_max = per_call[c];
    }
    printf("good_packets=%llu\n", good);
    printf("good_bytes_ip=%llu\n", good_bytes_ip);
    printf("received_packets=%llu\n", total);
    printf("bad_ip=%llu\nbad_src=%llu\nbad_gre=%llu\nbad_callid=%llu\nbad_length=%llu\nbad_payload=%llu\n",
           bad_ip, bad_src, bad_gre, bad_callid, bad_length, bad_payload);
    printf("expected_calls=%d\ncalls_seen=%llu\nper_call_min=%llu\nper_call_max=%llu\n",
           ncalls, calls_seen, per_call_min, per_call_max);
    printf("active_s=%.6f\n", good ? (double) (last_good - first_good) / 1e9 : 0.0);
    printf("latency_samples=%llu\nlatency_negative=%llu\n", lat_count, lat_negative);
    printf("latency_p50_us=%.0f\nlatency_p99_us=%.0f\nlatency_p999_us=%.0f\n",
           percentile(lat_count, 0.50), percentile(lat_count, 0.99), percentile(lat_count, 0.999));
    printf("socket_drops=%lld\n", socket_drops(fd));
    printf("recv_syscalls=%llu\n", syscalls);
    if (timeline_file) {
        FILE *f = fopen(timeline_file, "w");
        if (f) {
            uint64_t last = (now_ns() - start) / 1000000000ull;
            if (last > MAX_SECONDS) last = MAX_SECONDS;
            for (uint64_t s = 0; s <= last; s++) fprintf(f, "%llu %llu\n", (unsigned long long) s, (unsigned long long) timeline[s]);
            fclose(f);
        }
    }
    close(fd);
    return 0;
}
