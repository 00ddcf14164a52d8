#!/usr/bin/env python3
"""Summarises the raw outputs of run.sh (pptp-alg end-to-end GRE relay benchmark).

  report.py OUT_DIR              the table of medians, the calibration check, and as last line
                                 the ratio gateway/kernel of the median delivered packets/s
  report.py --one RUN_DIR        one line about one measured run
  report.py --delivered-pps RUN_DIR   the delivered packets/s of one run, as an integer

Definitions (README.md "What is measured"):
  delivered    packets the sink counted as intact (right Call ID, length, payload, source)
  packets/s    delivered / generator's elapsed time; Mbit/s counts whole IPv4 packets
  loss         1 - delivered / offered
  gw core s/Mpkt  busy time (user+nice+system+irq+softirq+steal, /proc/stat) of the gateway
               core during the run, per million delivered packets; the same definition for
               both modes (kernel: the forwarding softirq; gateway: the process and its
               kernel receive/send work), plus whatever else ran on that core
  proc s/Mpkt  utime+stime of the gateway process (/proc/PID/stat), per million delivered
"""
import os
import statistics
import sys


def kv(path):
    values = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    values[k] = v
    except FileNotFoundError:
        pass
    return values


def num(d, k, default=0.0):
    try:
        return float(d.get(k, default))
    except ValueError:
        return default


def run_figures(run_dir):
    meta, gen, sink = kv(os.path.join(run_dir, "meta")), kv(os.path.join(run_dir, "gen.out")), kv(os.path.join(run_dir, "sink.out"))
    before, after = kv(os.path.join(run_dir, "before")), kv(os.path.join(run_dir, "after"))
    if not gen or not sink or not meta:
        return None
    delta = lambda k: num(after, k) - num(before, k)
    clk = num(meta, "clk_tck", 100)
    elapsed = num(gen, "elapsed_s")
    window = delta("wall_ns") / 1e9
    offered = num(gen, "offered_packets")
    good = num(sink, "good_packets")
    mpkt = good / 1e6
    per_mpkt = lambda seconds: seconds / mpkt if mpkt > 0 else float("nan")
    bad = sum(num(sink, k) for k in ("bad_ip", "bad_src", "bad_gre", "bad_callid", "bad_length", "bad_payload"))
    proc_ticks = delta("gw_process_ticks")
    return {
        "mode": meta["mode"], "round": int(num(meta, "round")), "payload": int(num(meta, "payload")),
        "calls": int(num(meta, "calls")), "kind": meta.get("kind", "max"), "rate": num(meta, "rate"),
        "load_pct": int(num(meta, "load_pct")),
        "offered_pps": offered / elapsed if elapsed else 0.0,
        "delivered_pps": good / elapsed if elapsed else 0.0,
        "mbps": num(sink, "good_bytes_ip") * 8 / elapsed / 1e6 if elapsed else 0.0,
        "loss_pct": 100.0 * (offered - good) / offered if offered else float("nan"),
        "gw_core_s_per_mpkt": per_mpkt(delta("gw_core_busy") / clk),
        "gw_softirq_s_per_mpkt": per_mpkt(delta("gw_core_softirq") / clk),
        "gw_core_busy_pct": 100.0 * delta("gw_core_busy") / clk / window if window else float("nan"),
        "gen_core_busy_pct": 100.0 * delta("gen_core_busy") / clk / window if window else float("nan"),
        "proc_s_per_mpkt": per_mpkt(proc_ticks / clk) if meta.get("gateway_pid") else float("nan"),
        "icmp_unreach_gw": delta("gw_icmp_out_unreach"),
        "icmp_unreach_srv": delta("srv_icmp_out_unreach"),
        "softnet_drops_gw": delta("gw_softnet_dropped"),
        "dropped_at_gw_input": num(gen, "dropped_at_receiver_queue"),
        "gw_raw_drops": delta("gw_raw_drops"),
        "gw_unknown_proto": delta("gw_ip_in_unknown_protos"),
        "gw_idle_busy_pct": num(meta, "gw_core_busy_pct_without_traffic", float("nan")),
        "softnet_drops_gen": delta("gen_softnet_dropped"),
        "sink_drops": num(sink, "socket_drops"),
        "bad": bad,
        "calls_seen": num(sink, "calls_seen"),
        "p50_us": num(sink, "latency_p50_us", float("nan")),
        "p99_us": num(sink, "latency_p99_us", float("nan")),
    }


def one_line(f):
    return ("offered %.0f pps, delivered %.0f pps (%.1f Mbit/s), loss %.2f%%, gw core %.2f s/Mpkt (busy %.0f%%), "
            "gen core busy %.0f%%, gw input drops %d, gw raw-socket drops %d, ICMP unreach gw %d, sink drops %d, bad %d, calls seen %d, "
            "latency p50 %.0f us p99 %.0f us" % (
                f["offered_pps"], f["delivered_pps"], f["mbps"], f["loss_pct"], f["gw_core_s_per_mpkt"],
                f["gw_core_busy_pct"], f["gen_core_busy_pct"], f["dropped_at_gw_input"], f["gw_raw_drops"], f["icmp_unreach_gw"],
                f["sink_drops"], f["bad"], f["calls_seen"], f["p50_us"], f["p99_us"]))


def median(values):
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=0):
    if v != v:
        return "-"
    return ("%%.%df" % digits) % v


