"""Drill connection-flood: FLOOD TCP connections opened at once, half of them idle, half sending one
GET /health/live with keep-alive (then idle too), all held for HOLD s. A normal client meanwhile sends an
authenticated GET /tasks/{id} every PROBE_EVERY s, alternately on its own keep-alive connection and on a
fresh one. Afterwards: does a normal request succeed again."""

import argparse
import asyncio
import os
import resource
import threading
import time

from common import Conn, Figures, add_common_args, counts, dump, log_errors, ms, percentile

FLOOD = 2000
HOLD = 8.0
CONNECT_TIMEOUT = 15.0
PROBE_EVERY = 0.2


async def one(port: int, active: bool, outcome: dict, hold_until: float, writers: list):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), CONNECT_TIMEOUT)
    except asyncio.TimeoutError:
        outcome["connect"] = "connect-timeout"
        return
    except OSError as e:
        outcome["connect"] = f"connect-{e.__class__.__name__}"
        return
    outcome["connect"] = "ok"
    outcome["connected_at"] = time.monotonic()
    writers.append(writer)
    if active:
        t0 = time.monotonic()
        try:
            writer.write(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"),
                                          max(1.0, hold_until - time.monotonic()))
            outcome["status"] = int(head.split(b" ", 2)[1])
            outcome["seconds"] = time.monotonic() - t0
        except asyncio.TimeoutError:
            outcome["status"] = "no answer in time"
        except (asyncio.IncompleteReadError, OSError) as e:
            outcome["status"] = f"closed ({e.__class__.__name__})"
    # hold the connection; note if the server closes it meanwhile
    try:
        rest = await asyncio.wait_for(reader.read(65536), max(0.0, hold_until - time.monotonic()))
        if rest == b"":
            outcome["closed_by_server"] = True
    except asyncio.TimeoutError:
        pass
    except OSError:
        outcome["closed_by_server"] = True


async def flood(port: int, hold: float) -> list[dict]:
    hold_until = time.monotonic() + hold
    outcomes = [{} for _ in range(FLOOD)]
    writers = []
    await asyncio.gather(*(one(port, i % 2 == 1, outcomes[i], hold_until, writers) for i in range(FLOOD)))
    for w in writers:
        w.close()
    return outcomes


def main():
    p = argparse.ArgumentParser()
    add_common_args(p)
    a = p.parse_args()
    fig = Figures(a.figures, "connection-flood", a.db)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < FLOOD + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, FLOOD + 1000), hard))
    setup = Conn(a.port, key=a.key)
    task_id = setup.request("POST", "/tasks", {"title": "flood drill"}).json()["id"]
    setup.close()

    probes, stop = {"keep-alive": [], "fresh": []}, threading.Event()

    def probe():
        kept = Conn(a.port, timeout=10, key=a.key)
        n = 0
        while not stop.is_set():
            t = time.monotonic()
            if n % 2 == 0:
                probes["keep-alive"].append(kept.request("GET", f"/tasks/{task_id}"))
            else:
                probes["fresh"].append(Conn(a.port, timeout=10, key=a.key).request("GET", f"/tasks/{task_id}"))
            n += 1
            time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - t)))

    t_base = time.monotonic()
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    time.sleep(1.0)
    t_flood = time.monotonic()
    outcomes = asyncio.run(flood(a.port, HOLD))
    t_done = time.monotonic()
    stop.set()
    prober.join(12)
    for name, rs in probes.items():
        dump(os.path.join(a.out, f"probe-{name}.tsv"), rs, t_base)

    time.sleep(0.5)
    after = Conn(a.port, timeout=10, key=a.key).request("GET", f"/tasks/{task_id}")

    connected = sum(1 for o in outcomes if o.get("connect") == "ok")
    failures = {}
    for o in outcomes:
        if o.get("connect") != "ok":
            failures[o.get("connect", "?")] = failures.get(o.get("connect", "?"), 0) + 1
    active = [o for i, o in enumerate(outcomes) if i % 2 == 1]
    served = [o for o in active if o.get("status") == 200]
    statuses = {}
    for o in active:
        k = str(o.get("status", o.get("connect")))
        statuses[k] = statuses.get(k, 0) + 1
    served_lat = [o["seconds"] for o in served]
    closed = sum(1 for o in outcomes if o.get("closed_by_server"))

    connect_s = [o["connected_at"] - t_flood for o in outcomes if "connected_at" in o]
    fig.add("connections opened (of 2,000 at once)",
            f"{connected}, the last {ms(max(connect_s, default=None))} after the first attempt"
            + (f"; failed: {failures}" if failures else ""))
    fig.add("GET /health/live on 1,000 of them: served",
            f"{len(served)} of {len(active)} (p50 {ms(percentile(served_lat, 50))}, "
            f"max {ms(max(served_lat, default=None))}); {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}")
    fig.add("flood connections closed by the server during the hold", closed)
    during = lambda rs: [r for r in rs if t_flood <= r.t0 < t_done]  # noqa: E731
    for name, rs in probes.items():
        d = during(rs)
        lat = [r.seconds for r in d if r.status is not None]
        fig.add(f"authenticated GET /tasks/{{id}} during the flood ({name} connection)",
                f"p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))}, max {ms(max(lat, default=None))}; "
                f"{counts(d)}")
    every = [r for rs in probes.values() for r in rs] + [after]
    fives = sum(1 for r in every if r.status is not None and r.status >= 500)
    fives += sum(1 for o in active if isinstance(o.get("status"), int) and o["status"] >= 500)
    fig.add("5xx", fives, fives == 0)
    fig.add("after the flood: GET /tasks/{id} on a fresh connection", f"{after.label()} in {ms(after.seconds)}",
            after.status == 200)
    errors, traces, causes = log_errors(a.log)
    fig.add("service log: ERROR lines / stack-trace lines (client input)", f"{errors} / {traces}" + causes,
            errors == 0 and traces == 0)


if __name__ == "__main__":
    main()
