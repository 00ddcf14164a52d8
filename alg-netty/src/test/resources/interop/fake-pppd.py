#!/usr/bin/python3
"""Stands in for pppd under pptpd's pptpctrl (pptpd.conf option `ppp <this wrapper>`).

pptpctrl execs us with the pty slave on stdin and stdout and pppd-style arguments. We:
  1. put the pty in raw mode (pptpctrl only clears ECHO; a cooked line discipline mangles bytes),
  2. connect to the test's pathname unix socket (argv[1]; pathname sockets cross network namespaces)
     and send one header line: "fake-pppd <pid> <pppd arguments>\n",
  3. write the priming bytes (argv[2], hex, already async-HDLC framed by the test) to the pty:
     pptpctrl starts reading GRE only after its pppd has written once,
  4. copy bytes both ways, unchanged, until either side closes.
The HDLC framing is the test's business; this program never looks inside the byte stream.
"""
import os
import select
import socket
import sys
import termios
import tty


def write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: fake-pppd.py SOCKET PRIMING_HEX [pppd arguments...]\n")
        return 2
    sock_path, priming = sys.argv[1], bytes.fromhex(sys.argv[2])
    tty.setraw(0, termios.TCSANOW)
    test = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    test.connect(sock_path)
    test.sendall(("fake-pppd %d %s\n" % (os.getpid(), " ".join(sys.argv[3:]))).encode())
    if priming:
        write_all(1, priming)
    test_fd = test.fileno()
    while True:
        readable, _, _ = select.select([0, test_fd], [], [])
        if 0 in readable:
            try:
                data = os.read(0, 65536)
            except OSError:  # EIO: pptpctrl closed the master side
                data = b""
            if not data:
                return 0
            test.sendall(data)
        if test_fd in readable:
            data = test.recv(65536)
            if not data:
                return 0
            write_all(1, data)


if __name__ == "__main__":
    sys.exit(main())