def table(out_dir):
    runs = []
    runs_dir = os.path.join(out_dir, "runs")
    for seg in sorted(os.listdir(runs_dir)):
        seg_dir = os.path.join(runs_dir, seg)
        if not os.path.isdir(seg_dir):
            continue
        for run in sorted(os.listdir(seg_dir)):
            path = os.path.join(seg_dir, run)
            if os.path.isdir(path) and not run.startswith("warmup"):
                f = run_figures(path)
                if f:
                    runs.append(f)
    meta = kv(os.path.join(out_dir, "run.meta"))
    for key in ("date", "command", "kernel", "cpu_model", "cores", "loadavg_start", "loadavg_end", "pptp_helper",
                "gateway_label", "cpu_gen"):
        if key in meta:
            print("# %s: %s" % (key, meta[key]))
    for key in sorted(k for k in meta if k.startswith("variant_")):
        print("# gateway-%s: %s" % (key[len("variant_"):], meta[key]))
    groups = {}
    for f in runs:
        groups.setdefault((f["kind"], f["mode"], f["payload"], f["calls"]), []).append(f)
    order = {"forward": 0, "kernel": 1, "gateway": 2, "placeholder": 3}
    cols = [("offered kpps", "offered_pps", 1e-3, 0), ("delivered kpps", "delivered_pps", 1e-3, 1),
            ("Mbit/s", "mbps", 1, 0), ("loss %", "loss_pct", 1, 2),
            ("gw core s/Mpkt", "gw_core_s_per_mpkt", 1, 2), ("gw softirq s/Mpkt", "gw_softirq_s_per_mpkt", 1, 2),
            ("proc s/Mpkt", "proc_s_per_mpkt", 1, 2), ("gw core busy %", "gw_core_busy_pct", 1, 0),
            ("gw core busy % w/o traffic", "gw_idle_busy_pct", 1, 0),
            ("gen core busy %", "gen_core_busy_pct", 1, 0), ("gw input drops", "dropped_at_gw_input", 1, 0),
            ("gw raw-socket drops", "gw_raw_drops", 1, 0), ("ICMP unreach gw", "icmp_unreach_gw", 1, 0),
            ("sink drops", "sink_drops", 1, 0),
            ("bad", "bad", 1, 0), ("p50 us", "p50_us", 1, 0), ("p99 us", "p99_us", 1, 0)]
    header = ["kind", "mode", "payload B", "calls", "runs"] + [c[0] for c in cols]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    keys = sorted(groups, key=lambda k: (k[0] != "max", k[2], k[3], order.get(k[1].split("-")[0], 9), k[1]))
    for key in keys:
        g = groups[key]
        kind = key[0]
        if kind != "max":
            load = ("%d%% of kernel, " % g[0]["load_pct"]) if g[0]["load_pct"] else ""
            kind = "%s@%s%.0fkpps" % (kind, load, median([f["rate"] for f in g]) / 1e3)
        row = [kind, key[1], str(key[2]), str(key[3]), str(len(g))]
        row += [fmt(median([f[c[1]] for f in g]) * c[2], c[3]) for c in cols]
        print("| " + " | ".join(row) + " |")
    print("(medians over the rounds; forward = plain kernel forwarding without NAT or helper: the upper bound)")
    for (kind, mode, payload, calls), g in sorted(groups.items()):
        if kind == "max" and mode == "forward":
            f = g[0]
            verdict = "OK, the generator offers more than plain forwarding delivers" if f["loss_pct"] > 2 else \
                "WARNING: forwarding delivered nearly all that was offered; the generator may be the bottleneck"
            print("calibration %d B: offered %.0f pps, plain forwarding delivered %.0f pps: %s"
                  % (payload, f["offered_pps"], f["delivered_pps"], verdict))
    missed = [f for f in runs if f["kind"] == "latency" and f["rate"] > 0 and f["offered_pps"] < 0.95 * f["rate"]]
    if missed:
        print("WARNING: %d fixed-rate run(s) offered less than 95%% of the target rate (generator core too busy); "
              "their latency is not at the stated load" % len(missed))
    background = median([f["gw_idle_busy_pct"] for f in runs if f["gw_idle_busy_pct"] >= 0])
    if background == background and background > 10:
        print("WARNING: the gateway core was %.0f%% busy without benchmark traffic (median): other work shared it, so "
              "its CPU figures are inflated and the rates depressed; rerun on a quiet machine" % background)
    gw = "placeholder" if any(k[1] == "placeholder" for k in groups) else "gateway"
    variants = sorted({k[1] for k in groups if k[1].startswith("gateway-")}) or [gw]
    lines = []
    for variant in variants:
        parts = []
        for payload in sorted({k[2] for k in groups}):
            for calls in sorted({k[3] for k in groups}):
                k = median([f["delivered_pps"] for f in groups.get(("max", "kernel", payload, calls), [])])
                r = median([f["delivered_pps"] for f in groups.get(("max", variant, payload, calls), [])])
                label = "%d B" % payload if len({k2[3] for k2 in groups}) == 1 else "%d B %d calls" % (payload, calls)
                parts.append("%s %s" % (label, fmt(r / k, 2) if k == k and r == r and k > 0 else "n/a"))
        lines.append(("[%s] " % variant if variant != gw else "") + ", ".join(parts))
    note = " (PLACEHOLDER relay, NOT the gateway)" if gw == "placeholder" else ""
    print("ratio %s/kernel (median delivered packets/s)%s: %s" % (gw, note, "; ".join(lines)))


def main(argv):
    if len(argv) == 3 and argv[1] == "--one":
        f = run_figures(argv[2])
        print(one_line(f) if f else "no result")
    elif len(argv) == 3 and argv[1] == "--delivered-pps":
        f = run_figures(argv[2])
        print(int(f["delivered_pps"]) if f else 0)
    elif len(argv) == 2:
        table(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
