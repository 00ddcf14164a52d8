#!/usr/bin/env python3
"""Scripted PPTP control peers for pptp-alg's end-to-end GRE relay benchmark.

Two roles, each run in its own network namespace by run.sh:

  pac  the server (PAC): listens on TCP 1723, answers Start-Control-Connection-Request,
       Outgoing-Call-Request (assigning its own Call ID), Echo-Request, Call-Clear-Request and
       Stop-Control-Connection-Request. Once --expect calls are up it writes --calls-out: one
       line per call, "<PAC Call ID> <PNS Call ID as received> <peer address>". The PNS Call ID
       as received is what a NAT helper in between made of it (the kernel's PPTP helper
       rewrites it; a gateway replaces it with one of its own).
  pns  the client (PNS): opens --calls control connections (one call each, by default),
       sends SCCRQ, then OCRQ with its own Call ID, checks the OCRP (result "connected", Peer
       Call ID equal to its own Call ID) and writes --calls-out: one line per call,
       "<Call ID from the OCRP> <own Call ID>". The first column is the GRE key the client
       must send with; it is what the PAC assigned (kernel helper: unchanged) or what the
       gateway presented in its place.

One call per control connection is the default because the Linux PPTP helper tracks one
call per control connection; --calls-per-connection N puts N calls on each connection (for
a gateway that supports it). Messages follow RFC 2637 section 2 (fixed sizes 156, 156, 16,
16, 16, 20, 168, 32, ..., 16, 148). Every wait is bounded by --timeout.
"""
import argparse
import asyncio
import os
import resource
import signal
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP, OCRQ, OCRP = 1, 2, 3, 4, 5, 6, 7, 8
CCRQ, CDN = 12, 13
HEADER = struct.Struct("!HHIHH")  # Length, PPTP Message Type, Magic Cookie, Control Message Type, Reserved0


def message(ctype, body):
    return HEADER.pack(HEADER.size + len(body), 1, MAGIC, ctype, 0) + body


def name64(text):
    return text.encode().ljust(64, b"\0")


def sccrq():
    # Protocol Version, Reserved1, Framing Cap., Bearer Cap., Maximum Channels, Firmware Revision, Host, Vendor
    return message(SCCRQ, struct.pack("!HHIIHH", 0x0100, 0, 3, 3, 0, 1) + name64("pptpalg-bench-pns") + name64("pptp-alg"))


def sccrp():
    # Protocol Version, Result Code (1 = success), Error Code, Framing, Bearer, Max Channels, Firmware, Host, Vendor
    return message(SCCRP, struct.pack("!HBBIIHH", 0x0100, 1, 0, 3, 3, 65535, 1) + name64("pptpalg-bench-pac") + name64("pptp-alg"))


def ocrq(call_id, serial):
    # Call ID, Call Serial Number, Min BPS, Max BPS, Bearer Type, Framing Type, Recv Window, Processing Delay,
    # Phone Number Length, Reserved1, Phone Number, Subaddress
    return message(OCRQ, struct.pack("!HHIIIIHHHH", call_id, serial, 2400, 10000000, 3, 3, 64, 0, 0, 0)
                   + bytes(64) + bytes(64))


def ocrp(call_id, peer_call_id):
    # Call ID, Peer's Call ID, Result Code (1 = connected), Error Code, Cause Code, Connect Speed,
    # Recv Window, Processing Delay, Physical Channel ID
    return message(OCRP, struct.pack("!HHBBHIHHI", call_id, peer_call_id, 1, 0, 0, 10000000, 64, 0, 0))


def echo_reply(identifier):
    return message(ECHORP, struct.pack("!IBBH", identifier, 1, 0, 0))


def cdn(call_id):
    return message(CDN, struct.pack("!HBBHH", call_id, 1, 0, 0, 0) + bytes(128))


async def read_message(reader):
    head = await reader.readexactly(HEADER.size)
    length, ptype, magic, ctype, _ = HEADER.unpack(head)
    if magic != MAGIC:
        raise ValueError("bad magic cookie: 0x%08x (expected: 0x%08x)" % (magic, MAGIC))
    if ptype != 1 or length < HEADER.size or length > 1024:
        raise ValueError("bad PPTP message: type %d length %d" % (ptype, length))
    body = await reader.readexactly(length - HEADER.size)
    return ctype, body


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(max(soft, need + 256), hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def write_atomically(path, lines):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------- PAC
async def run_pac(args):
    raise_fd_limit(args.expect + 16)
    calls = []
    next_id = [args.first_call_id]
    done = asyncio.Event()
    writers = set()

    async def serve(reader, writer):
        writers.add(writer)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = writer.get_extra_info("peername")[0]
        try:
            while True:
                ctype, body = await read_message(reader)
                if ctype == SCCRQ:
                    writer.write(sccrp())
                elif ctype == OCRQ:
                    pns_call_id = struct.unpack_from("!H", body, 0)[0]
                    my_id = next_id[0] & 0xFFFF
                    next_id[0] += 1
                    writer.write(ocrp(my_id, pns_call_id))
                    calls.append("%d %d %s" % (my_id, pns_call_id, peer))
                    if len(calls) == args.expect:
                        write_atomically(args.calls_out, calls)
                        done.set()
                elif ctype == ECHORQ:
                    writer.write(echo_reply(struct.unpack_from("!I", body, 0)[0]))
                elif ctype == CCRQ:
                    writer.write(cdn(struct.unpack_from("!H", body, 0)[0]))
                elif ctype == STOPCCRQ:
                    writer.write(message(STOPCCRP, struct.pack("!BBH", 1, 0, 0)))
                    await writer.drain()
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except ValueError as e:
            print("pac: %s from %s" % (e, peer), file=sys.stderr)
        finally:
            writers.discard(writer)
            writer.close()

    host, port = args.listen.rsplit(":", 1)
    server = await asyncio.start_server(serve, host, int(port), backlog=4096, reuse_address=True)
    if args.ready:
        write_atomically(args.ready, [str(os.getpid())])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.timeout)
    except asyncio.TimeoutError:
        print("pac: stopping after --timeout %ss (%d of %d calls were set up)" % (args.timeout, len(calls), args.expect),
              file=sys.stderr)
    server.close()
    for w in list(writers):
        w.close()


