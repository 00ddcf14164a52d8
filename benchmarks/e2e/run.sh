#!/usr/bin/env bash
# pptp-alg end-to-end GRE relay benchmark: client -- gateway -- server network namespaces joined
# by veth, real PPTP calls set up through the gateway by scripted peers, a bounded raw-GRE
# generator in the client namespace, a counting sink in the server namespace. Alternates the
# Linux kernel's PPTP helper (conntrack + nft "ct helper" + masquerade) and the pptp-alg gateway.
# Run as root. See README.md next to this file.
set -euo pipefail

ORIG_ARGS="$*"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

DURATION=10
PAYLOADS=64,1400
CALLS=1
CALLS_PER_CONNECTION=1
ROUNDS=3
MODES=kernel,gateway
WARMUP=2
BATCH=64
CPU_GEN=0
CPU_GW=1
SERVER_RPS=gen
GEN_SOCKET=packet
SINK_FIFO=10
CALIBRATE=1
LATENCY_LOAD=0
FIXED_RATE=0
LATENCY_BATCH=8
PREFIX=pab
OUT=""
PLACEHOLDER=0
# THE GATEWAY HOOK: the command that starts the gateway inside the gateway namespace.
# It must listen on 198.18.1.1:1723 (the client side) and relay to the PAC at 198.18.2.2:1723.
GATEWAY_CMD="java -jar $REPO/examples/target/pptp-alg.jar -p 198.18.1.1:1723,198.18.2.2:1723"
# Gateway variants (--variant NAME=CMD, repeatable): each round runs every variant in turn, as mode gateway-NAME.
declare -A VARIANT_CMD=()
VARIANT_NAMES=()

usage() {
  cat <<EOF
usage: sudo $0 [options]
  --duration S          measured seconds per run (default $DURATION, 1..600)
  --payload LIST        GRE payload sizes in bytes (default $PAYLOADS, each 20..1452)
  --calls N             concurrent calls, set up by the scripted peers (default $CALLS, 1..20000)
  --calls-per-connection N  calls per control connection (default 1: the kernel helper tracks one)
  --rounds N            alternating kernel/gateway rounds (default $ROUNDS, 1..50)
  --modes LIST          any of kernel,gateway,forward (default $MODES)
  --gateway-cmd 'CMD'   how to start the gateway (default: $GATEWAY_CMD)
  --variant NAME=CMD    a gateway variant (repeatable; NAME: letters, digits, '_'): each round runs kernel, then
                        every variant in turn (mode gateway-NAME), to compare variants side by side
  --placeholder         use the user-space PLACEHOLDER relay instead of the gateway (harness test
                        only; reported as "placeholder", never as the gateway)
  --warmup S            unmeasured seconds before each measured run (default $WARMUP)
  --batch N             packets per sendmmsg (default $BATCH)
  --latency-load PCT    also measure latency at PCT% of the kernel helper's delivered rate (0 = off)
  --latency-batch N     packets per sendmmsg in the latency runs (default $LATENCY_BATCH)
  --fixed-rate PPS      also measure every mode at this absolute offered rate (0 = off; batches of --latency-batch)
  --no-calibrate        skip the plain-forwarding (no NAT, no helper) upper-bound run
  --cpu-gen N           core for generator, sink and client/server namespaces (default $CPU_GEN)
  --cpu-gw N            core for the gateway namespace: the gateway or the kernel's forwarding (default $CPU_GW)
  --gen-socket packet|ip  generator sends from an AF_PACKET socket (default: cheapest per packet) or an
                        IPPROTO_GRE raw IP socket
  --sink-fifo PRIO      SCHED_FIFO priority of the sink, which shares the generator's core (default $SINK_FIFO, 0 = off)
  --server-rps gen|none steer the server namespace's receive work to the generator core (default $SERVER_RPS)
  --out DIR             keep raw outputs here (default: a new /tmp/pptpalg-e2e.XXXXXX)
  --prefix P            namespace name prefix (default $PREFIX; names are P<pid>-c, -g, -s)
EOF
  exit 2
}

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --payload) PAYLOADS=$2; shift 2 ;;
    --calls) CALLS=$2; shift 2 ;;
    --calls-per-connection) CALLS_PER_CONNECTION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --modes|--mode) MODES=$2; shift 2 ;;
    --gateway-cmd) GATEWAY_CMD=$2; shift 2 ;;
    --variant)
      [[ $2 =~ ^([A-Za-z0-9_]{1,20})=(.+)$ ]] || { echo "run.sh: --variant: $2 (expected: NAME=CMD)" >&2; usage; }
      [ -z "${VARIANT_CMD[${BASH_REMATCH[1]}]:-}" ] || { echo "run.sh: --variant: ${BASH_REMATCH[1]} given twice" >&2; usage; }
      VARIANT_NAMES+=("${BASH_REMATCH[1]}"); VARIANT_CMD[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}; shift 2 ;;
    --placeholder) PLACEHOLDER=1; shift ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --latency-load) LATENCY_LOAD=$2; shift 2 ;;
    --latency-batch) LATENCY_BATCH=$2; shift 2 ;;
    --fixed-rate) FIXED_RATE=$2; shift 2 ;;
    --no-calibrate) CALIBRATE=0; shift ;;
    --cpu-gen) CPU_GEN=$2; shift 2 ;;
    --cpu-gw) CPU_GW=$2; shift 2 ;;
    --server-rps) SERVER_RPS=$2; shift 2 ;;
    --gen-socket) GEN_SOCKET=$2; shift 2 ;;
    --sink-fifo) SINK_FIFO=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown option: $1" >&2; usage ;;
  esac
