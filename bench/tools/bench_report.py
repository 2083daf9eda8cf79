#!/usr/bin/env python3
"""The table of `bench/bench.sh --peers`: medians over the runs, the ratios to the peers, PASS/FAIL per target.

    bench/tools/bench_report.py RESULTS_DIR      # reads rows.tsv, servers.tsv, meta.tsv; writes summary.md, results.json
    bench/tools/bench_report.py --trace WRK_OUT  # one wrk run of bench/wrk/get_one.lua: "median min max max_dev_%"

Inputs (tab-separated, written by bench.sh): rows.tsv = run, server, row, req/s, p50 ms, p99 ms, errors, wrk output
file; servers.tsv = run, server, label, kind (taskloop|peer), startup s, RSS MB, exit code, warm-up errors;
meta.tsv = key, value. The per-second trace of GET one is read from the "trace <unix second> <requests>" lines
that bench/wrk/get_one.lua prints; the first and the last second are partial and left out.

Every figure is the median over the runs (min-max beside it when there is more than one run); each ratio is
median / median, and PASS/FAIL compares the ratio as printed (rounded). A taskloop row with errors in any run is not
a valid measurement: the targets that use it say INVALID; a reference's errors are named beside its verdict. Python 3 standard library only.
"""
import json
import statistics
import sys
from pathlib import Path

ROW_NAMES = {"get_one": "GET one", "get_list": "GET page (skip)", "get_keyset": "GET page (after)", "post": "POST"}
PG, SQ = "taskloop-postgresql", "taskloop-sqlite"
STALL_PCT = 25      # GET one, per second: every full second within +-25 % of the run's median second
P99_MS = 20         # GET one p99 below 20 ms
# (section, what, server, row, reference server, reference row, factor): server/row >= factor x reference/row
RATIO_TARGETS = [
    ("PostgreSQL", "GET one vs vertx-raw", PG, "get_one", "vertx-raw", "get_one", 0.85),
    ("PostgreSQL", "GET page (skip) vs vertx-raw", PG, "get_list", "vertx-raw", "get_list", 0.85),
    ("PostgreSQL", "GET page (after, keyset) vs vertx-raw's skip page", PG, "get_keyset", "vertx-raw", "get_list", 1.0),
    ("PostgreSQL", "POST vs vertx-raw-nopipe", PG, "post", "vertx-raw-nopipe", "post", 0.9),
    ("PostgreSQL", "GET one vs fastapi-seed-2w", PG, "get_one", "fastapi-seed-2w", "get_one", 15),
    ("PostgreSQL", "POST vs fastapi-seed-2w", PG, "post", "fastapi-seed-2w", "post", 15),
    ("SQLite", "GET one vs fastapi-seed-sqlite-2w", SQ, "get_one", "fastapi-seed-sqlite-2w", "get_one", 20),
    ("SQLite", "GET one vs taskloop on PostgreSQL (same run)", SQ, "get_one", PG, "get_one", 1.0),
    ("SQLite", "POST vs fastapi-seed-sqlite-2w", SQ, "post", "fastapi-seed-sqlite-2w", "post", 20),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def trace(path):
    """Requests per full second of one wrk run (the partial first and last seconds dropped)."""
    seconds = []
    try:
        for line in Path(path).read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "trace":
                seconds.append((int(parts[1]), int(parts[2])))
    except OSError:
        return []
    seconds.sort()
    # a second in which no request went out has no line: fill the gaps with 0 (that is a stall)
    if seconds:
        first, last, by = seconds[0][0], seconds[-1][0], dict(seconds)
        seconds = [(s, by.get(s, 0)) for s in range(first, last + 1)]
    return [n for _, n in seconds[1:-1]]


def trace_stats(series):
    """(median, min, max, largest deviation from the median in %), or None for fewer than 3 full seconds."""
    if len(series) < 3:
        return None
    mid = statistics.median(series)
    dev = max(abs(n - mid) for n in series) / mid * 100 if mid > 0 else 100.0
    return mid, min(series), max(series), dev


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}"


