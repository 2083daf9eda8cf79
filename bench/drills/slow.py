"""Drill slow-clients (slowloris): (a) HEADS connections each send a request head one byte per second, never
finishing it; after HEAD_WATCH s count how many the server still keeps open. (b) One connection sends a
complete POST /tasks head and then its body one byte per second (Content-Length larger than it can send in
BODY_WATCH s): when does the server close it, with which answer. Meanwhile GET /health/live on a fresh
connection every second must stay quick. (a) and (b) run at the same time; about BODY_WATCH s in all."""

import argparse
import os
import socket
import threading
import time

from common import Conn, Figures, add_common_args, counts, log_errors, ms, percentile

HEADS = 200
HEAD_WATCH = 20.0
HEAD_TARGET = 15.0  # a server should have closed a request head this slow by then
BODY_WATCH = 40.0
BODY_TARGET = 35.0
BODY_LENGTH = 100  # declared Content-Length: more bytes than BODY_WATCH seconds can send
LIVE_MAX = 1.0  # seconds: /health/live "quickly"


class Drip:
    """One connection that sends `data` one byte per tick and notes when (and how) the server ends it."""

    def __init__(self, port: int, head: bytes, data: bytes):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(head)
        self.sock.setblocking(False)
        self.data, self.sent = data, 0
        self.received = b""
        self.closed_at = None  # seconds since the drill began, when the server closed it

    def tick(self, t: float):
        if self.closed_at is not None:
            return
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    self.closed_at = t
                    return
                self.received += chunk
        except BlockingIOError:
            pass
        except OSError:
            self.closed_at = t
            return
        if self.sent < len(self.data):
            try:
                self.sock.send(self.data[self.sent:self.sent + 1])
                self.sent += 1
            except BlockingIOError:
                pass
            except OSError:
                self.closed_at = t

    def answer(self) -> str:
        if not self.received:
            return "nothing"
        line = self.received.split(b"\r\n", 1)[0].decode("latin-1")
        return line.split(" ", 2)[1] if line.startswith("HTTP/") else "garbage"

    def close(self):
        self.sock.close()


def main():
    p = argparse.ArgumentParser()
    add_common_args(p)
    a = p.parse_args()
    fig = Figures(a.figures, "slow-clients", a.db)
    head_data = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    t_base = time.monotonic()
    heads = [Drip(a.port, b"", head_data) for _ in range(HEADS)]
    body_head = (f"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {a.key}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {BODY_LENGTH}\r\n\r\n").encode()
    body_data = (b'{"title": "' + b"s" * BODY_LENGTH)[:BODY_LENGTH]
    body = Drip(a.port, body_head, body_data)

    live, stop = [], threading.Event()

    def probe():
        while not stop.is_set():
            t = time.monotonic()
            live.append(Conn(a.port, timeout=5).request("GET", "/health/live"))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t)))

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()

    open_at_watch = None
    tick = 0
    while True:
        tick += 1
        t_next = t_base + tick
        time.sleep(max(0.0, t_next - time.monotonic()))
        t = time.monotonic() - t_base
        if open_at_watch is None:
            for d in heads:
                d.tick(t)
            if t >= HEAD_WATCH:
                open_at_watch = sum(1 for d in heads if d.closed_at is None)
                for d in heads:
                    d.close()
        body.tick(t)
        if body.closed_at is not None or t >= BODY_WATCH:
            break
    stop.set()
    prober.join(6)
    body.close()

    with open(os.path.join(a.out, "slow-heads.tsv"), "w") as f:
        f.write("conn\tbytes_sent\tclosed_at_s\tanswer\n")
        for i, d in enumerate(heads):
            f.write(f"{i}\t{d.sent}\t{'' if d.closed_at is None else d.closed_at}\t{d.answer()}\n")
    closed_early = sum(1 for d in heads if d.closed_at is not None and d.closed_at <= HEAD_TARGET)
    answers = {}
    for d in heads:
        if d.closed_at is not None:
            answers[d.answer()] = answers.get(d.answer(), 0) + 1
    fig.add(f"(a) {HEADS} request heads at 1 byte/s: still open after {HEAD_WATCH:.0f} s",
            f"{open_at_watch} of {HEADS}; closed within {HEAD_TARGET:.0f} s: {closed_early}"
            + (f"; answer on close: {', '.join(f'{k}: {v}' for k, v in answers.items())}" if answers else ""),
            closed_early == HEADS)
    if body.closed_at is None:
        value = f"not closed within {BODY_WATCH:.0f} s ({body.sent} of {BODY_LENGTH} body bytes sent)"
        if body.received:
            value += f"; answered {body.answer()} before the body was complete"
    else:
        value = f"closed after {body.closed_at:.0f} s ({body.sent} bytes sent), answer: {body.answer()}"
    fig.add("(b) POST body at 1 byte/s: server closed it", value,
            body.closed_at is not None and body.closed_at <= BODY_TARGET)
    lat = [r.seconds for r in live if r.status is not None]
    worst = max(lat, default=None)
    fig.add("GET /health/live meanwhile (fresh connection each second)",
            f"p50 {ms(percentile(lat, 50))}, max {ms(worst)}; {counts(live)}",
            bool(live) and all(r.status == 200 for r in live) and worst is not None and worst <= LIVE_MAX)
    errors, traces, causes = log_errors(a.log)
    fig.add("service log: ERROR lines / stack-trace lines (client input)", f"{errors} / {traces}" + causes,
            errors == 0 and traces == 0)


if __name__ == "__main__":
    main()
