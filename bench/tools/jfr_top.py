#!/usr/bin/env python3
"""Inclusive time per method and self time per library, from `jfr print --json --events jdk.ExecutionSample`.

    jfr print --json --events jdk.ExecutionSample --stack-depth 96 rec.jfr | bench/tools/jfr_top.py [N]

Inclusive: the share of samples whose stack contains the method (once per stack), which says where the
microseconds of a request go (auth, routing, JSON, the driver, logging); self time by library says whose
code burns them. Part of bench/profile.sh.
"""
import collections, json, sys

top = int(sys.argv[1]) if len(sys.argv) > 1 else 40
events = json.load(sys.stdin)["recording"]["events"]
inclusive, own, threads = collections.Counter(), collections.Counter(), collections.Counter()
LIBS = ["dev.taskloop", "io.vertx.sqlclient", "io.vertx.pgclient", "io.vertx.jdbcclient", "io.vertx.ext.web",
        "io.vertx.core", "io.netty", "com.fasterxml.jackson", "ch.qos.logback", "net.logstash", "org.slf4j",
        "io.micrometer", "io.opentelemetry", "com.github.benmanes.caffeine", "org.sqlite", "java.util.regex",
        "java.time", "java.util.stream", "java.util.concurrent", "java.util", "java.lang", "sun.nio", "java.nio", "jdk"]
def lib(name):
    return next((l for l in LIBS if name.startswith(l)), "other")
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
    if not names:
        continue
    threads[(e["values"].get("sampledThread") or {}).get("javaName", "?").rstrip("0123456789")] += 1
    own[lib(names[0])] += 1
    for n in set(names):
        inclusive[n] += 1
total = sum(own.values()) or 1
print(f"{total} samples\n\nthreads:")
for t, c in threads.most_common(8):
    print(f"  {100*c/total:5.1f} %  {t}")
print("\nself time by library:")
for l, c in own.most_common(20):
    print(f"  {100*c/total:5.1f} %  {l}")
print(f"\ninclusive time, top {top} methods (taskloop and library entry points):")
shown = 0
for n, c in inclusive.most_common():
    if any(n.startswith(p) for p in ("java.lang.Thread", "java.util.concurrent.ThreadPoolExecutor", "io.netty.util.concurrent",
                                     "io.netty.util.internal", "io.netty.channel.nio.NioIoHandler.run", "io.netty.channel.SingleThreadIoEventLoop")):
        continue
    print(f"  {100*c/total:5.1f} %  {n}")
    shown += 1
    if shown >= top:
        break
print(f"\ninclusive time, top {top} taskloop methods:")
for n, c in [(n, c) for n, c in inclusive.most_common() if n.startswith("dev.taskloop")][:top]:
    print(f"  {100*c/total:5.1f} %  {n}")

# `--under METHOD` (after N): what the samples under METHOD spend their time in, by direct callee.
if "--under" in sys.argv:
    target = sys.argv[sys.argv.index("--under") + 1]
    callees, n = collections.Counter(), 0
    for e in events:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
        idx = [i for i, m in enumerate(names) if m.startswith(target)]
        if idx:
            n += 1
            i = idx[-1]
            callees[names[i - 1] if i > 0 else "(self)"] += 1
    print(f"\nunder {target}: {n} samples")
    for m, c in callees.most_common(15):
        print(f"  {100*c/max(n,1):5.1f} %  {m}")