# ---------------------------------------------------------------------------------------------- PNS
async def run_pns(args):
    raise_fd_limit(args.calls + 16)
    host, port = args.server.rsplit(":", 1)
    results = []
    writers = []
    failures = []
    sem = asyncio.Semaphore(args.concurrency)
    per_conn = args.calls_per_connection
    connections = (args.calls + per_conn - 1) // per_conn

    async def one_connection(index):
        async with sem:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            writers.append(writer)
            writer.write(sccrq())
            await writer.drain()
            ctype, body = await read_message(reader)
            if ctype != SCCRP or body[2] != 1:
                raise ValueError("connection %d: expected SCCRP with result 1, got type %d result %d" % (index, ctype, body[2]))
            first = index * per_conn
            for k in range(first, min(first + per_conn, args.calls)):
                own_id = (args.first_call_id + k) & 0xFFFF
                writer.write(ocrq(own_id, k & 0xFFFF))
                await writer.drain()
                while True:  # the peer may interleave Echo-Requests; anything else is an error
                    ctype, body = await read_message(reader)
                    if ctype == ECHORQ:
                        writer.write(echo_reply(struct.unpack_from("!I", body, 0)[0]))
                        continue
                    break
                if ctype != OCRP:
                    raise ValueError("call %d: expected OCRP, got message type %d" % (k, ctype))
                call_id, peer_call_id, result = struct.unpack_from("!HHB", body, 0)
                if result != 1 or peer_call_id != own_id:
                    raise ValueError("call %d: OCRP result %d, Peer Call ID %d (expected: 1, %d)" % (k, result, peer_call_id, own_id))
                results.append("%d %d" % (call_id, own_id))

    async def guarded(index):
        try:
            await one_connection(index)
        except Exception as e:  # reported below; the run fails if any call failed
            failures.append("%s: %s" % (type(e).__name__, e))

    started = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.gather(*(guarded(i) for i in range(connections))), timeout=args.timeout)
    except asyncio.TimeoutError:
        failures.append("timeout after %ss" % args.timeout)
    elapsed = time.monotonic() - started
    if failures:
        print("pns: %d of %d calls set up in %.2fs; first failures: %s"
              % (len(results), args.calls, elapsed, "; ".join(failures[:3])), file=sys.stderr)
        for w in writers:
            w.close()
        return 1
    print("pns: %d calls set up on %d control connections in %.2fs" % (len(results), connections, elapsed),
          file=sys.stderr, flush=True)
    write_atomically(args.calls_out, results)  # last: run.sh reads the log once this file exists
    # Hold the control connections open while GRE flows; bounded by --hold.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.hold)
    except asyncio.TimeoutError:
        pass
    for w in writers:
        w.close()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="role", required=True)
    pac = sub.add_parser("pac", help="the server side")
    pac.add_argument("--listen", default="0.0.0.0:1723")
    pac.add_argument("--expect", type=int, required=True, help="number of calls after which --calls-out is written")
    pac.add_argument("--calls-out", required=True)
    pac.add_argument("--first-call-id", type=int, default=0x4000)
    pac.add_argument("--ready", help="file written once listening")
    pac.add_argument("--timeout", type=float, default=600, help="hard bound on the lifetime, seconds")
    pns = sub.add_parser("pns", help="the client side")
    pns.add_argument("--server", required=True, help="address:port to connect to (the PAC, or the gateway)")
    pns.add_argument("--calls", type=int, default=1)
    pns.add_argument("--calls-per-connection", type=int, default=1)
    pns.add_argument("--concurrency", type=int, default=256, help="control connections being set up at once")
    pns.add_argument("--first-call-id", type=int, default=1)
    pns.add_argument("--calls-out", required=True)
    pns.add_argument("--timeout", type=float, default=120, help="bound on the call setup, seconds")
    pns.add_argument("--hold", type=float, default=600, help="bound on holding the calls open, seconds")
    args = parser.parse_args()
    if args.role == "pac":
        if not 1 <= args.expect <= 65536:
            parser.error("--expect: %d (expected: 1..65536)" % args.expect)
        asyncio.run(run_pac(args))
        return 0
    if not 1 <= args.calls <= 65535 or args.calls_per_connection < 1:
        parser.error("--calls: %d (expected: 1..65535), --calls-per-connection >= 1" % args.calls)
    return asyncio.run(run_pns(args))


if __name__ == "__main__":
    sys.exit(main())