done

int_in() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || die "$4: $1 (expected: $2..$3)"; }
int_in "$DURATION" 1 600 --duration
int_in "$CALLS" 1 20000 --calls
int_in "$CALLS_PER_CONNECTION" 1 65535 --calls-per-connection
int_in "$ROUNDS" 1 50 --rounds
int_in "$WARMUP" 0 60 --warmup
int_in "$BATCH" 1 1024 --batch
int_in "$LATENCY_LOAD" 0 100 --latency-load
int_in "$LATENCY_BATCH" 1 1024 --latency-batch
int_in "$FIXED_RATE" 0 10000000 --fixed-rate
int_in "$SINK_FIFO" 0 99 --sink-fifo
int_in "$CPU_GEN" 0 4095 --cpu-gen
int_in "$CPU_GW" 0 4095 --cpu-gw
[[ $PREFIX =~ ^[a-z][a-z0-9]{0,5}$ ]] || die "--prefix: $PREFIX (expected: 1..6 lower-case letters/digits)"
[ "$SERVER_RPS" = gen ] || [ "$SERVER_RPS" = none ] || die "--server-rps: $SERVER_RPS (expected: gen or none)"
[ "$GEN_SOCKET" = packet ] || [ "$GEN_SOCKET" = ip ] || die "--gen-socket: $GEN_SOCKET (expected: packet or ip)"
IFS=, read -r -a PAYLOAD_LIST <<<"$PAYLOADS"
for p in "${PAYLOAD_LIST[@]}"; do int_in "$p" 20 1452 --payload; done
IFS=, read -r -a MODE_LIST <<<"$MODES"
for m in "${MODE_LIST[@]}"; do
  case "$m" in kernel|gateway|forward) ;; *) die "--modes: $m (expected: kernel, gateway or forward)" ;; esac
done

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, raw sockets, nftables)"
for tool in ip nft gcc python3 taskset awk; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
NCPU=$(getconf _NPROCESSORS_ONLN)
[ "$CPU_GEN" -lt "$NCPU" ] && [ "$CPU_GW" -lt "$NCPU" ] || die "--cpu-gen/--cpu-gw: this machine has $NCPU cores"
[ "$CPU_GEN" != "$CPU_GW" ] || log "warning: generator and gateway share core $CPU_GEN"

GW_LABEL=gateway
if [ "$PLACEHOLDER" = 1 ]; then
  GW_LABEL=placeholder
  GATEWAY_CMD="python3 $HERE/placeholder_relay.py -p 198.18.1.1:1723,198.18.2.2:1723 --max-seconds 3600"
