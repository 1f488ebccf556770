#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""tcp_handoff.py: plays httpd's part of a handoff (docs/handoff.md) for
tests: listens on TCP loopback, reads each request's head and body
(Content-Length), and hands the connection with its record to a daemon's
--handoff socket (SOCK_SEQPACKET, SCM_RIGHTS).  The daemon answers on
the connection itself.

Usage: tcp_handoff.py HANDOFF_SOCKET [PORT] [USER]
Prints "listening PORT" once ready.  Also a module: record() and hand()."""
import ipaddress
import socket
import struct
import sys
import threading


def record(head, body=b"", user="", addr=None):
    """The handoff record: addr is (host, port) or None for unknown."""
    fam, port, raw = 0, 0, b"\0" * 16
    if addr is not None:
        ip = ipaddress.ip_address(addr[0])
        fam = 4 if ip.version == 4 else 6
        port = addr[1]
        raw = ip.packed + b"\0" * (16 - len(ip.packed))
    u = user.encode()
    return (b"CPWH" + bytes([1, fam]) + struct.pack(">H", port) + raw +
            bytes([len(u), 0]) + struct.pack(">H", len(head)) + u + head + body)


def hand(path, conn, rec):
    """Sends rec with conn's descriptor to the daemon at path."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.connect(path)
        s.sendmsg([rec], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                           struct.pack("i", conn.fileno()))])


def read_request(conn):
    """The head (up to its blank line) and the body of one request."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, None
        data += chunk
    end = data.index(b"\r\n\r\n") + 4
    head, body = data[:end], data[end:]
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body[:length]


def serve_one(path, conn, addr, user):
    try:
        head, body = read_request(conn)
        if head is not None:
            hand(path, conn, record(head, body, user, addr[:2]))
    finally:
        conn.close()


def main():
    path = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    user = sys.argv[3] if len(sys.argv) > 3 else ""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    print("listening %d" % ls.getsockname()[1], flush=True)
    while True:
        conn, addr = ls.accept()
        threading.Thread(target=serve_one, args=(path, conn, addr, user),
                         daemon=True).start()


if __name__ == "__main__":
    main()