def cell(values, digits=0):
    """median, and (min-max) when there is more than one run."""
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    text = fmt(median(values), digits)
    if len(values) > 1:
        text += f" ({fmt(min(values), digits)}–{fmt(max(values), digits)})"
    return text


def ratio_text(value):
    """A ratio as printed: 2 decimals below 10, 1 above; PASS/FAIL compares this rounded figure."""
    if value is None:
        return "n/a", None
    digits = 2 if value < 10 else 1
    text = f"{value:.{digits}f}"
    return text, float(text)


def load(out):
    meta = {}
    for line in (out / "meta.tsv").read_text().splitlines():
        if "\t" in line:
            key, value = line.split("\t", 1)
            meta[key] = value
    servers, order = {}, []
    for line in (out / "servers.tsv").read_text().splitlines():
        run, sid, label, kind, startup, rss, code, warm_err = line.split("\t")
        if sid not in servers:
            servers[sid] = {"id": sid, "label": label, "kind": kind, "runs": {}}
            order.append(sid)
        servers[sid]["runs"][int(run)] = {"startup_s": number(startup), "rss_mb": number(rss),
                                          "exit": code, "warmup_errors": int(warm_err or 0), "rows": {}}
    for line in (out / "rows.tsv").read_text().splitlines():
        run, sid, row, rps, p50, p99, errors, wrk_file = line.split("\t")
        entry = {"rps": number(rps), "p50_ms": number(p50), "p99_ms": number(p99), "errors": int(errors)}
        if row == "get_one":
            entry["trace"] = trace(wrk_file)
            stats = trace_stats(entry["trace"])
            entry["trace_max_dev_pct"] = None if stats is None else round(stats[3], 1)
        servers[sid]["runs"].setdefault(int(run), {"rows": {}})["rows"][row] = entry
    return meta, [servers[s] for s in order]


def series(server, row, key):
    return [r["rows"][row][key] for _, r in sorted(server["runs"].items()) if row in r.get("rows", {})]


def row_errors(server, row):
    return sum(series(server, row, "errors")) if server else 0


def evaluate(by_id):
    targets = []
    for section, what, sid, row, ref, ref_row, factor in RATIO_TARGETS:
        a, b = by_id.get(sid), by_id.get(ref)
        value = None
        if a and b:
            ma, mb = median(series(a, row, "rps")), median(series(b, ref_row, "rps"))
            value = ma / mb if ma is not None and mb else None
        text, printed = ratio_text(value)
        ours = row_errors(by_id.get(sid), row)
        theirs = row_errors(by_id.get(ref), ref_row)
        if ours:
            result = f"INVALID ({sid} {ROW_NAMES[row]}: {ours} errors)"
        elif printed is None:
            result = "n/a (not measured)"
        else:
            result = "PASS" if printed >= factor else "FAIL"
            if theirs:  # wrk counts a failed answer as a request: the reference's req/s is if anything too high
                result += f" (the reference had {theirs} errors, counted in its req/s)"
        runs = []
        if a and b:
            for run in sorted(a["runs"]):
                ra, rb = a["runs"][run]["rows"].get(row), b["runs"].get(run, {}).get("rows", {}).get(ref_row)
                if ra and rb and rb["rps"]:
                    runs.append(ra["rps"] / rb["rps"])
        spread = f" ({min(runs):.2f}–{max(runs):.2f})" if len(runs) > 1 else ""
        targets.append({"section": section, "what": what, "value": text + spread, "needed": f"≥ {factor:g} ×",
                        "taskloop": cell(series(a, row, "rps")) if a else "n/a",
                        "reference": cell(series(b, ref_row, "rps")) if b else "n/a", "result": result})
    pg = by_id.get(PG)
    if pg:
        errors = row_errors(pg, "get_one")
        p99 = median(series(pg, "get_one", "p99_ms"))
        result = "INVALID (errors)" if errors else ("n/a" if p99 is None else ("PASS" if float(fmt(p99, 2)) < P99_MS else "FAIL"))
        targets.append({"section": "PostgreSQL", "what": "GET one p99", "value": f"{cell(series(pg, 'get_one', 'p99_ms'), 2)} ms",
                        "needed": f"< {P99_MS} ms", "taskloop": "", "reference": "", "result": result})
        devs = series(pg, "get_one", "trace_max_dev_pct")
        dev = median(devs)
        result = "INVALID (errors)" if errors else ("n/a (no trace)" if dev is None else ("PASS" if round(dev) <= STALL_PCT else "FAIL"))
        targets.append({"section": "PostgreSQL", "what": "GET one per second: largest deviation from the run's median second",
                        "value": f"{cell(devs)} %" if dev is not None else "n/a", "needed": f"≤ {STALL_PCT} %", "taskloop": "", "reference": "",
                        "result": result})
    return targets