fi
for i in "${!MODE_LIST[@]}"; do [ "${MODE_LIST[$i]}" = gateway ] && MODE_LIST[$i]=$GW_LABEL; done
if [ "${#VARIANT_NAMES[@]}" -gt 0 ]; then
  [ "$PLACEHOLDER" = 0 ] || die "--variant and --placeholder exclude each other"
  expanded=()
  for m in "${MODE_LIST[@]}"; do
    if [ "$m" = gateway ]; then
      for v in "${VARIANT_NAMES[@]}"; do expanded+=("gateway-$v"); done
    else
      expanded+=("$m")
    fi
  done
  MODE_LIST=("${expanded[@]}")
fi
if [ "$GW_LABEL" = gateway ] && [[ " ${MODE_LIST[*]} " == *" gateway "* ]] \
    && [[ $GATEWAY_CMD == "java -jar $REPO/examples/target/pptp-alg.jar"* ]] && [ ! -f "$REPO/examples/target/pptp-alg.jar" ]; then
  die "gateway mode: $REPO/examples/target/pptp-alg.jar does not exist; build it, or give --gateway-cmd, or --modes kernel, or --placeholder (harness test)"
fi

[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/pptpalg-e2e.XXXXXX)
mkdir -p "$OUT/bin" "$OUT/runs"
CLK_TCK=$(getconf CLK_TCK)
NS_C="${PREFIX}$$-c"; NS_G="${PREFIX}$$-g"; NS_S="${PREFIX}$$-s"
BG_PIDS=()
GW_PID=""
SAVED_EXPECT_MAX=""

