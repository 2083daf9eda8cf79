"""Drill sigterm-under-load: CONNECTIONS keep-alive connections alternate GET /tasks/{id} and POST /tasks;
after WARM s the service gets SIGTERM (default settings: SHUTDOWN_DELAY_S=0). A request counts as dropped
when it was written completely to an open connection and the connection then closed (or reset) without
an answer. A refused connect after the listener closed is not a drop: nothing was sent. drills.sh
reports the exit code."""

import argparse
import os
import signal
import threading
import time

from common import Conn, Db, Figures, add_common_args, counts, dump, exited, log_errors, secs

CONNECTIONS = 32
WARM = 3.0
PACE = 0.01  # seconds between requests per connection (moderate load on 2 cores)
REQUEST_TIMEOUT = 25.0  # longer than SHUTDOWN_GRACE_S (20 s)
EXIT_WAIT = 30.0


def main():
    p = argparse.ArgumentParser()
    add_common_args(p)
    a = p.parse_args()
    fig = Figures(a.figures, "sigterm-under-load", a.db)
    setup = Conn(a.port, key=a.key)
    ids = [setup.request("POST", "/tasks", {"title": f"sigterm drill {i}"}).json()["id"] for i in range(20)]
    setup.close()

    results, lock = [], threading.Lock()
    signalled = threading.Event()
    t_sig = [0.0]

    def client(i):
        conn, n = Conn(a.port, timeout=REQUEST_TIMEOUT, key=a.key), 0
        while True:
            if n % 2 == 0:
                r = conn.request("GET", f"/tasks/{ids[(i + n) % len(ids)]}")
            else:
                r = conn.request("POST", "/tasks", {"title": f"sigterm c{i} #{n}"})
            n += 1
            with lock:
                results.append(r)
            if signalled.is_set() and (not r.sent or time.monotonic() > t_sig[0] + REQUEST_TIMEOUT):
                return  # the listener is gone (or the drill's bound is reached)
            time.sleep(PACE)

    t_base = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    for t in threads:
        t.start()
    time.sleep(WARM)
    disturbed = exited(a.pid) or any(" - shutting down" in line for line in open(a.log, errors="replace"))
    t_sig[0] = time.monotonic()
    os.kill(a.pid, signal.SIGTERM)
    signalled.set()
    t_exit = None
    while time.monotonic() - t_sig[0] < EXIT_WAIT:
        if exited(a.pid):
            t_exit = time.monotonic()
            break
        time.sleep(0.01)
    for t in threads:
        t.join(REQUEST_TIMEOUT + 2)

    with lock:
        rs = list(results)
    dump(os.path.join(a.out, "requests.tsv"), rs, t_base)
    after = [r for r in rs if r.t1 >= t_sig[0]]
    answered = [r for r in rs if r.status is not None]
    dropped = [r for r in rs if r.sent and r.status is None]
    never = [r for r in after if not r.sent]
    acked = {r.json()["id"] for r in rs if r.method == "POST" and r.status == 201}
    try:
        stored = Db.from_args(a).task_ids() - set(ids)
        unanswered_rows = len(stored - acked)
    except Exception as e:  # noqa: BLE001 - a figure, not a crash
        unanswered_rows = f"n/a ({e})"

    if disturbed:
        fig.add("RUN DISTURBED", "the service was stopping before the drill sent SIGTERM (a signal from another "
                "process?): this run's figures are not valid; run it again", False)
    fig.add("load", f"{CONNECTIONS} keep-alive connections, SIGTERM after {WARM:.0f} s, {len(rs)} requests")
    fig.add("responses received (all / after SIGTERM)",
            f"{len(answered)} / {sum(1 for r in after if r.status is not None)}")
    fig.add("statuses after SIGTERM", counts([r for r in after if r.status is not None]))
    sent_at = [(r.t0 - t_sig[0]) * 1000 for r in dropped]
    window = f"; sent {min(sent_at):+.0f} to {max(sent_at):+.0f} ms from SIGTERM" if dropped else ""
    reused = [r for r in dropped if r.reused]
    fresh = [r for r in dropped if not r.reused]
    # On a keep-alive connection the client had no warning: every drop there is the server's fault.
    fig.add("dropped on reused keep-alive connections (no Connection: close before)",
            f"{len(reused)} (GET {sum(1 for r in reused if r.method == 'GET')}, "
            f"POST {sum(1 for r in reused if r.method == 'POST')})", not reused)
    # A connection opened after SIGTERM and closed by the server before it read a byte (Vert.x closes
    # idle connections when its listener stops): nothing was processed, so the request is safe to retry.
    fig.add("dropped on connections opened after SIGTERM (closed before being read; safe to retry)",
            f"{len(fresh)} (GET {sum(1 for r in fresh if r.method == 'GET')}, "
            f"POST {sum(1 for r in fresh if r.method == 'POST')}; {counts(fresh)}{window})")
    # A POST that was committed but not answered would be a request the server read and dropped.
    fig.add("POSTs committed but never answered (read, processed, dropped)", unanswered_rows,
            unanswered_rows == 0)
    fig.add("connects refused after the listener closed (not sent)", counts(never) if never else "0")
    fig.add("time from SIGTERM to exit", secs(t_exit - t_sig[0]) if t_exit else f"still running after {EXIT_WAIT:.0f} s")
    errors, traces, causes = log_errors(a.log)
    fig.add("service log: ERROR lines / stack-trace lines", f"{errors} / {traces}" + causes)


if __name__ == "__main__":
    main()
