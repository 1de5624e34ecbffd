"""Benchmark: gunicorn with 2 workers on the demo data, driven by wrk on 127.0.0.1.

Reports requests per second and p50/p99 latency for the session page (cached and
with the cache off), a 500-slot session with the cache off, a fixed 10 KB page
(the baseline: same middleware, no database), a static CSS file, and the .ics
file when the site has one; then each one's throughput as a share of the baseline;
then how long an organiser waits to open and to save a session's admin page with
20, 100 and 300 slots (scripts/admin_timing.py).

Run with `make bench` (which installs wrk from Debian's packages if missing).
Everything lives in a temporary folder; the site's own data/ is not touched.
"""

import os
import re
import shutil
import subprocess
import sys
import urllib.request

import admin_timing
from siteserver import DEMO, fetch, prepare, serve, status, workdir

DURATION = os.environ.get("BENCH_SECONDS", "10")
# One request in flight per worker: latency is the page's own time, not time spent
# queued behind another request; throughput is what two workers can serve.
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "2")
LARGE = "/events/engaging-civil-society-cybercrime/long-agenda/"


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench`, or apt-get install wrk")
    with workdir() as work:
        env = prepare(
            work, ["load_large_session", "--slots", "500"], *admin_timing.setup_commands(work)
        )
        env["ROOT_URLCONF"] = "eventsite.bench_urls"
        uncached = env | {"CACHE_URL": "dummycache://"}
        with serve(env, port=8701), serve(uncached, port=8702):
            css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', fetch(8701, DEMO))
            targets = [
                ("fixed 10 KB page (baseline)", 8701, "/bench/fixed/"),
                ("session page, cached", 8701, DEMO),
                ("session page, cache off", 8702, DEMO),
                ("500-slot session, cache off", 8702, LARGE),
                ("static CSS file", 8701, css.group(1)),
                ("session .ics, cached", 8701, DEMO.rstrip("/") + ".ics"),
            ]
            results = [
                (name, path, *measure(port, path))
                for name, port, path in targets
                if status(port, path) == 200
            ]
            weight = page_weight(8701, DEMO)
        admin = admin_timing.admin_times(env, work, port=8703)
    report(results)
    print("\nSession page weight, as a browser asking for brotli receives it:\n")
    print("| resource | bytes |\n|---|---:|")
    for path, size in weight:
        print(f"| {path} | {size:,} |")
    print(f"| total | {sum(size for _, size in weight):,} |")
    admin_timing.report(admin)


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


def measure(port, path):
    url = f"http://127.0.0.1:{port}{path}"
    # Warm up: the first request fills the cache and the workers' imports.
    subprocess.run(["wrk", "-t1", "-c2", "-d2s", url], check=True, capture_output=True)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        sys.exit(f"{path} answered with errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, latency(out, "50%"), latency(out, "99%")


def latency(out, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def report(results):
    baseline = results[0][2]
    print(f"\ngunicorn 2 workers, wrk 1 thread {CONNECTIONS} connections {DURATION}s, 127.0.0.1\n")
    print("| target | req/s | p50 ms | p99 ms | vs baseline |")
    print("|---|---:|---:|---:|---:|")
    for name, _path, rps, p50, p99 in results:
        print(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {rps / baseline:.2f} |")


if __name__ == "__main__":
    main()
