"""Benchmark: gunicorn with 2 workers on the demo data, driven by wrk on 127.0.0.1.

Reports requests per second and p50/p99 latency for the session page (cached and
with the cache off), a 500-slot session with the cache off, a fixed 10 KB page
(the baseline: same middleware, no database), a static CSS file, and the .ics
file when the site has one; then each one's throughput as a share of the baseline.

Run with `make bench` (which installs wrk from Debian's packages if missing).
Everything lives in a temporary folder; the site's own data/ is not touched.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DURATION = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "4")
DEMO = "/events/engaging-civil-society-cybercrime/international-cooperation-against-cybercrime/"
LARGE = "/events/engaging-civil-society-cybercrime/long-agenda/"


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench`, or apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="eventsite-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "ROOT_URLCONF": "eventsite.bench_urls",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    manage = [PYTHON, "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo", "-v0"],
        ["load_large_session", "--slots", "500"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    cached = serve(env | {"CACHE_URL": f"filecache://{work / 'cache'}"}, port=8701)
    uncached = serve(env | {"CACHE_URL": "dummycache://"}, port=8702)
    try:
        css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', fetch(8701, DEMO)).group(1)
        targets = [
            ("fixed 10 KB page (baseline)", 8701, "/bench/fixed/"),
            ("session page, cached", 8701, DEMO),
            ("session page, cache off", 8702, DEMO),
            ("500-slot session, cache off", 8702, LARGE),
            ("static CSS file", 8701, css),
        ]
        ics = DEMO.rstrip("/") + ".ics"
        if status(8701, ics) == 200:
            targets.append(("session .ics, cached", 8701, ics))
        results = [(name, path, *measure(port, path)) for name, port, path in targets]
    finally:
        for server in (cached, uncached):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    report(results)


def serve(env, port):
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "eventsite.wsgi"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        if status(port, "/bench/fixed/") == 200:
            return server
        time.sleep(0.1)
    server.kill()
    sys.exit(f"gunicorn on port {port} did not start")


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.read().decode()


def status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


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
