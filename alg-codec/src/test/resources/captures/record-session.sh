#!/usr/bin/env bash
# Records one real PPTP session between Debian's pptp-linux (PNS) and pptpd (PAC) for the codec's
# RealCaptureTest, and tshark's own decoding of it.
#
#   sudo ./record-session.sh [output directory, default: this script's directory]
#
# Needs root and the Debian packages pptpd, pptp-linux, tshark, iproute2, util-linux, python3.
# Everything happens in three network namespaces of its own (client, middle router, server; the
# root namespace is not touched) with addresses in 198.18.0.0/15; no pppd and no /dev/ppp are
# needed: pptpd execs a fake pppd (raw pty, echoes every PPP frame back) and pptp runs with
# --nolaunchpppd, its fd 0 a socketpair whose other end a small Python client drives.
# The session: control connection, outgoing call, PPP frames both ways (the fake pppd's LCP
# Configure-Request, then 40/500/1400-byte frames echoed back), a quiet pause in which pptp's
# --idle-wait=2 sends an Echo-Request that pptpd answers, one more frame, and the hang-up
# (pptp-linux sends Call-Clear-Request and closes the TCP connection).
# tshark captures on the server's veth, so the capture sees what the PAC sent and received.
# Outputs: pptp-session.pcap (classic pcap, Ethernet), pptp-session.pptp.tsv and
# pptp-session.gre.tsv (tshark -T fields with a header line, one row per frame).
set -euo pipefail

out_dir=$(cd "${1:-$(dirname "$0")}" && pwd)
tag="rec$$"
ns_c="${tag}-c" ns_g="${tag}-g" ns_s="${tag}-s"
work=$(mktemp -d /tmp/pptpalg-record.XXXXXX)
tshark_pid=""

cleanup() {
  set +e
  [ -n "$tshark_pid" ] && kill "$tshark_pid" 2>/dev/null
  for ns in "$ns_c" "$ns_g" "$ns_s"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

for tool in ip pptpd pptp tshark unshare /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "record-session: $tool not found" >&2; exit 1; }
done

# --- topology: client (198.18.10.2) -- middle router -- server (198.18.20.2) ----------------
for ns in "$ns_c" "$ns_g" "$ns_s"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add c0 netns "$ns_c" type veth peer name gc0 netns "$ns_g"
ip link add s0 netns "$ns_s" type veth peer name gs0 netns "$ns_g"
ip -n "$ns_c" addr add 198.18.10.2/24 dev c0
ip -n "$ns_g" addr add 198.18.10.1/24 dev gc0
ip -n "$ns_g" addr add 198.18.20.1/24 dev gs0
ip -n "$ns_s" addr add 198.18.20.2/24 dev s0
ip -n "$ns_c" link set c0 up; ip -n "$ns_g" link set gc0 up; ip -n "$ns_g" link set gs0 up; ip -n "$ns_s" link set s0 up
ip -n "$ns_c" route add 198.18.0.0/15 via 198.18.10.1
ip -n "$ns_s" route add 198.18.0.0/15 via 198.18.20.1
ip netns exec "$ns_g" sysctl -qw net.ipv4.ip_forward=1
for ns in "$ns_c" "$ns_g" "$ns_s"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done

# --- the fake pppd: raw pty, one LCP Configure-Request first, then echo every frame ----------
cat > "$work/fake-pppd.py" <<'EOF'
import os, select, sys, termios, tty
tty.setraw(0, termios.TCSANOW)
# ff 03 c0 21 01 01 00 04 (LCP Configure-Request, id 1) with its FCS, async-HDLC framed
os.write(1, bytes.fromhex("7eff7d23c0217d217d217d207d24d1b57e"))
buf = b""
while True:
    select.select([0], [], [])
    try:
        data = os.read(0, 65536)
    except OSError:
        break
    if not data:
        break
    buf += data
    while True:  # echo whole frames (between flags) back unchanged
        start = buf.find(b"\x7e")
        end = buf.find(b"\x7e", start + 1) if start >= 0 else -1
        if end < 0:
            break
        frame, buf = buf[start:end + 1], buf[end + 1:]
        if len(frame) > 2:
            os.write(1, frame)
EOF
cat > "$work/fake-pppd.sh" <<EOF
#!/bin/sh
exec /usr/bin/python3 $work/fake-pppd.py
EOF
chmod +x "$work/fake-pppd.sh"
cat > "$work/pptpd.conf" <<EOF
ppp $work/fake-pppd.sh
option $work/pppd-options
localip 10.255.0.1
remoteip 10.255.0.2-9
EOF
touch "$work/pppd-options"

# --- the client: pptp with a socketpair as fd 0, frames sent and their echoes checked --------
cat > "$work/client.py" <<'EOF'
import os, select, socket, subprocess, sys, time

def fcs16(data):
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF

def hdlc(frame):
    fcs = fcs16(frame)
    out = bytearray(b"\x7e")
    for b in frame + bytes([fcs & 0xFF, fcs >> 8]):
        out += bytes([0x7D, b ^ 0x20]) if b < 0x20 or b in (0x7D, 0x7E) else bytes([b])
    return bytes(out + b"\x7e")

ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
pptp = subprocess.Popen(["/usr/sbin/pptp", sys.argv[1], "--nolaunchpppd", "--nohostroute", "--idle-wait=2",
                         "--loglevel", "1"], stdin=theirs, stdout=subprocess.DEVNULL)
theirs.close()
pending = b""

