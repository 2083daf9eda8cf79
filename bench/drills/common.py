"""Shared pieces of the drills: a raw-socket HTTP/1.1 client that says exactly what happened to each
request (answered, or sent and then dropped, or never sent), the figures file, percentiles, service-log
and process checks. Standard library only (Python 3.11)."""

import json
import math
import socket
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class Result:
    """One request. status is None when no complete answer came back; then error says why and sent says
    whether the whole request had been written to the socket before the connection failed."""

    method: str
    path: str
    t0: float  # time.monotonic() before connecting/sending
    t1: float = 0.0  # when the answer (or the failure) was complete
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None  # refused, connect-timeout, send-failed, reset, eof, timeout
    sent: bool = False
    reused: bool = False  # went over a keep-alive connection that had served earlier requests

    @property
    def seconds(self) -> float:
        return self.t1 - self.t0

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def label(self) -> str:
        return str(self.status) if self.status is not None else self.error or "?"


class Conn:
    """One keep-alive HTTP/1.1 connection to the service, reopened when the server closed it. Not thread
    safe: one per worker thread."""

    def __init__(self, port: int, timeout: float = 10.0, key: str | None = None):
        self.port = port
        self.timeout = timeout
        self.key = key
        self.sock: socket.socket | None = None
        self.buf = b""
        self.served = 0  # answers received on the current socket

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock, self.buf, self.served = None, b"", 0

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Result:
        r = Result(method, path, time.monotonic())
        payload = b""
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        if self.key:
            head.append(f"Authorization: Bearer {self.key}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        if self.sock is None:
            try:
                self.sock = socket.create_connection((HOST, self.port), timeout=self.timeout)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except ConnectionRefusedError:
                return self._fail(r, "refused")
            except (socket.timeout, TimeoutError):
                return self._fail(r, "connect-timeout")
            except OSError as e:
                return self._fail(r, f"connect-{e.errno}")
        r.reused = self.served > 0
        try:
            self.sock.sendall(data)
        except OSError:
            return self._fail(r, "send-failed")
        r.sent = True
        try:
            self._read_response(r)
        except (socket.timeout, TimeoutError):
            return self._fail(r, "timeout")
        except ConnectionResetError:
            return self._fail(r, "reset")
        except EOFError:
            return self._fail(r, "eof")
        except OSError as e:
            return self._fail(r, f"recv-{e.errno}")
        r.t1 = time.monotonic()
        self.served += 1
        if r.headers.get("connection", "").lower() == "close":
            self.close()
        return r

    def _fail(self, r: Result, error: str) -> Result:
        r.error, r.t1 = error, time.monotonic()
        self.close()
        return r

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def _read_response(self, r: Result):
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(self.buf) < n:
                self._recv()
            body, self.buf = self.buf[:n], self.buf[n:]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._recv()
                size_line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._recv()
                body += self.buf[:size]
                self.buf = self.buf[size + 2 :]
                if size == 0:
                    break
        else:
            body = b""
        # only now is the answer complete: a connection lost mid-body is a dropped request
        r.status, r.headers, r.body = status, headers, body


def percentile(values, p: float):
    """Nearest-rank percentile (p in 0..100) of a list of numbers; None when empty."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def ms(seconds) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def secs(seconds) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f} s"


def counts(results) -> str:
    """'201: 812, 503: 12, reset: 1' in a stable order (numbers first)."""
    c: dict[str, int] = {}
    for r in results:
        c[r.label()] = c.get(r.label(), 0) + 1
    return ", ".join(f"{k}: {c[k]}" for k in sorted(c, key=lambda k: (not k.isdigit(), k))) or "none"


class Figures:
    """Appends 'drill<TAB>database<TAB>figure<TAB>value<TAB>verdict' lines to the run's figures file;
    verdict is PASS, FAIL or 'info' (a figure without a target)."""

    def __init__(self, path: str, drill: str, db: str):
        self.path, self.drill, self.db = path, drill, db

    def add(self, figure: str, value, verdict: str | bool | None = None):
        if isinstance(verdict, bool):
            verdict = "PASS" if verdict else "FAIL"
        line = "\t".join([self.drill, self.db, figure, str(value).replace("\t", " ").replace("\n", " "),
                          verdict or "info"])
        with open(self.path, "a") as f:
            f.write(line + "\n")
        print(f"  {figure}: {value}" + (f"  [{verdict}]" if verdict else ""), flush=True)


def log_errors(log_path: str) -> tuple[int, int, str]:
    """(ERROR lines, stack-trace lines starting with a tab and 'at ', ' (2x SomeException: message; ...)':
    the exception line that follows each ERROR line, counted) from the service log."""
    errors = traces = 0
    causes: dict[str, int] = {}
    after_error = False
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                if line.startswith("\tat "):
                    traces += 1
                elif after_error and not line[:4].isdigit() and line.strip():
                    cause = line.strip()[:100]
                    causes[cause] = causes.get(cause, 0) + 1
                after_error = " ERROR " in line[:40]
                errors += after_error
    except FileNotFoundError:
        pass
    if not causes:
        return errors, traces, ""
    top = sorted(causes.items(), key=lambda kv: -kv[1])[:3]
    return errors, traces, " (" + "; ".join(f"{n}x {c}" for c, n in top) + ")"


def exited(pid: int) -> bool:
    """True once the process is gone or a zombie (exited, not yet reaped by its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


def dump(path: str, results, t_base: float):
    """Raw per-request lines: start and end (s since t_base), method, path, outcome, sent, reused,
    and the id of a 201."""
    with open(path, "w") as f:
        f.write("t0_s\tt1_s\tmethod\tpath\toutcome\tsent\treused\tid\tretry_after\n")
        for r in sorted(results, key=lambda r: r.t0):
            body = r.json() if r.status == 201 else None
            rid = body.get("id", "") if isinstance(body, dict) else ""
            f.write(f"{r.t0 - t_base:.3f}\t{r.t1 - t_base:.3f}\t{r.method}\t{r.path}\t{r.label()}\t"
                    f"{int(r.sent)}\t{int(r.reused)}\t{rid}\t{r.headers.get('retry-after', '')}\n")


class Db:
    """Direct access to the drill's database, behind the service's back: sqlite3 on the file, or psql on
    the private PostgreSQL cluster (never the shared one: the port is always given)."""

    def __init__(self, kind: str, sqlite_path: str | None = None, pg_port: int | None = None,
                 pg_db: str | None = None):
        self.kind, self.sqlite_path, self.pg_port, self.pg_db = kind, sqlite_path, pg_port, pg_db

    @staticmethod
    def from_args(args) -> "Db":
        return Db(args.db, args.sqlite_path, args.pg_port, args.pg_db)

    def psql_cmd(self, db: str | None = None) -> list[str]:
        return ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", str(self.pg_port),
                "-U", "postgres", "-d", db or self.pg_db]

    def query(self, sql: str, timeout: float = 30) -> list[str]:
        """Rows of one statement, each row's columns joined by '|'."""
        import subprocess

        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(self.sqlite_path, timeout=10) as c:
                return ["|".join(str(v) for v in row) for row in c.execute(sql)]
        out = subprocess.run(self.psql_cmd() + ["-c", sql], capture_output=True, text=True, timeout=timeout,
                             check=True)
        return [line for line in out.stdout.splitlines() if line]

    def task_ids(self) -> set[int]:
        return {int(x) for x in self.query("SELECT id FROM tasks")}

    def seed_tasks(self, owner: str, n: int):
        """n tasks of owner, inserted directly (the service's own INSERT is what the drills measure)."""
        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(self.sqlite_path, timeout=10) as c:
                c.executemany(
                    "INSERT INTO tasks (owner_id, title, description, is_completed) VALUES (?, ?, ?, 0)",
                    ((owner, f"seed {i}", f"seeded task number {i} for the drill") for i in range(n)))
        else:
            self.query("INSERT INTO tasks (owner_id, title, description, is_completed, created_at, updated_at)"
                       f" SELECT '{owner}', 'seed ' || i, 'seeded task number ' || i || ' for the drill', false,"
                       f" now(), now() FROM generate_series(1, {int(n)}) AS i")


def add_common_args(p):
    """Arguments every drill gets from drills.sh."""
    p.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--owner", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--log", required=True, help="the service's log file")
    p.add_argument("--out", required=True, help="directory for raw output")
    p.add_argument("--figures", required=True)
    p.add_argument("--sqlite-path")
    p.add_argument("--pg-port", type=int)
    p.add_argument("--pg-db")
