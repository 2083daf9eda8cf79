"""Drill pool-exhaustion: the service runs with DB_POOL_SIZE=2; its connections are held in two ways while
GET /tasks/{id} and POST /tasks clients and a /health/ready poller measure what callers see.

1. lock: a session outside the service takes the tasks table for HOLD s (PostgreSQL: LOCK TABLE tasks IN
   ACCESS EXCLUSIVE MODE; SQLite: BEGIN IMMEDIATE on the file, the write lock). Statements of the
   service queue behind it, holding their connections.
2. stalled-export: clients start GET /tasks/export of SEED_ROWS tasks and stop reading; backpressure
   keeps each stream's connection (a transaction on PostgreSQL) checked out for as long as they stall.
"""

import argparse
import os
import socket
import sqlite3
import subprocess
import threading
import time

from common import Conn, Db, Figures, add_common_args, counts, dump, log_errors, ms, percentile

HOLD = 6.0  # seconds each saturation lasts (longer than the acquire timeout, so waits show)
READERS, WRITERS = 6, 6
READY_EVERY = 0.25
REQUEST_TIMEOUT = 20.0  # longer than any bound the service claims, so a hang shows as a number
MARGIN = 1.0  # seconds over DB_POOL_ACQUIRE_TIMEOUT_MS + DB_LOCK_TIMEOUT_MS that a request may take
SEED_ROWS = 50_000
EXPORT_CLIENTS = 2


def main():
    p = argparse.ArgumentParser()
    add_common_args(p)
    p.add_argument("--acquire-ms", type=int, default=3000)
    p.add_argument("--lock-ms", type=int, default=1000)
    a = p.parse_args()
    fig = Figures(a.figures, "pool-exhaustion", a.db)
    db = Db.from_args(a)
    # the service's documented bound on waiting for the database: a connection, then a lock
    bound = (a.acquire_ms + a.lock_ms) / 1000 + MARGIN

    setup = Conn(a.port, key=a.key)
    ids = [setup.request("POST", "/tasks", {"title": f"pool drill {i}"}).json()["id"] for i in range(12)]
    setup.close()
    db.seed_tasks(a.owner, SEED_ROWS)
    fig.add("pool", "DB_POOL_SIZE=2: 1 pipelined read connection + 1 write connection" if a.db == "postgresql"
            else "DB_POOL_SIZE=2: 2 JDBC connections for reads and writes")

    # 1. a lock from outside
    holder = LockHolder(db, a, HOLD)
    t_lock = holder.start()
    load = Load(a, ids)
    load.run_until(t_lock + HOLD)
    holder.join()
    load.finish()
    report(fig, "lock", load, t_lock, holder.released or time.monotonic(), bound, a)
    recovered(fig, "lock", a, ids)

    # 2. stalled export clients
    stalled = [StalledExport(a) for _ in range(EXPORT_CLIENTS)]
    for s in stalled:
        s.send()
    statuses = [s.status() for s in stalled]  # a stream that waits for a connection answers in <= acquire
    time.sleep(1.5)  # the streams fill the socket buffers and pause
    in_tx = held_connections(db) if a.db == "postgresql" else None
    t_stall = time.monotonic()
    load = Load(a, ids)
    load.run_until(t_stall + HOLD)
    t_end = time.monotonic()
    for s in stalled:
        s.close()
    load.finish()
    fig.add("stalled-export: answers to the export clients (200 = streaming, then not read)",
            ", ".join(str(s) for s in statuses) + ("" if in_tx is None else
                                                  f" (service sessions inside a transaction: {in_tx})"))
    report(fig, "stalled-export", load, t_stall, t_end, bound, a, extra_statuses=statuses)
    recovered(fig, "stalled-export", a, ids)
    errors, traces, causes = log_errors(a.log)
    fig.add("service log: ERROR lines / stack-trace lines", f"{errors} / {traces}" + causes)