def frames(timeout):
    """async-HDLC frames (still framed) that arrive within timeout seconds"""
    global pending
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([ours], [], [], max(0.0, deadline - time.time()))
        if not r:
            break
        data = ours.recv(65536)
        if not data:
            sys.exit("pptp closed its PPP side")
        pending += data
        while pending.count(b"\x7e") >= 2:
            start = pending.index(b"\x7e")
            end = pending.index(b"\x7e", start + 1)
            frame, pending = pending[start:end + 1], pending[end + 1:]
            if len(frame) > 2:
                got.append(frame)
        if got:
            return got
    return got

def expect(frame, what):
    got = frames(5)
    if got != [frame]:
        sys.exit("expected %s back, got %r" % (what, got))

first = frames(10)
if not first:
    sys.exit("no PPP frame from the server")
for size in (40, 500, 1400):
    frame = hdlc(b"\xff\x03\x00\x21" + bytes((i * 7 + size) & 0xFF for i in range(size - 4)))
    ours.sendall(frame)
    expect(frame, "the %d-byte frame" % size)
time.sleep(3.5)   # idle: pptp sends Echo-Request after 2 s, pptpd replies
frame = hdlc(b"\xff\x03\x00\x21" + b"after the echo" * 3)
ours.sendall(frame)
expect(frame, "the last frame")
ours.close()      # pptp hangs up: Call-Clear-Request, TCP close
pptp.wait(timeout=10)
time.sleep(0.5)
EOF

# --- record ----------------------------------------------------------------------------------
ip netns exec "$ns_s" tshark -q -i s0 -F pcap -w "$work/pptp-session.pcap" \
  -f "tcp port 1723 or ip proto 47 or icmp" 2> "$work/tshark.log" &  # (and tshark's "running as root" note)
tshark_pid=$!
for _ in $(seq 100); do grep -q "Capturing on" "$work/tshark.log" && break; sleep 0.1; done
grep -q "Capturing on" "$work/tshark.log" || { cat "$work/tshark.log" >&2; exit 1; }

ip netns exec "$ns_s" pptpd -c "$work/pptpd.conf" -f -p "$work/pptpd.pid" &
pptpd_pid=$!
for _ in $(seq 100); do ip netns exec "$ns_s" ss -Hltn sport = :1723 | grep -q . && break; sleep 0.05; done

ip netns exec "$ns_c" unshare --mount --propagation private sh -c \
  "mkdir -p /run/pptp && mount -t tmpfs pptpalg /run/pptp && exec /usr/bin/python3 $work/client.py 198.18.20.2"

sleep 1   # pptpd closes the connection after Call-Clear-Request: let the FINs pass
kill -INT "$tshark_pid"; wait "$tshark_pid" || true; tshark_pid=""
kill "$pptpd_pid"; wait "$pptpd_pid" 2>/dev/null || true

# --- tshark's own decoding ---------------------------------------------------------------------
pptp_fields=(frame.number ip.src ip.dst tcp.srcport tcp.dstport pptp.length pptp.type pptp.magic_cookie
  pptp.control_message_type pptp.reserved pptp.protocol_version pptp.framing_capabilities
  pptp.bearer_capabilities pptp.maximum_channels pptp.firmware_revision pptp.host_name pptp.vendor_name
  pptp.control_result pptp.error pptp.reason pptp.stop_result pptp.identifier pptp.echo_result pptp.call_id
  pptp.call_serial_number pptp.minimum_bps pptp.maximum_bps pptp.framing_type pptp.bearer_type
  pptp.packet_receive_window_size pptp.packet_processing_delay pptp.phone_number_length pptp.phone_number
  pptp.subaddress pptp.peer_call_id pptp.out_result pptp.cause pptp.connect_speed pptp.physical_channel_id
  pptp.dialed_number_length pptp.dialed_number pptp.dialing_number_length pptp.dialing_number pptp.in_result
  pptp.disc_result pptp.call_Statistics pptp.crc_errors pptp.framing_errors pptp.hardware_overruns
  pptp.buffer_overruns pptp.timeout_errors pptp.alignment_errors pptp.send_accm pptp.receive_accm)
gre_fields=(frame.number ip.src ip.dst ip.len gre.flags_and_version gre.flags.checksum gre.flags.routing
  gre.flags.key gre.flags.sequence_number gre.flags.strict_source_route gre.flags.recursion_control
  gre.flags.ack gre.flags.reserved gre.flags.version gre.proto gre.key.payload_length gre.key.call_id
  gre.sequence_number gre.ack_number)
fields() { local f; for f in "$@"; do printf -- '-e\n%s\n' "$f"; done; }
mapfile -t pptp_args < <(fields "${pptp_fields[@]}")
mapfile -t gre_args < <(fields "${gre_fields[@]}")
install -m 0644 "$work/pptp-session.pcap" "$out_dir/pptp-session.pcap"
# -E aggregator=';': a field that occurs twice in one frame (pptp.reserved: Reserved0;Reserved1) is joined with ';'
tshark -r "$out_dir/pptp-session.pcap" -Y pptp -T fields -E header=y -E separator=/t -E occurrence=a \
  -E aggregator=';' "${pptp_args[@]}" > "$out_dir/pptp-session.pptp.tsv" 2>/dev/null
tshark -r "$out_dir/pptp-session.pcap" -Y gre -T fields -E header=y -E separator=/t \
  "${gre_args[@]}" > "$out_dir/pptp-session.gre.tsv" 2>/dev/null
echo "record-session: $(tshark -r "$out_dir/pptp-session.pcap" 2>/dev/null | wc -l) frames," \
  "$(($(wc -l < "$out_dir/pptp-session.pptp.tsv") - 1)) with PPTP control messages," \
  "$(($(wc -l < "$out_dir/pptp-session.gre.tsv") - 1)) GRE, written to $out_dir"
