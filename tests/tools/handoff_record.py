#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""handoff_record.py: a handoff (docs/handoff.md) made by a test, to feed a
daemon's --handoff socket exact records: record() builds one, hand()
sends it with a connection's descriptor (SOCK_SEQPACKET, SCM_RIGHTS).
The daemon answers on the connection itself."""
import ipaddress
import socket
import struct


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