class LockHolder:
    """Holds the tasks table (PostgreSQL) or the database's write lock (SQLite) for `hold` seconds."""

    def __init__(self, db: Db, a, hold: float):
        self.db, self.a, self.hold = db, a, hold
        self.released = None
        self.thread = None

    def start(self) -> float:
        """Starts holding; returns when the lock is granted (monotonic time)."""
        if self.db.kind == "postgresql":
            script = f"BEGIN;\nLOCK TABLE tasks IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep({self.hold});\nCOMMIT;\n"
            proc = subprocess.Popen(self.db.psql_cmd(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=open(os.path.join(self.a.out, "lock-holder.stderr"), "w"), text=True)
            proc.stdin.write(script)
            proc.stdin.close()
            granted = threading.Event()

            def wait():
                proc.wait(timeout=self.hold + 30)
                self.released = time.monotonic()

            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not granted.is_set():
                held = self.db.query("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                                     " WHERE c.relname = 'tasks' AND l.mode = 'AccessExclusiveLock' AND l.granted")
                if held and held[0] != "0":
                    granted.set()
                else:
                    time.sleep(0.05)
            t = time.monotonic()
        else:
            ready = threading.Event()

            def wait():
                c = sqlite3.connect(self.a.sqlite_path, timeout=10, isolation_level=None)
                c.execute("BEGIN IMMEDIATE")
                ready.set()
                time.sleep(self.hold)
                c.execute("COMMIT")
                self.released = time.monotonic()
                c.close()

            self.thread = threading.Thread(target=wait, daemon=True)
            self.thread.start()
            ready.wait(10)
            return time.monotonic()
        self.thread = threading.Thread(target=wait, daemon=True)
        self.thread.start()
        return t

    def join(self):
        self.thread.join(self.hold + 30)


class Load:
    """READERS x GET /tasks/{id}, WRITERS x POST /tasks (closed loop, keep-alive) and a /health/ready
    poller, until run_until's deadline; finish() waits for the requests in flight."""

    def __init__(self, a, ids):
        self.a, self.ids = a, ids
        self.gets, self.posts, self.ready = [], [], []
        self.deadline = 0.0
        self.threads = []

    def run_until(self, deadline: float):
        self.deadline = deadline
        for i in range(READERS):
            self.threads.append(threading.Thread(target=self._get, args=(i,), daemon=True))
        for i in range(WRITERS):
            self.threads.append(threading.Thread(target=self._post, args=(i,), daemon=True))
        self.threads.append(threading.Thread(target=self._ready, daemon=True))
        for t in self.threads:
            t.start()
        time.sleep(max(0.0, deadline - time.monotonic()))

    def finish(self):
        for t in self.threads:
            t.join(REQUEST_TIMEOUT + 2)

    def _get(self, i):
        conn, n = Conn(self.a.port, timeout=REQUEST_TIMEOUT, key=self.a.key), 0
        while time.monotonic() < self.deadline:
            self.gets.append(conn.request("GET", f"/tasks/{self.ids[(i + n) % len(self.ids)]}"))
            n += 1
            time.sleep(0.02)

    def _post(self, i):
        conn, n = Conn(self.a.port, timeout=REQUEST_TIMEOUT, key=self.a.key), 0
        while time.monotonic() < self.deadline:
            self.posts.append(conn.request("POST", "/tasks", {"title": f"pool w{i} #{n}"}))
            n += 1
            time.sleep(0.02)

    def _ready(self):
        conn = Conn(self.a.port, timeout=REQUEST_TIMEOUT)
        while time.monotonic() < self.deadline:
            t = time.monotonic()
            self.ready.append(conn.request("GET", "/health/ready"))
            time.sleep(max(0.0, READY_EVERY - (time.monotonic() - t)))


class StalledExport:
    """GET /tasks/export with a tiny receive buffer, reading only the status line, then nothing."""

    def __init__(self, a):
        self.a = a
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

    def send(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", self.a.port))
        self.sock.sendall(f"GET /tasks/export HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.a.key}\r\n"
                          "Accept: application/x-ndjson\r\n\r\n".encode())

    def status(self) -> int | str:
        """The status of the answer (from its first bytes only), or why there was none."""
        try:
            head = self.sock.recv(64)
            return int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else "no answer"
        except OSError as e:
            return f"no answer ({e.__class__.__name__})"

    def close(self):
        self.sock.close()


def held_connections(db: Db) -> int:
    rows = db.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taskloop'"
                    " AND state IN ('idle in transaction', 'active')")
    return int(rows[0]) if rows else -1


def summary(results) -> str:
    lat = [r.seconds for r in results if r.status is not None]
    return (f"p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))}, max {ms(max(lat, default=None))}; "
            f"{counts(results)}")


def report(fig: Figures, phase: str, load: Load, t0: float, t1: float, bound: float, a, extra_statuses=()):
    during = lambda rs: [r for r in rs if t0 <= r.t0 < t1]  # noqa: E731 - started while saturated
    gets, posts, ready = during(load.gets), during(load.posts), during(load.ready)
    for name, rs in (("gets", load.gets), ("posts", load.posts), ("ready", load.ready)):
        dump(os.path.join(a.out, f"{phase}-{name}.tsv"), rs, t0)
    fig.add(f"{phase}: GET /tasks/{{id}} during it", summary(gets))
    fig.add(f"{phase}: POST /tasks during it", summary(posts))
    everything = gets + posts + ready
    worst = max((r.seconds for r in everything), default=0.0)
    unanswered = [r for r in everything if r.status is None]
    fig.add(f"{phase}: longest request (bound {bound * 1000:.0f} ms = acquire + lock timeout + {MARGIN:.0f} s)",
            ms(worst) + (f"; {len(unanswered)} without an answer ({counts(unanswered)})" if unanswered else ""),
            worst <= bound and not unanswered)
    fig.add(f"{phase}: /health/ready during it", counts(ready), all(r.status == 200 for r in ready) and bool(ready))
    fives = [r.status for r in everything if r.status is not None and r.status >= 500 and r.status != 503]
    fives += [s for s in extra_statuses if isinstance(s, int) and s >= 500 and s != 503]
    bare = [r for r in everything if r.status == 503 and "retry-after" not in r.headers]
    fig.add(f"{phase}: 5xx other than 503 / 503 without Retry-After", f"{len(fives)} / {len(bare)}"
            + (f" ({', '.join(map(str, fives))})" if fives else ""), not fives and not bare)


def recovered(fig: Figures, phase: str, a, ids):
    """How soon after the saturation ends a GET /tasks/{id} is answered 200 again."""
    conn, t0 = Conn(a.port, timeout=5, key=a.key), time.monotonic()
    while time.monotonic() - t0 < 10:
        r = conn.request("GET", f"/tasks/{ids[0]}")
        if r.status == 200:
            fig.add(f"{phase}: after it, first GET 200 in", ms(r.t1 - t0))
            return
        time.sleep(0.05)
    fig.add(f"{phase}: after it, first GET 200 in", "none within 10 s")


if __name__ == "__main__":
    main()
