#!/usr/bin/env python3
"""PLACEHOLDER relay: NOT the pptp-alg gateway. Used only to test the benchmark harness
(run.sh --placeholder) until the real gateway exists; its figures are never reported as the
gateway's.

It relays TCP byte for byte from the listen address to the peer address (no Call ID
rewrite) and relays GRE in user space: every GRE packet from the accepted side goes to the
peer unchanged (same key), every GRE packet from the peer goes to the last accepted-side
address seen. One packet per syscall in Python: slow, which is fine for a harness test.

Usage: placeholder_relay.py -p LISTEN_IP:PORT,PEER_IP:PORT [--max-seconds S]
"""
import argparse
import asyncio
import socket
import sys
import threading
import time


def gre_loop(peer_ip, deadline, stats):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
    sock.settimeout(0.2)
    client = None
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65535)
        except socket.timeout:
            continue
        ihl = (data[0] & 0x0F) * 4
        src = socket.inet_ntoa(data[12:16])
        if src == peer_ip:
            if client:
                sock.sendto(data[ihl:], (client, 0))
                stats["to_client"] += 1
        else:
            client = src
            sock.sendto(data[ihl:], (peer_ip, 0))
            stats["to_peer"] += 1


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main_async(listen, peer, deadline):
    async def accept(reader, writer):
        try:
            peer_reader, peer_writer = await asyncio.open_connection(peer[0], peer[1])
        except OSError as e:
            print("placeholder: cannot connect to %s:%d: %s" % (peer[0], peer[1], e), file=sys.stderr)
            writer.close()
            return
        await asyncio.gather(pipe(reader, peer_writer), pipe(peer_reader, writer))

    server = await asyncio.start_server(accept, listen[0], listen[1], backlog=4096, reuse_address=True)
    print("placeholder relay (NOT the gateway) listening on %s:%d" % listen, file=sys.stderr, flush=True)
    await asyncio.sleep(max(0.0, deadline - time.monotonic()))
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", required=True, help="LISTEN_IP:PORT,PEER_IP:PORT")
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    try:
        l, p = args.p.split(",")
        listen = (l.rsplit(":", 1)[0], int(l.rsplit(":", 1)[1]))
        peer = (p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1]))
    except ValueError:
        parser.error("-p: %s (expected: LISTEN_IP:PORT,PEER_IP:PORT)" % args.p)
    deadline = time.monotonic() + args.max_seconds
    stats = {"to_peer": 0, "to_client": 0}
    threading.Thread(target=gre_loop, args=(peer[0], deadline, stats), daemon=True).start()
    try:
        asyncio.run(main_async(listen, peer, deadline))
    except KeyboardInterrupt:
        pass
    print("placeholder: GRE to peer %(to_peer)d, to client %(to_client)d" % stats, file=sys.stderr)


if __name__ == "__main__":
    main()
