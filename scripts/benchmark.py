"""Benchmark: gunicorn with 2 workers on the demo data, driven by wrk on 127.0.0.1.

For each target: requests per second, p50/p99 latency, the workers' CPU time per
request (core-ms) and the bytes on the wire with and without compression. The
targets are two baselines and what they are the baselines for:

- a fixed 10 KB page (same middleware, no database, no template): the floor for a
  page answered from the page cache; the session page, its .ics file and the
  event's schedule.json are measured from the cache;
- a minimal agenda page (eventsite/bench_urls.py: three queries, a small template
  of its own): the floor for the session page rendered with the cache off; the
  session page and a 500-slot session are measured rendered;

plus a static CSS file. Then the ratios issue 20 checks, the session page's weight
on the wire, and how long an organiser waits to open and to save a session's admin
page with 20, 100 and 300 slots (scripts/admin_timing.py).

Where the machine has two cores or more and taskset exists, gunicorn runs on one
core and wrk on another, so wrk takes no time from the workers and their core is
saturated. Core-ms is measured, pinned or not, from the workers' CPU time
(/proc/<pid>/stat: utime + stime of the workers, plus those of workers that exited)
before and after the run, divided by the requests wrk counted; without /proc it is
1000 / req/s when pinned (one core saturated), else not given.

Run with `make bench` (which installs wrk from Debian's packages if missing);
BENCH_SECONDS (10) and BENCH_CONNECTIONS (2) change the run. Everything lives in a
temporary folder; the site's own data/ is not touched.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import admin_timing
from siteserver import DEMO, fetch, prepare, serve, status, workdir

DURATION = os.environ.get("BENCH_SECONDS", "10")
# One request in flight per worker: latency is the page's own time, not time spent
# queued behind another request; throughput is what two workers can serve.
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "2")
EVENT = "/events/engaging-civil-society-cybercrime/"
LARGE = EVENT + "long-agenda/"
MINIMAL = "/bench/agenda/" + DEMO.removeprefix("/events/")
# Workers are not recycled during the benchmark (gunicorn.conf.py recycles them every
# 50,000 requests or so): a new worker's start-up would count as the pages' CPU time.
OPTIONS = ("--max-requests", "0")
PROC = Path("/proc")

# (key, what, cache on, path); the ratios below name the keys.
TARGETS = [
    ("fixed", "fixed 10 KB page (baseline for a cache hit)", True, "/bench/fixed/"),
    ("cached", "session page, from the page cache", True, DEMO),
    ("ics", "session .ics, from the page cache", True, DEMO.rstrip("/") + ".ics"),
    ("json", "event schedule.json, from the page cache", True, EVENT + "schedule.json"),
    # What a room of devices polls while the meeting runs (300 every 5 s: 60 a second).
    ("live", "session live.json (live run, per-minute cache)", True, DEMO + "live.json"),
    ("minimal", "minimal 3-query agenda (baseline for rendered)", False, MINIMAL),
    ("rendered", "session page, rendered (cache off)", False, DEMO),
    ("large", "500-slot session, rendered (cache off)", False, LARGE),
    ("css", "static CSS file", True, None),
]
# (what, measured, its baseline, lowest req/s ratio)
RATIOS = [
    ("session page from the page cache / fixed 10 KB page", "cached", "fixed", 0.9),
    ("session page rendered / minimal 3-query agenda", "rendered", "minimal", 0.8),
]


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench`, or apt-get install wrk")
    server_cpu, wrk_cpu, pinning = cores()
    with workdir() as work:
        env = prepare(
            work, ["load_large_session", "--slots", "500"], *admin_timing.setup_commands(work)
        )
        env["ROOT_URLCONF"] = "eventsite.bench_urls"
        uncached = env | {"CACHE_URL": "dummycache://"}
        with (
            serve(env, port=8701, cpu=server_cpu, options=OPTIONS) as cached_server,
            serve(uncached, port=8702, cpu=server_cpu, options=OPTIONS) as uncached_server,
        ):
            css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', fetch(8701, DEMO))
            servers = {True: (8701, cached_server.pid), False: (8702, uncached_server.pid)}
            results = []
            for key, what, cache_on, path in TARGETS:
                port, pid = servers[cache_on]
                path = path or css.group(1)
                if status(port, path) != 200:
                    print(f"skipped: {what} ({path} does not answer 200)")
                    continue
                run = measure(port, path, pid, wrk_cpu, pinned=server_cpu is not None)
                results.append({"key": key, "what": what, "path": path, **run})
                results[-1]["wire"] = on_the_wire(port, path)
            weight = page_weight(8701, DEMO)
        admin = admin_timing.admin_times(env, work, port=8703)
    report(results, pinning)
    print("\nSession page weight, as a browser asking for brotli receives it:\n")
    print("| resource | bytes |\n|---|---:|")
    for path, size in weight:
        print(f"| {path} | {size:,} |")
    print(f"| total | {sum(size for _, size in weight):,} |")
    admin_timing.report(admin)


def cores():
    """(core for gunicorn, core for wrk, a sentence saying so); no cores when there
    is one only or no taskset: then wrk and the workers share the machine."""
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not shutil.which("taskset"):
        return None, None, "not pinned (no taskset): wrk shares the cores with the workers"
    if len(allowed) < 2:
        return None, None, "not pinned (one core): wrk shares the core with the workers"
    server, client = allowed[:2]
    return server, client, f"gunicorn pinned to core {server}, wrk to core {client} (taskset)"


def page_weight(port, path):
    """Bytes on the wire for the page and everything it loads (stylesheets, scripts, images)."""
    html = fetch(port, path)
    assets = re.findall(r'<(?:link rel="stylesheet"|script|img)[^>]+(?:href|src)="(/[^"]+)"', html)
    weights = []
    for asset in [path, *assets]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{asset}", headers={"Accept-Encoding": "br, gzip"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            weights.append((asset, len(response.read())))
    return weights


def on_the_wire(port, path):
    """{Accept-Encoding asked: (Content-Encoding answered, body bytes as sent)}."""
    wire = {}
    for accept in ("br, gzip", "identity"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path, headers={"Accept-Encoding": accept})
            response = connection.getresponse()
            body = response.read()  # http.client never decodes: these are the bytes sent
            wire[accept] = (response.getheader("Content-Encoding") or "none", len(body))
        finally:
            connection.close()
    return wire


def wrk(cpu, *arguments):
    pinned = [] if cpu is None else ["taskset", "-c", str(cpu)]
    return subprocess.run(
        [*pinned, "wrk", "-t1", *arguments], check=True, capture_output=True, text=True
    ).stdout


def measure(port, path, server_pid, wrk_cpu, *, pinned):
    url = f"http://127.0.0.1:{port}{path}"
    # Warm up: the first request fills the cache and the workers' imports.
    wrk(wrk_cpu, "-c2", "-d2s", url)
    before = workers_cpu_seconds(server_pid)
    out = wrk(wrk_cpu, f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url)
    after = workers_cpu_seconds(server_pid)
    if "Non-2xx" in out:
        sys.exit(f"{path} answered with errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    if before is not None and after is not None:
        core_ms = (after - before) * 1000 / requests
    else:
        core_ms = 1000 / rps if pinned else None
    return {
        "rps": rps,
        "p50": latency(out, "50%"),
        "p99": latency(out, "99%"),
        "core_ms": core_ms,
    }


def workers_cpu_seconds(master):
    """CPU seconds (user + system) used so far by gunicorn `master`'s workers: those
    running, and those that exited (the master has waited for them, so their time
    is in its cutime and cstime). None without /proc."""
    try:
        ticks = sum(_stat(master)[13:15])  # cutime, cstime
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                try:
                    fields = _stat(entry.name)
                except (FileNotFoundError, ProcessLookupError):
                    continue  # exited meanwhile
                if fields[1] == master:  # ppid
                    ticks += fields[11] + fields[12]  # utime, stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """Fields of /proc/<pid>/stat from the third (state) on, numbers as ints. The
    second field, the command in brackets, may hold spaces: split after it."""
    text = (PROC / str(pid) / "stat").read_text()
    return [
        int(field) if field.lstrip("-").isdigit() else field
        for field in text.rpartition(")")[2].split()
    ]


def latency(out, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def report(results, pinning):
    if PROC.is_dir():
        measured_by = "the workers' CPU time (/proc utime + stime) / requests served"
    elif "pinned to" in pinning:
        measured_by = "1000 / req/s (no /proc: one core, saturated)"
    else:
        measured_by = "not measured (no /proc, not pinned)"
    print(
        f"\ngunicorn 2 workers, wrk 1 thread {CONNECTIONS} connections {DURATION}s, 127.0.0.1; "
        f"{pinning}; core-ms = {measured_by}\n"
    )
    print(
        "| target | req/s | p50 ms | p99 ms | core-ms/req "
        "| br, gzip asked: bytes (encoding) | identity: bytes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        core_ms = "n/a" if r["core_ms"] is None else f"{r['core_ms']:.2f}"
        encoding, compressed = r["wire"]["br, gzip"]
        _, identity = r["wire"]["identity"]
        print(
            f"| {r['what']} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {core_ms} "
            f"| {compressed:,} ({encoding}) | {identity:,} |"
        )
    by_key = {r["key"]: r for r in results}
    print("\n| ratio | req/s | target | core-ms | target |\n|---|---:|---:|---:|---:|")
    for what, measured, baseline, lowest in RATIOS:
        if measured not in by_key or baseline not in by_key:
            continue
        m, b = by_key[measured], by_key[baseline]
        rps_ratio = m["rps"] / b["rps"]
        row = f"| {what} | {rps_ratio:.2f} | ≥ {lowest} {verdict(rps_ratio >= lowest)} |"
        if m["core_ms"] and b["core_ms"]:
            cost_ratio = m["core_ms"] / b["core_ms"]
            highest = 1 / lowest
            row += f" {cost_ratio:.2f} | ≤ {highest:.2f} {verdict(cost_ratio <= highest)} |"
        else:
            row += " n/a | |"
        print(row)
    for key in ("cached", "rendered"):
        if key in by_key:
            encoding = by_key[key]["wire"]["br, gzip"][0]
            compressed = encoding != "none"
            print(
                f"\nHTML on the wire compressed ({by_key[key]['what']}, asked for br, gzip): "
                f"{'yes, ' + encoding if compressed else 'no'}"
            )


def verdict(met):
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
