# SPDX-License-Identifier: ISC
"""Latest frame wins, end to end: a client that reads gets every frame (no
gap in sequence numbers) while a client that stopped reading is counted as
skipping and is later dropped, in httpd's MJPEG and in wsd."""
import asyncio
import os
import socket
import threading

import websockets

from conftest import wait_for
from test_httpd import HttpFrameReader, capd, httpd, status as http_status
from test_wsd import check_jpeg, open_raw, start_capd, start_wsd, url
from test_wsd import status as ws_status


class Seqs(threading.Thread):
    """Runs read() in a thread, recording sequence numbers until stopped."""

    def __init__(self, read):
        super().__init__(daemon=True)
        self.read, self.seqs, self.error = read, [], None
        self.stop = threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                self.seqs.append(self.read())
        except Exception as e:      # reported by gaps()
            self.error = e

    def gaps(self):
        assert self.error is None, self.error
        s = list(self.seqs)
        return [(a, b) for a, b in zip(s, s[1:]) if b != a + 1]


def test_mjpeg_reader_sees_every_frame_while_a_stalled_one_skips(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "640x480",
                   "--fps", "15", "--quality", "90")
    d, port = httpd(daemons, sock, "--stream-timeout", "3")
    reader = HttpFrameReader(port)
    rec = Seqs(lambda: reader.part().seq)
    rec.start()
    wait_for(lambda: len(rec.seqs) >= 5, what="reader going")
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", port))
    stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n")
    # The stalled client fills its buffers, then skips: counted.
    wait_for(lambda: http_status(port)["stream"]["frames_skipped"] > 0,
             timeout=20, what="skips counted")
    assert http_status(port)["clients"]["stream"] == 2
    # Taking nothing for --stream-timeout seconds gets it dropped.
    wait_for(lambda: http_status(port)["clients"]["stream"] == 1, timeout=20,
             what="stalled client dropped")
    n = len(rec.seqs)
    wait_for(lambda: len(rec.seqs) >= n + 5, what="reader still going")
    rec.stop.set()
    rec.join(10)
    assert len(rec.seqs) >= 30, len(rec.seqs)
    assert rec.gaps() == [], rec.gaps()
    reader.close()
    stalled.close()


def test_ws_reader_sees_every_frame_while_a_stalled_one_skips(daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path, "--fps", "15", "--size", "640x480",
               "--quality", "90")
    wsd, port = start_wsd(daemons, path, "--write-timeout", "3")
    seqs, stop, errors = [], threading.Event(), []

    async def read():
        async with websockets.connect(url(port), max_size=None) as ws:
            while not stop.is_set():
                seqs.append(check_jpeg(await asyncio.wait_for(ws.recv(), 10)))

    def run():
        try:
            asyncio.run(read())
        except Exception as e:
            errors.append(e)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    wait_for(lambda: len(seqs) >= 5 or errors, what="reader going")
    stalled, _ = open_raw(port, rcvbuf=4096)    # never reads
    wait_for(lambda: ws_status(port)["frames_skipped"] > 0, timeout=20,
             what="skips counted")
    assert ws_status(port)["clients"] == 2
    wait_for(lambda: ws_status(port)["dropped"] == 1, timeout=20,
             what="stalled client dropped")
    assert ws_status(port)["clients"] == 1
    n = len(seqs)
    wait_for(lambda: len(seqs) >= n + 5 or errors, what="reader still going")
    stop.set()
    t.join(15)
    assert errors == [], errors
    assert len(seqs) >= 30, len(seqs)
    gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
    assert gaps == [], gaps
    stalled.close()