def summary(meta, servers, targets):
    runs = int(meta.get("runs", "1"))
    note = f"medians of {runs} runs (min–max)" if runs > 1 else "one run"
    lines = [f"Targets ({note}; each ratio is taskloop's req/s ÷ the reference's, measured in the same run):", "",
             "| database | target | taskloop req/s | reference req/s | ratio | needed | result |",
             "|---|---|---|---|---|---|---|"]
    for t in targets:
        lines.append(f"| {t['section']} | {t['what']} | {t['taskloop']} | {t['reference']} | {t['value']} | {t['needed']} | **{t['result']}** |")
    lines += ["", f"All servers ({note}; req/s, latency in ms; errors summed over the runs):", "",
              "| server | GET one req/s | GET one p99 | GET one per-second max deviation % | GET page (skip) req/s | "
              "GET page (after) req/s | POST req/s | POST p99 | errors one/skip/after/post | startup s | RSS MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in servers:
        def rps(row):
            return cell(series(s, row, "rps")) if series(s, row, "rps") else "–"
        errors = "/".join(str(row_errors(s, r)) if series(s, r, "rps") else "–" for r in ROW_NAMES)
        startup = cell([r.get("startup_s") for r in s["runs"].values()], 2)
        rss = cell([r.get("rss_mb") for r in s["runs"].values()])
        lines.append(f"| {s['label']} | {rps('get_one')} | {cell(series(s, 'get_one', 'p99_ms'), 2)} | "
                     f"{cell(series(s, 'get_one', 'trace_max_dev_pct'))} | {rps('get_list')} | {rps('get_keyset')} | "
                     f"{rps('post')} | {cell(series(s, 'post', 'p99_ms'), 2)} | {errors} | {startup} | {rss} |")
    lines.append("")
    for s in servers:
        if s["kind"] == "taskloop":
            codes = ", ".join(r.get("exit", "?") for _, r in sorted(s["runs"].items()))
            warm = sum(r.get("warmup_errors", 0) for r in s["runs"].values())
            lines.append(f"{s['label']}: exit code after SIGTERM {codes}; {warm} errors in the warm-ups; "
                         "startup = launch to GET /health/ready = 200, the peers' = launch to the first 200 on GET /tasks/1.")
    lines += ["", meta.get("settings", "")]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) == 3 and argv[1] == "--trace":
        stats = trace_stats(trace(argv[2]))
        print("n/a n/a n/a n/a" if stats is None else f"{stats[0]:.0f} {stats[1]} {stats[2]} {stats[3]:.1f}")
        return 0
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[1])
    meta, servers = load(out)
    targets = evaluate({s["id"]: s for s in servers})
    (out / "summary.md").write_text(summary(meta, servers, targets))
    (out / "results.json").write_text(json.dumps({"meta": meta, "servers": servers, "targets": targets}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
