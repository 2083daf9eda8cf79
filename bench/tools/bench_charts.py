#!/usr/bin/env python3
"""The two charts of `bench/bench.sh --peers`, as hand-written SVG (Python 3 standard library only).

    bench/tools/bench_charts.py RESULTS_JSON OUT_DIR

RESULTS_JSON is the results.json that bench/tools/bench_report.py writes (bench.sh copies it to
docs/bench-peers.json). Writes OUT_DIR/bench-throughput.svg (req/s per endpoint per server, grouped bars: the
median over the runs, a whisker from min to max when there was more than one run) and
OUT_DIR/bench-get-one-trace.svg (GET one requests per second over the measured run, one panel per server, with
the run's median second and the +-25 % band of the stall check; the run shown is the server's median run).
"""
import json
import statistics
import sys
from html import escape
from pathlib import Path

ROWS = [("get_one", "GET /tasks/{id}"), ("get_list", "GET page, skip"), ("get_keyset", "GET page, after"), ("post", "POST /tasks")]
COLOURS = ["#1f5fa8", "#6fa8dc", "#2e8b57", "#9acd9a", "#c0504d", "#e6a5a3", "#8064a2", "#b7a3d0"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def runs_of(server, row, key="rps"):
    return [r["rows"][row][key] for _, r in sorted(server["runs"].items(), key=lambda kv: int(kv[0]))
            if row in r.get("rows", {}) and r["rows"][row].get(key) is not None]


def nice_max(value):
    """The smallest 1/1.5/2/2.5/3/4/5/6/8 x 10^n at or above value."""
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def text(x, y, s, size=12, anchor="start", extra=""):
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT} {extra}>{escape(str(s))}</text>'


def caption(meta):
    return meta.get("caption", "")


