#!/usr/bin/python3
"""Runs pptp-linux with a stream socket to the test as its PPP side.

`pptp SERVER --nolaunchpppd` speaks async-HDLC PPP on file descriptor 0 in both directions. We
connect to the test's pathname unix socket (argv[1]), make that connection fd 0 and exec the
command that follows (argv[2:], normally /usr/sbin/pptp ...). The process keeps its id, so the
test's process handle is pptp itself.
"""
import os
import socket
import sys


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: pptp-client.py SOCKET COMMAND [ARGUMENTS...]\n")
        return 2
    test = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    test.connect(sys.argv[1])
    os.dup2(test.fileno(), 0)
    test.close()
    os.execv(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
