"""CPU time and queries of the public pages rendered without the page cache.

Loads the demo (dated, taking requests) and a 500-slot session into a throwaway
SQLite database, then renders each page in this process through Django's test
client with `CACHE_URL=dummycache://` and reports, per page, the CPU time of one
request (time.process_time, median of rounds) and its SQL queries. With
`--profile PAGE` it runs that page under cProfile and prints where the time went;
with `--html DIR` it writes each page's HTML there, to compare two versions of
the code byte for byte.

    .venv/bin/python scripts/profile_pages.py [--requests 200] [--profile session]
        [--html DIR]

The test client skips the WSGI server and the network, so its figures are below
gunicorn's, but they move together.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from siteserver import DEMO, OPEN_REQUESTS, prepare, workdir

PAGES = {
    # eventsite/bench_urls.py: a fixed 10 KB page through the same middleware, no
    # database: what any page costs before its view and template.
    "baseline": "/bench/fixed/",
    # the minimal 3-query agenda of the same session: the floor for a rendered page.
    "minimal": "/bench/agenda/" + DEMO.removeprefix("/events/"),
    "session": DEMO,
    "large": "/events/engaging-civil-society-cybercrime/long-agenda/",
    "event": "/events/engaging-civil-society-cybercrime/",
    "home": "/",
    "speaker": "/speakers/nnenna-ifeanyi-ajufo/",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per page (500-slot: a tenth)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--profile", choices=PAGES, help="run this page under cProfile")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    parser.add_argument("--html", type=Path, help="write each page's HTML to this folder")
    parser.add_argument("--save", type=Path, help="write the profile here (pstats format)")
    args = parser.parse_args()

    with workdir() as work:
        env = prepare(
            work, ["load_large_session", "--slots", "500"], ["shell", "-c", OPEN_REQUESTS]
        )
        os.environ.update(env | {"CACHE_URL": "dummycache://", "SITE_URL": "http://127.0.0.1"})
        os.environ["ROOT_URLCONF"] = "eventsite.bench_urls"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventsite.settings")
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(SERVER_NAME="127.0.0.1")
        print("| page | queries | CPU ms per request |\n|---|---:|---:|")
        for name in args.pages:
            path = PAGES[name]
            count = args.requests // 10 if name == "large" else args.requests
            response = client.get(path)  # warm up: templates, URL resolver, zone data
            assert response.status_code == 200, (path, response.status_code)
            if args.html:
                args.html.mkdir(parents=True, exist_ok=True)
                (args.html / f"{name}.html").write_bytes(response.content)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            query_count = len(queries)  # read now: the next request empties the log
            rounds = []
            for _ in range(5):
                started = time.process_time()
                for _ in range(max(count // 5, 1)):
                    client.get(path)
                rounds.append((time.process_time() - started) / max(count // 5, 1))
            ms = statistics.median(rounds) * 1000
            print(f"| {name} ({path}) | {query_count} | {ms:.2f} |")
        if args.profile:
            path = PAGES[args.profile]
            count = args.requests // 10 if args.profile == "large" else args.requests
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(count):
                client.get(path)
            profiler.disable()
            if args.save:
                profiler.dump_stats(args.save)
            print(f"\ncProfile, {count} requests of {path}:\n")
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top * 2)


if __name__ == "__main__":
    main()
