"""Drill postgres-restart: concurrent POST /tasks writers while the private PostgreSQL cluster is restarted
with `pg_ctl restart -m fast`. Every answer is recorded; afterwards the acknowledged ids are checked
against the table. Time bound: about DURATION s, at most HARD_CAP s even when nothing recovers."""

import argparse
import os
import subprocess
import threading
import time

from common import Conn, Db, Figures, add_common_args, counts, dump, log_errors, secs

WRITERS = 16
DURATION = 20.0  # seconds of load when everything goes well
RESTART_AT = 6.0  # seconds into the load
AFTER_RECOVERY = 4.0  # keep writing this long after the first 201 following the outage
GIVE_UP_AFTER_UP = 20.0  # ... or this long after PostgreSQL accepts again, when no 201 comes
HARD_CAP = 120.0
REQUEST_TIMEOUT = 15.0
PACE = 0.025  # seconds per request and writer at most: <= 640 POST/s in all
PG_CTL_TIMEOUT = 60  # pg_ctl's own default wait, given explicitly


def main():
    p = argparse.ArgumentParser()
    add_common_args(p)
    p.add_argument("--pgbin", required=True)
    p.add_argument("--pgdata", required=True)
    p.add_argument("--pglog", required=True)
    p.add_argument("--pgopts", required=True, help="the -o options the cluster was started with")
    a = p.parse_args()
    fig = Figures(a.figures, "postgres-restart", a.db)
    db = Db.from_args(a)
    t_base = time.monotonic()
    stop = threading.Event()
    writes, ready, isready = [], [], []  # Results; Results; (t, pg_isready exit code)
    lock = threading.Lock()

    isready_cmd = [os.path.join(a.pgbin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(a.pg_port), "-U",
                   "postgres", "-d", "postgres", "-t", "1"]

    def writer(i):
        conn = Conn(a.port, timeout=REQUEST_TIMEOUT, key=a.key)
        n = 0
        while not stop.is_set():
            r = conn.request("POST", "/tasks", {"title": f"drill w{i} #{n}"})
            n += 1
            with lock:
                writes.append(r)
            # paced (moderate load on 2 cores); a failing client retries at 20/s, not in a hot loop
            time.sleep(max(0.0, (PACE if r.status == 201 else 0.05) - r.seconds))

    def poll_isready():
        while not stop.is_set():
            t = time.monotonic()
            rc = subprocess.run(isready_cmd).returncode
            isready.append((t, rc))
            time.sleep(max(0.0, 0.05 - (time.monotonic() - t)))

    def poll_ready():
        conn = Conn(a.port, timeout=3.0)
        while not stop.is_set():
            t = time.monotonic()
            ready.append(conn.request("GET", "/health/ready"))
            time.sleep(max(0.0, 0.05 - (time.monotonic() - t)))

    threads = [threading.Thread(target=f, daemon=True) for f in (poll_isready, poll_ready)]
    threads += [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(RESTART_AT)

    half_open, sessions = server_children(a.pgdata)
    pg_ctl = os.path.join(a.pgbin, "pg_ctl")
    as_pg = ["runuser", "-u", "postgres", "--"]
    restart = as_pg + [pg_ctl, "-D", a.pgdata, "-l", a.pglog, "-m", "fast", "-w", "-t", str(PG_CTL_TIMEOUT),
                       "-o", a.pgopts, "restart"]
    t_r0 = time.monotonic()
    try:
        done = subprocess.run(restart, capture_output=True, text=True, timeout=PG_CTL_TIMEOUT + 15)
        rc, output = done.returncode, (done.stdout + done.stderr).strip()
    except subprocess.TimeoutExpired:
        rc, output = "timeout", "pg_ctl restart did not return"
    t_r1 = time.monotonic()
    with open(os.path.join(a.out, "pg_ctl-restart.txt"), "w") as f:
        f.write(f"$ {' '.join(restart)}\nexit {rc} after {t_r1 - t_r0:.2f} s\n{output}\n")

    # A failed restart can leave the server stopped (or still stopping): wait for it to be either up or
    # gone, and start it by hand when gone, so the rest of the drill can see whether the service recovers.
    left_stopped = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if subprocess.run(isready_cmd).returncode == 0:
            break
        if subprocess.run(as_pg + [pg_ctl, "-D", a.pgdata, "status"], capture_output=True).returncode == 3:
            left_stopped = True  # no server running: pg_ctl gave up on it
            subprocess.run(as_pg + [pg_ctl, "-D", a.pgdata, "-l", a.pglog, "-w", "-t", "30", "-o", a.pgopts,
                                    "start"], capture_output=True, timeout=45)
        time.sleep(0.2)
    t_manual = time.monotonic() if left_stopped else None

    # Keep the writers going until the service has written again (or clearly will not), within bounds.
    while True:
        now = time.monotonic()
        t_up = accepting_again(isready, t_r0, t_r1)
        first = first_201_after(writes, lock, t_up)
        if now - t_base >= HARD_CAP:
            break
        if now - t_base >= DURATION and t_up is not None:
            if first is not None and now >= first.t1 + AFTER_RECOVERY:
                break
            if first is None and now >= t_up + GIVE_UP_AFTER_UP:
                break
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(REQUEST_TIMEOUT + 2)
    t_end = time.monotonic()

    with lock:
        results = list(writes)
    dump(os.path.join(a.out, "writes.tsv"), results, t_base)
    dump(os.path.join(a.out, "ready.tsv"), ready, t_base)
    with open(os.path.join(a.out, "pg_isready.tsv"), "w") as f:
        f.write("t_s\texit\n" + "".join(f"{t - t_base:.3f}\t{rc}\n" for t, rc in isready))

    acked = {r.json()["id"] for r in results if r.status == 201}
    try:
        stored = db.task_ids()
        lost = len(acked - stored)
        unacked = len(stored - acked)
    except Exception as e:  # noqa: BLE001 - reported as a figure, the drill goes on
        lost, unacked = f"n/a ({e})", "n/a"
    t_up = accepting_again(isready, t_r0, t_r1)
    first = first_201_after(writes, lock, t_up)
    first_ready = next((r for r in sorted(ready, key=lambda r: r.t1)
                        if t_up is not None and r.status == 200 and r.t1 >= t_up), None)
    fives = [r for r in results if r.status is not None and r.status >= 500 and r.status != 503]
    no_retry = [r for r in results + ready if r.status == 503 and "retry-after" not in r.headers]
    n503 = sum(1 for r in results + ready if r.status == 503)
    errors, traces, causes = log_errors(a.log)

    fig.add("restart command (pg_ctl restart -m fast)",
            f"{t_r1 - t_r0:.2f} s, " + ("succeeded" if rc == 0 else f"FAILED (exit {rc}: {last_line(output)})"))
    fig.add("PostgreSQL left stopped by the restart", "yes: started again by hand" if left_stopped else "no")
    fig.add("pg_isready after the restart began: refusing (shutting down or starting) / no response",
            outage_breakdown(isready, t_r0, t_up))
    fig.add("server processes without a session before the restart (half-open)",
            f"{half_open} (sessions: {sessions})")
    fig.add("load", f"{WRITERS} writers, {t_end - t_base:.1f} s, {len(results)} POST /tasks")
    fig.add("statuses of POST /tasks", counts(results))
    fig.add("acknowledged (201) writes lost", lost, lost == 0 if isinstance(lost, int) else False)
    fig.add("rows written without a 201 (error or no answer)", unacked)
    fig.add("5xx other than 503", len(fives), len(fives) == 0)
    fig.add("every 503 carried Retry-After (POST and /health/ready)",
            f"yes ({n503} of {n503})" if not no_retry else f"no: {len(no_retry)} of {n503} without",
            not no_retry)
    outage = longest_gap(results)
    fig.add("longest time without a 201", secs(outage))
    up_note = "" if t_up is None else f" (PostgreSQL accepting {t_up - t_r0:.2f} s after the restart began" + \
        (", after a manual start)" if t_manual else ")")
    rec = None if first is None else first.t1 - t_up
    fig.add("recovery: accepting again -> first 201",
            (secs(rec) if rec is not None else "never within the drill") + up_note,
            rec is not None and rec <= 2.0)
    rrec = None if first_ready is None else first_ready.t1 - t_up
    fig.add("readiness recovery: accepting again -> first /health/ready 200",
            secs(rrec) if rrec is not None else "never within the drill", rrec is not None and rrec <= 2.0)
    fig.add("/health/ready statuses", counts(ready))
    fig.add("max POST /tasks latency", secs(max((r.seconds for r in results), default=None)))
    fig.add("service log: ERROR lines / stack-trace lines", f"{errors} / {traces}" + causes)


def server_children(pgdata: str) -> tuple[int, int]:
    """(children of the postmaster still titled as the bare postmaster command: connections that never got
    past the startup packet, client sessions) from /proc."""
    try:
        with open(os.path.join(pgdata, "postmaster.pid")) as f:
            postmaster = int(f.readline())
    except (OSError, ValueError):
        return -1, -1
    half, sessions = 0, 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != postmaster:
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if not title.startswith("postgres: "):
            half += 1
        elif "127.0.0.1(" in title:
            sessions += 1
    return half, sessions


def accepting_again(isready, t_r0: float, t_r1: float):
    """When pg_isready first answered 0 after failing once since the restart began; the restart command's
    end when no poll saw it down."""
    polls = list(isready)
    down = next((t for t, rc in polls if t >= t_r0 and rc != 0), None)
    if down is None:
        return t_r1
    return next((t for t, rc in polls if t > down and rc == 0), None)


def outage_breakdown(isready, t_r0: float, t_up) -> str:
    """Seconds pg_isready answered 'rejecting' (exit 1) and 'no response' (exit 2) between the restart and
    accepting again."""
    polls = [(t, rc) for t, rc in isready if t >= t_r0 and (t_up is None or t < t_up)]
    spent = {1: 0.0, 2: 0.0}
    for (t, rc), (t_next, _) in zip(polls, polls[1:] + [(t_up or (polls[-1][0] if polls else t_r0), 0)]):
        if rc in spent:
            spent[rc] += t_next - t
    return f"{spent[1]:.1f} s / {spent[2]:.1f} s"


def first_201_after(writes, lock, t):
    if t is None:
        return None
    with lock:
        return min((r for r in writes if r.status == 201 and r.t1 >= t), key=lambda r: r.t1, default=None)


def longest_gap(results) -> float | None:
    ends = sorted(r.t1 for r in results if r.status == 201)
    return max((b - a for a, b in zip(ends, ends[1:])), default=None)


def last_line(text: str) -> str:
    lines = [x for x in text.splitlines() if x.strip()]
    return lines[-1].strip() if lines else ""


if __name__ == "__main__":
    main()