def throughput(data):
    servers = data["servers"]
    colour = {s["id"]: COLOURS[i % len(COLOURS)] for i, s in enumerate(servers)}
    groups = [(row, name, [s for s in servers if runs_of(s, row)]) for row, name in ROWS]
    groups = [g for g in groups if g[2]]
    bar, gap, left, top, height = 26, 34, 70, 70, 330
    width = left + sum(len(g[2]) * bar + gap for g in groups) + 200
    top_value = nice_max(max(max(runs_of(s, row)) for row, _, ss in groups for s in ss) * 1.08)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 80}" viewBox="0 0 {width} {top + height + 80}">',
           f'<rect width="100%" height="100%" fill="white"/>',
           text(left, 24, "Requests per second by endpoint and server (higher is better)", 16, extra='font-weight="bold"'),
           text(left, 44, caption(data["meta"]), 11, extra='fill="#555"')]
    for i in range(6):
        v = top_value * i / 5
        y = top + height - height * i / 5
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 190}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(text(left - 6, y + 4, f"{v:,.0f}", 11, "end"))
    x = left + gap / 2
    for row, name, ss in groups:
        gx = x
        for s in ss:
            values = runs_of(s, row)
            mid = statistics.median(values)
            h = height * mid / top_value
            errors = sum(runs_of(s, row, "errors"))
            # a row with errors is not a valid measurement: drawn pale, its label says so
            look = f'fill="{colour[s["id"]]}"' + (' fill-opacity="0.3" stroke="#c00" stroke-dasharray="3 2"' if errors else "")
            out.append(f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{bar - 3}" height="{h:.1f}" {look}>'
                       f'<title>{escape(s["label"])} {escape(name)}: {mid:,.0f} req/s, {errors} errors</title></rect>')
            if len(values) > 1:
                lo, hi = top + height - height * min(values) / top_value, top + height - height * max(values) / top_value
                cx = x + (bar - 3) / 2
                out.append(f'<line x1="{cx:.1f}" y1="{lo:.1f}" x2="{cx:.1f}" y2="{hi:.1f}" stroke="#222"/>')
            label_y = top + height - h - 4
            out.append(text(x + bar / 2 - 1, label_y, f"{mid:,.0f}" + (f" ({errors} errors: invalid)" if errors else ""), 9, "start",
                            f'transform="rotate(-90 {x + bar / 2 + 2:.1f} {label_y:.1f})"'))
            x += bar
        out.append(text((gx + x) / 2, top + height + 18, name, 12, "middle"))
        x += gap
    out.append(f'<line x1="{left}" y1="{top + height}" x2="{width - 190}" y2="{top + height}" stroke="#333"/>')
    for i, s in enumerate(servers):
        y = top + 10 + i * 20
        out.append(f'<rect x="{width - 175}" y="{y - 10}" width="12" height="12" fill="{colour[s["id"]]}"/>')
        out.append(text(width - 157, y, s["label"], 12))
    out.append(text(left, top + height + 50, "wrk on 127.0.0.1, one server at a time; bars: median over the runs, whiskers: min–max; pale dashed bar: row with errors (not valid)", 11, extra='fill="#555"'))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def median_run_trace(server):
    runs = [(r["rows"]["get_one"]["rps"], r["rows"]["get_one"].get("trace") or [])
            for _, r in sorted(server["runs"].items(), key=lambda kv: int(kv[0])) if "get_one" in r.get("rows", {})]
    if not runs:
        return None, []
    runs.sort(key=lambda t: t[0])
    return runs[(len(runs) - 1) // 2]


def traces(data):
    servers = [s for s in data["servers"] if median_run_trace(s)[1]]
    cols, pw, ph, left, top = 2, 420, 150, 60, 70
    rows = (len(servers) + cols - 1) // cols
    width, height = left + cols * (pw + 50), top + rows * (ph + 60) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<rect width="100%" height="100%" fill="white"/>',
           text(left, 24, "GET /tasks/{id}: requests per second over the measured run (median run per server)", 16, extra='font-weight="bold"'),
           text(left, 44, caption(data["meta"]) + "; shaded: ±25 % of the run's median second (the stall check)", 11, extra='fill="#555"')]
    for i, s in enumerate(servers):
        _, series = median_run_trace(s)
        px, py = left + (i % cols) * (pw + 50), top + (i // cols) * (ph + 60) + 20
        mid = statistics.median(series)
        ymax = nice_max(max(max(series), mid * 1.25) * 1.05)
        dev = max(abs(n - mid) for n in series) / mid * 100 if mid else 0
        sx = pw / max(len(series) - 1, 1)
        y_of = lambda v: py + ph - ph * v / ymax  # noqa: E731
        errors = sum(runs_of(s, "get_one", "errors"))
        note = f" ({errors} errors: not valid)" if errors else ""
        out.append(text(px, py - 8, f"{s['label']}: median {mid:,.0f}/s, largest deviation {dev:.0f} %{note}", 12, extra='font-weight="bold"'))
        out.append(f'<rect x="{px}" y="{y_of(mid * 1.25):.1f}" width="{pw}" height="{y_of(mid * 0.75) - y_of(mid * 1.25):.1f}" fill="#e8f0e8"/>')
        for k in range(5):
            v = ymax * k / 4
            out.append(f'<line x1="{px}" y1="{y_of(v):.1f}" x2="{px + pw}" y2="{y_of(v):.1f}" stroke="#ddd"/>')
            out.append(text(px - 4, y_of(v) + 4, f"{v:,.0f}", 9, "end"))
        out.append(f'<line x1="{px}" y1="{y_of(mid):.1f}" x2="{px + pw}" y2="{y_of(mid):.1f}" stroke="#2e8b57" stroke-dasharray="4 3"/>')
        points = " ".join(f"{px + k * sx:.1f},{y_of(v):.1f}" for k, v in enumerate(series))
        out.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[data["servers"].index(s) % len(COLOURS)]}" stroke-width="2"/>')
        out.append(f'<line x1="{px}" y1="{py + ph}" x2="{px + pw}" y2="{py + ph}" stroke="#333"/>')
        for k in range(0, len(series), max(1, len(series) // 7)):
            out.append(text(px + k * sx, py + ph + 14, f"{k + 1}", 9, "middle"))
        out.append(text(px + pw, py + ph + 28, "second of the run (full seconds)", 9, "end", 'fill="#555"'))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        print("usage: bench_charts.py RESULTS_JSON OUT_DIR", file=sys.stderr)
        return 2
    data = json.loads(Path(argv[1]).read_text())
    out = Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench-throughput.svg").write_text(throughput(data))
    (out / "bench-get-one-trace.svg").write_text(traces(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