# ------------------------------------------------------------------------------------- cleanup
kill_ns_processes() { # every process inside our own namespaces: started by this script
  local ns=$1 pid
  ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do # up to 10 s: a peer closing 10,000 connections takes a while
    [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
}
teardown_topology() {
  local ns
  for ns in "$NS_C" "$NS_G" "$NS_S"; do kill_ns_processes "$ns"; done
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BG_PIDS=(); GW_PID=""
  for ns in "$NS_C" "$NS_G" "$NS_S"; do ip netns del "$ns" 2>/dev/null || true; done
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  teardown_topology
  if [ -n "$SAVED_EXPECT_MAX" ]; then
    echo "$SAVED_EXPECT_MAX" >/proc/sys/net/netfilter/nf_conntrack_expect_max 2>/dev/null || true
  fi
  local left
  left=$(ip netns list 2>/dev/null | grep -c "^${PREFIX}$$-" || true)
  [ "$left" = 0 ] || echo "run.sh: warning: $left namespaces could not be deleted" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------------- build
gcc -O2 -Wall -o "$OUT/bin/gregen" "$HERE/gregen.c"
gcc -O2 -Wall -o "$OUT/bin/gresink" "$HERE/gresink.c"

# ------------------------------------------------------------------------------------- kernel helper check
helper_status() {
  if command -v modprobe >/dev/null; then
    modprobe nf_conntrack_pptp 2>/dev/null && modprobe nf_nat_pptp 2>/dev/null && { echo "modules loaded with modprobe"; return; }
  fi
  if [ -d /sys/module/nf_conntrack_pptp ]; then echo "nf_conntrack_pptp loaded"; return; fi
  local config=""
  [ -r /proc/config.gz ] && config=$(zcat /proc/config.gz 2>/dev/null || true)
  if [[ $config == *$'\nCONFIG_NF_CONNTRACK_PPTP=y'* && $config == *$'\nCONFIG_NF_NAT_PPTP=y'* ]]; then
    echo "built into the kernel (CONFIG_NF_CONNTRACK_PPTP=y, CONFIG_NF_NAT_PPTP=y)"; return
  fi
  if [[ $config == *$'\nCONFIG_NF_CONNTRACK_PPTP=m'* ]]; then
    echo "a module (CONFIG_NF_CONNTRACK_PPTP=m) that is not loaded and could not be loaded; the nft ct helper rule will tell"; return
  fi
  echo "unknown (no modprobe, no /sys/module entry, no /proc/config.gz); the nft ct helper rule will tell"
}
HELPER_STATUS=$(helper_status)

# ------------------------------------------------------------------------------------- topology
# client ns: c0 198.18.1.2/24 --- g0 198.18.1.1/24 :gateway ns: g1 198.18.2.1/24 --- s0 198.18.2.2/24 :server ns
cpumask() { printf '%x' $((1 << $1)); }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
setup_topology() {
  ip netns add "$NS_C"; ip netns add "$NS_G"; ip netns add "$NS_S"
  ip link add c0 netns "$NS_C" type veth peer name g0 netns "$NS_G"
  ip link add s0 netns "$NS_S" type veth peer name g1 netns "$NS_G"
  local ns
  for ns in "$NS_C" "$NS_G" "$NS_S"; do
    ip -n "$ns" link set lo up
    nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip -n "$NS_C" addr add 198.18.1.2/24 dev c0
  ip -n "$NS_G" addr add 198.18.1.1/24 dev g0
  ip -n "$NS_G" addr add 198.18.2.1/24 dev g1
  ip -n "$NS_S" addr add 198.18.2.2/24 dev s0
  ip -n "$NS_C" link set c0 up; ip -n "$NS_G" link set g0 up; ip -n "$NS_G" link set g1 up; ip -n "$NS_S" link set s0 up
  ip -n "$NS_C" route add default via 198.18.1.1
  ip -n "$NS_S" route add default via 198.18.2.1
  # Core placement (README "Cores"): receive work of the gateway namespace on CPU_GW, of the
  # client and server namespaces on CPU_GEN, whatever core sent the packet (RPS on veth).
  nsx "$NS_G" sh -c "echo $(cpumask "$CPU_GW") > /sys/class/net/g0/queues/rx-0/rps_cpus; echo $(cpumask "$CPU_GW") > /sys/class/net/g1/queues/rx-0/rps_cpus"
  nsx "$NS_C" sh -c "echo $(cpumask "$CPU_GEN") > /sys/class/net/c0/queues/rx-0/rps_cpus"
  if [ "$SERVER_RPS" = gen ]; then
    nsx "$NS_S" sh -c "echo $(cpumask "$CPU_GEN") > /sys/class/net/s0/queues/rx-0/rps_cpus"
  fi
  GEN_L2=()
  if [ "$GEN_SOCKET" = packet ]; then
    GEN_L2=(--ifname c0 --src 198.18.1.2 --src-mac "$(nsx "$NS_C" cat /sys/class/net/c0/address)"
            --dst-mac "$(nsx "$NS_G" cat /sys/class/net/g0/address)")
  fi
}

configure_kernel_helper() {
  nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1
  nsx "$NS_G" nft -f - <<'EOF'
table ip pptpalg_bench {
  ct helper pptp_helper {
    type "pptp" protocol tcp;
    l3proto ip;
  }
  chain prerouting {
    type filter hook prerouting priority filter; policy accept;
    tcp dport 1723 ct helper set "pptp_helper"
  }
  chain nat_prerouting {
    type nat hook prerouting priority dstnat; policy accept;
  }
  chain nat_postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "g1" masquerade
  }
}
EOF
}

# THE GATEWAY HOOK. Starts $GATEWAY_CMD inside the gateway namespace, pinned to CPU_GW (all its
# threads), with ip_forward=0 (the gateway must be the GRE endpoint of both legs), and waits
# until something listens on 198.18.1.1:1723. Sets GW_PID (the process whose CPU time is read).
start_gateway() {
  nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=0
  local log=$1 cmd=$GATEWAY_CMD
  if [[ $2 == gateway-* ]]; then cmd=${VARIANT_CMD[${2#gateway-}]}; fi
  echo "command: $cmd" >"$log.cmd"
  if [[ $cmd == *--gre-offload* ]]; then
    # The kernel fast path's route lookup (bpf_fib_lookup) needs IPv4 forwarding on its interfaces. The
    # client sends GRE to the gateway's own address, so nothing is routed past the gateway through them.
    nsx "$NS_G" sysctl -qw net.ipv4.conf.g0.forwarding=1 net.ipv4.conf.g1.forwarding=1
  fi
  ip netns exec "$NS_G" taskset -c "$CPU_GW" bash -c "cd '$REPO' && exec $cmd" >"$log" 2>&1 &
  GW_PID=$!
  BG_PIDS+=("$GW_PID")
  local deadline=$((SECONDS + 60))
  until nsx "$NS_G" ss -Hltn 'sport = :1723' | grep -q 198.18.1.1:1723 \
      || nsx "$NS_G" ss -Hltn 'sport = :1723' | grep -q '0.0.0.0:1723'; do
    kill -0 "$GW_PID" 2>/dev/null || { cat "$log" >&2; die "$GW_LABEL exited before listening on 198.18.1.1:1723"; }
    [ $SECONDS -lt $deadline ] || die "$GW_LABEL is not listening on 198.18.1.1:1723 after 60 s (log: $log)"
    sleep 0.2
  done
}

wait_for_file() { # file timeout-seconds pid-that-must-stay-alive what
  local deadline=$((SECONDS + $2))
  until [ -s "$1" ]; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then die "$4 exited early (see $(dirname "$1"))"; fi
    [ $SECONDS -lt $deadline ] || die "$4: nothing after $2 s (see $(dirname "$1"))"
    sleep 0.1
  done
}

# ------------------------------------------------------------------------------------- counters
snapshot() { # file
  local file=$1 ticks=0
  if [ -n "$GW_PID" ] && [ -r "/proc/$GW_PID/stat" ]; then
    ticks=$(sed 's/.*) //' "/proc/$GW_PID/stat" | awk '{print $12 + $13}')
  fi
  {
    echo "wall_ns=$(date +%s%N)"
    awk -v g="cpu$CPU_GW" -v c="cpu$CPU_GEN" '
      $1 == g { print "gw_core_busy=" $2+$3+$4+$7+$8+$9; print "gw_core_softirq=" $8; print "gw_core_system=" $4 }
      $1 == c { print "gen_core_busy=" $2+$3+$4+$7+$8+$9 }
      $1 == "cpu" { print "all_busy=" $2+$3+$4+$7+$8+$9 }' /proc/stat
    echo "gw_process_ticks=$ticks"
    local line
    line=$(sed -n "$((CPU_GW + 1))p" /proc/net/softnet_stat)
    set -- $line
    echo "gw_softnet_processed=$((16#$1))"; echo "gw_softnet_dropped=$((16#$2))"
    line=$(sed -n "$((CPU_GEN + 1))p" /proc/net/softnet_stat)
    set -- $line
    echo "gen_softnet_processed=$((16#$1))"; echo "gen_softnet_dropped=$((16#$2))"
    for pair in "gw:$NS_G" "srv:$NS_S" "cli:$NS_C"; do
      nsx "${pair#*:}" awk -v p="${pair%%:*}" '
        /^Icmp:/ { if (!hi) { for (i = 2; i <= NF; i++) ni[$i] = i; hi = 1 }
                   else { print p "_icmp_out_unreach=" $ni["OutDestUnreachs"]; print p "_icmp_in_unreach=" $ni["InDestUnreachs"] } }
        /^Ip:/ { if (!hp) { for (i = 2; i <= NF; i++) np[$i] = i; hp = 1 }
                 else { print p "_ip_in_unknown_protos=" $np["InUnknownProtos"]; print p "_ip_in_discards=" $np["InDiscards"] } }' /proc/net/snmp
      # receive-queue drops of every raw socket in that namespace (the gateway's GRE socket, the sink)
      nsx "${pair#*:}" awk -v p="${pair%%:*}" 'NR > 1 { d += $NF } END { print p "_raw_drops=" d + 0 }' /proc/net/raw
    done
  } >"$file"
}

# ------------------------------------------------------------------------------------- one run
# measure <dir> <mode> <round> <payload> <seconds> <rate> <batch> <kind: max|latency|warmup>
measure() {
  local dir=$1 mode=$2 round=$3 payload=$4 secs=$5 rate=$6 batch=$7 kind=$8
  mkdir -p "$dir"
  local idle_busy_pct=-1
  if [ "$kind" != warmup ]; then
    # what else keeps the gateway core busy without our traffic (other work on a shared machine)
    local b0 b1
    b0=$(awk -v g="cpu$CPU_GW" '$1 == g { print $2+$3+$4+$7+$8+$9 }' /proc/stat); sleep 1
    b1=$(awk -v g="cpu$CPU_GW" '$1 == g { print $2+$3+$4+$7+$8+$9 }' /proc/stat)
    idle_busy_pct=$(( (b1 - b0) * 100 / CLK_TCK ))
  fi
  local sink_src=198.18.2.1
  [ "$mode" = forward ] && sink_src=198.18.1.2
  ip netns exec "$NS_S" "$OUT/bin/gresink" --calls "$SEG/pac.calls" --payload "$payload" \
    --max-seconds $((secs + 30)) --src "$sink_src" --cpu "$CPU_GEN" --timeline "$dir/timeline" \
    --ready "$dir/sink.ready" --fifo "$SINK_FIFO" >"$dir/sink.out" 2>"$dir/sink.err" &
  local sink=$!
  BG_PIDS+=("$sink")
  wait_for_file "$dir/sink.ready" 10 "$sink" "sink"
  snapshot "$dir/before"
  ip netns exec "$NS_C" "$OUT/bin/gregen" --dst "$GRE_DST" --calls "$SEG/pns.calls" --payload "$payload" \
    --duration "$secs" --rate "$rate" --batch "$batch" --cpu "$CPU_GEN" "${GEN_L2[@]}" >"$dir/gen.out" 2>"$dir/gen.err" \
    || die "generator failed: $(cat "$dir/gen.err")"
  sleep 0.5 # let what is queued in the relay arrive
  snapshot "$dir/after"
  kill -TERM "$sink"; wait "$sink" || die "sink failed: $(cat "$dir/sink.err")"
  cat >"$dir/meta" <<EOF
mode=$mode
round=$round
payload=$payload
calls=$CALLS
duration=$secs
rate=$rate
batch=$batch
kind=$kind
cpu_gen=$CPU_GEN
cpu_gw=$CPU_GW
clk_tck=$CLK_TCK
gateway_pid=$GW_PID
gw_core_busy_pct_without_traffic=$idle_busy_pct
load_pct=$([ "$kind" = latency ] && echo "$LATENCY_LOAD" || echo 0)
EOF
  if [ "$kind" != warmup ]; then
    log "  $mode r$round ${payload}B $kind: $(python3 "$HERE/report.py" --one "$dir")"
  fi
}

# ------------------------------------------------------------------------------------- one segment
# A segment: fresh namespaces, one mode, calls set up, every payload measured, everything torn down.
declare -A KERNEL_PPS=()
segment() { # mode round
  local mode=$1 round=$2
  SEG="$OUT/runs/r$round-$mode"
  mkdir -p "$SEG"
  log "round $round: $mode"
  setup_topology
  local pns_target
  case "$mode" in
    kernel) configure_kernel_helper; pns_target=198.18.2.2; GRE_DST=198.18.2.2 ;;
    forward) nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1; pns_target=198.18.2.2; GRE_DST=198.18.2.2 ;;
    *) start_gateway "$SEG/gateway.log" "$mode"; pns_target=198.18.1.1; GRE_DST=198.18.1.1 ;;
  esac
  local setup_timeout=$((60 + CALLS / 50))
  ip netns exec "$NS_S" taskset -c "$CPU_GEN" python3 "$HERE/pptp_peers.py" pac --listen 198.18.2.2:1723 \
    --expect "$CALLS" --calls-out "$SEG/pac.calls" --ready "$SEG/pac.ready" --timeout 3600 \
    >"$SEG/pac.log" 2>&1 &
  local pac=$!; BG_PIDS+=("$pac")
  wait_for_file "$SEG/pac.ready" 20 "$pac" "PAC peer"
  ip netns exec "$NS_C" taskset -c "$CPU_GEN" python3 "$HERE/pptp_peers.py" pns --server "$pns_target:1723" \
    --calls "$CALLS" --calls-per-connection "$CALLS_PER_CONNECTION" --calls-out "$SEG/pns.calls" \
    --timeout "$setup_timeout" --hold 3600 >"$SEG/pns.log" 2>&1 &
  local pns=$!; BG_PIDS+=("$pns")
  wait_for_file "$SEG/pns.calls" $((setup_timeout + 5)) "$pns" "PNS peer"
  wait_for_file "$SEG/pac.calls" 10 "$pac" "PAC peer"
  local rewritten
  rewritten=$(awk 'NR == FNR { own[$1] = $2; next } ($1 in own) && own[$1] != $2 { n++ } END { print n + 0 }' \
    "$SEG/pns.calls" "$SEG/pac.calls")
  log "  $(cat "$SEG/pns.log"); PNS Call IDs changed on the way: $rewritten of $CALLS"
  echo "pns_call_ids_rewritten=$rewritten" >"$SEG/calls.meta"
  if [ "$mode" = kernel ]; then
    nsx "$NS_G" cat /proc/net/nf_conntrack >"$SEG/conntrack.before" 2>/dev/null || true
  fi
  local payload
  for payload in "${PAYLOAD_LIST[@]}"; do
    [ "$WARMUP" = 0 ] || measure "$SEG/warmup-$payload" "$mode" "$round" "$payload" "$WARMUP" 0 "$BATCH" warmup
    measure "$SEG/max-$payload" "$mode" "$round" "$payload" "$DURATION" 0 "$BATCH" max
    if [ "$mode" = kernel ]; then
      KERNEL_PPS[$payload]=$(python3 "$HERE/report.py" --delivered-pps "$SEG/max-$payload")
    fi
    if [ "$LATENCY_LOAD" != 0 ] && [ "$mode" != forward ] && [ -n "${KERNEL_PPS[$payload]:-}" ]; then
      local rate=$((KERNEL_PPS[$payload] * LATENCY_LOAD / 100))
      measure "$SEG/latency-$payload" "$mode" "$round" "$payload" "$DURATION" "$rate" "$LATENCY_BATCH" latency
    fi
    if [ "$FIXED_RATE" != 0 ]; then
      measure "$SEG/fixed-$payload" "$mode" "$round" "$payload" "$DURATION" "$FIXED_RATE" "$LATENCY_BATCH" fixed
    fi
  done
  if [ "$mode" = kernel ]; then
    nsx "$NS_G" cat /proc/net/nf_conntrack >"$SEG/conntrack.after" 2>/dev/null || true
  fi
  teardown_topology
}

# ------------------------------------------------------------------------------------- main
if [ "$CALLS" -gt 1500 ] && [[ " ${MODE_LIST[*]} " == *" kernel "* ]]; then
  # The kernel helper makes two GRE expectations per call; the host-wide limit is often 4096.
  current=$(cat /proc/sys/net/netfilter/nf_conntrack_expect_max)
  if [ "$current" -lt $((CALLS * 2 + 64)) ]; then
    SAVED_EXPECT_MAX=$current
    echo $((CALLS * 2 + 64)) >/proc/sys/net/netfilter/nf_conntrack_expect_max
    log "nf_conntrack_expect_max raised from $current to $((CALLS * 2 + 64)) for this run (restored at exit)"
  fi
fi

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command=$0 $ORIG_ARGS"
  echo "kernel=$(uname -r)"
  echo "cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "cores=$NCPU"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pptp_helper=$HELPER_STATUS"
  echo "gateway_cmd=$GATEWAY_CMD"
  for v in "${VARIANT_NAMES[@]}"; do echo "variant_$v=${VARIANT_CMD[$v]}"; done
  echo "gateway_label=$GW_LABEL"
  echo "cpu_gen=$CPU_GEN cpu_gw=$CPU_GW server_rps=$SERVER_RPS gen_socket=$GEN_SOCKET batch=$BATCH sink_fifo=$SINK_FIFO netdev_max_backlog=$(cat /proc/sys/net/core/netdev_max_backlog)"
} >"$OUT/run.meta"
log "output in $OUT; kernel PPTP helper: $HELPER_STATUS"

if [ "$CALIBRATE" = 1 ]; then
  segment forward 0
fi
for round in $(seq 1 "$ROUNDS"); do
  for mode in "${MODE_LIST[@]}"; do segment "$mode" "$round"; done
done
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/run.meta"
python3 "$HERE/report.py" "$OUT"
