#!/usr/bin/env python3
"""Where an event loop's CPU goes, from async-profiler's collapsed stacks (one "frame;frame;... count" per line).

    bench/tools/ap_buckets.py out.collapsed

Each event-loop sample goes to the first bucket whose rule matches its stack (the syscalls by the leaf frame,
the rest by the code on the stack), so the shares add up to 100 % and say what a request's microseconds are
spent on: the kernel writes to the client and to PostgreSQL, the access log, JSON, auth, the drivers. Then the
process's samples by thread (event loops, JIT compilers, GC, the log writer). Part of bench/profile.sh.
"""
import collections, sys

def has(frames, *parts, last=None):
    scope = frames if last is None else frames[-last:]
    return any(p in f for f in scope for p in parts)

RULES = [
    ("kernel: write to PostgreSQL", lambda f: f[-1] == "__GI_write" and has(f, "pgclient", "sqlclient")),
    ("kernel: writev to the HTTP client", lambda f: f[-1] == "writev"),
    ("kernel: other writes", lambda f: f[-1] == "__GI_write"),
    ("kernel: read", lambda f: f[-1] == "__GI_read"),
    ("epoll, wakeups", lambda f: has(f, "epoll", "EPoll", "wakeup", last=4)),
    ("access log", lambda f: has(f, "AccessLog")),
    ("metrics", lambda f: has(f, "micrometer", "HttpServerMeters", "DbMeters")),
    ("JSON (Jackson)", lambda f: has(f, "jackson")),
    ("auth", lambda f: has(f, "dev/taskloop/auth") and not has(f, "TaskRoutes", "Responses")),
    ("request id, MDC", lambda f: has(f, "RequestId", "RequestContext", "MDC", last=12)),
    ("PostgreSQL codec", lambda f: has(f, "io/vertx/pgclient", last=8)),
    ("SQL client, pool", lambda f: has(f, "io/vertx/sqlclient", last=8)),
    ("router", lambda f: has(f, "io/vertx/ext/web", last=6)),
    ("Netty HTTP codec", lambda f: has(f, "io/netty/handler/codec/http", last=8)),
    ("taskloop's own code", lambda f: has(f, "dev/taskloop", last=3)),
    ("Vert.x HTTP", lambda f: has(f, "io/vertx/core/http", last=6)),
    ("Vert.x futures, contexts", lambda f: has(f, "io/vertx/core/impl", last=6)),
    ("Netty, other", lambda f: has(f, "io/netty", last=6)),
    ("other", lambda f: True),
]
THREADS = [("event loops", "FastThreadLocalRunnable"), ("JIT compilers", "CompileBroker"), ("GC, VM", "VMThread"),
           ("log writer", "disruptor"), ("SQLite engine", "Sqlite")]

buckets, threads, loop_total, total = collections.Counter(), collections.Counter(), 0, 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" ")
    frames, n = stack.split(";"), int(n)
    total += n
    kind = next((name for name, part in THREADS if has(frames, part)), "other threads")
    threads[kind] += n
    if kind != "event loops":
        continue
    loop_total += n
    buckets[next(name for name, rule in RULES if rule(frames))] += n
print(f"event-loop samples: {loop_total} of {total}")
for name, n in buckets.most_common():
    print(f"  {100 * n / max(loop_total, 1):5.1f} %  {name}")
print("samples by thread:")
for name, n in threads.most_common():
    print(f"  {100 * n / max(total, 1):5.1f} %  {name}")
