"""Fault test: readers and an organiser while Redis stops and the database is blocked.

gunicorn (4 workers) serves a throwaway copy of the site with the demo event,
with a private redis-server as CACHE_URL. Reader threads fetch the session page,
a prober asks /healthz/ready twice a second, and an organiser saves the session
through the admin once a second (every slot title carrying a new version
number, as make load-test does). Meanwhile the script:

1. stops Redis for REDIS_DOWN seconds (SHUTDOWN SAVE, then starts it again from
   its dump: the old content version and the old pages come back, the hard case
   for a page cache);
2. blocks the database for DB_DOWN seconds. PostgreSQL (DATABASE_URL set): the
   site reaches it through a TCP proxy in this script, which cuts every open
   connection and refuses new ones. SQLite: the script holds an exclusive lock
   (BEGIN EXCLUSIVE): in WAL mode readers carry on and writers wait for the lock
   (the busy timeout is 20 s), so saves are delayed rather than refused.

One more reader sends a session cookie, as a logged-in visitor would, so the
page cache never answers it: its reads show what a page that needs the database
does meanwhile. It reports reads, 5xx by status and phase, 503s, edits saved and refused, pages
mixing two versions, and stale pages: a page showing an older agenda than the
last save that had completed before the read began. It fails (exit 1) on any
500 (or other 5xx than 503), any mixed page, and any stale page.

    make fault-test                        # SQLite, the embedded default
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_faults make fault-test
"""

import contextlib
import http.client
import os
import re
import selectors
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import load_and_edit
from load_and_edit import AGENDA_TITLE, Organiser, agenda_version
from siteserver import DEMO, prepare, serve, workdir

PORT = int(os.environ.get("FAULT_PORT", "8713"))
READERS = int(os.environ.get("FAULT_READERS", "8"))
REDIS_DOWN = float(os.environ.get("FAULT_REDIS_SECONDS", "10"))
DB_DOWN = float(os.environ.get("FAULT_DB_SECONDS", "10"))
CALM = 5.0  # seconds of normal service before, between and after the faults
# (phase name, seconds): what the readers and the organiser live through, in order.
PHASES = [
    ("before", CALM),
    ("redis stopped", REDIS_DOWN),
    ("redis back", CALM),
    ("database blocked", DB_DOWN),
    ("database back", CALM),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A private redis-server on a free port; stop() saves its data, start() reloads it."""

    def __init__(self, folder):
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is missing: scripts/apt-install redis-server")
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(self.folder),
             "--dbfilename", "dump.rdb", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            if self.command(b"PING") == b"+PONG":
                return
            time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self):
        """SHUTDOWN SAVE: the data goes to disk, to come back with start()."""
        self.command(b"SHUTDOWN SAVE")
        self.process.wait(timeout=10)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def command(self, command):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(command + b"\r\n")
                return s.recv(64).strip()
        except OSError:
            return None


class Proxy:
    """A TCP proxy to the database that this script can cut: block() closes every
    open connection and refuses new ones until unblock()."""

    def __init__(self, target):
        self.target, self.blocked, self.lock = target, False, threading.Lock()
        self.pairs = set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.blocked:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.add((client, server))
            threading.Thread(target=self.pump, args=(client, server), daemon=True).start()

    def pump(self, client, server):
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            pass
        finally:
            selector.close()
            self.close(client, server)

    def close(self, client, server):
        with self.lock:
            self.pairs.discard((client, server))
        for end in (client, server):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def block(self):
        self.blocked = True
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            self.close(*pair)

    def unblock(self):
        self.blocked = False


class SqliteLock:
    """Holds BEGIN EXCLUSIVE on the site's SQLite file."""

    def __init__(self, path):
        self.path, self.connection = path, None

    def block(self):
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.connection.execute("BEGIN EXCLUSIVE")

    def unblock(self):
        self.connection.execute("ROLLBACK")
        self.connection.close()


class Clock:
    """The current phase, and the last agenda version whose save had completed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = PHASES[0][0]
        self.saved = 0

    def snapshot(self):
        with self.lock:
            return self.phase, self.saved


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_phase = {name: {} for name, _ in PHASES}
        self.ready = {name: {} for name, _ in PHASES}

    def count(self, phase, what, table=None):
        with self.lock:
            counts = (table or self.by_phase)[phase]
            counts[what] = counts.get(what, 0) + 1

    def total(self, what):
        return sum(counts.get(what, 0) for counts in self.by_phase.values())


def reader(clock, tally, stop, uncached=False):
    """Reads the session page; `uncached` with a session cookie, as a logged-in
    visitor, so the page cache never answers and every read needs the database."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Cookie": "sessionid=none"} if uncached else {}
    prefix = "uncached " if uncached else ""
    while not stop.is_set():
        _, saved = clock.snapshot()  # the last save completed before this read began
        try:
            connection.request("GET", DEMO, headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
        except OSError:
            phase, _ = clock.snapshot()
            tally.count(phase, "connection errors")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            time.sleep(0.05)
            continue
        phase, _ = clock.snapshot()  # answers count in the phase they arrived in
        tally.count(phase, f"{prefix}reads")
        if response.status >= 500:
            tally.count(phase, f"{prefix}{response.status}")
            if response.status == 503 and not response.getheader("Retry-After"):
                tally.count(phase, "503 without Retry-After")
            time.sleep(0.05)
            continue
        versions = {agenda_version(title) for title in AGENDA_TITLE.findall(body)}
        if len(versions) != 1:
            tally.count(phase, "mixed pages")
        elif max(versions) < saved:
            tally.count(phase, "stale pages")


def prober(clock, tally, stop):
    while not stop.is_set():
        phase, _ = clock.snapshot()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        try:
            connection.request("GET", "/healthz/ready")
            response = connection.getresponse()
            body = response.read().decode()
            status = re.search(r'"status": "(\w+)"', body)
            tally.count(phase, f"{response.status} {status[1] if status else ''}", tally.ready)
        except OSError:
            tally.count(phase, "no answer", tally.ready)
        finally:
            connection.close()
        time.sleep(0.5)


class PatientOrganiser(Organiser):
    """The load test's organiser, who waits for a slow save instead of giving up
    after 10 s, and sees a 503 as an answer."""

    def __init__(self, username, password):
        super().__init__(username, password, timeout=60)


def organiser_loop(organiser, clock, tally, stop):
    version = 0
    while not stop.is_set():
        tick = time.monotonic()
        version += 1
        try:
            organiser.save_version(version)
        except urllib.error.HTTPError as error:
            phase, _ = clock.snapshot()
            tally.count(phase, f"edits refused ({error.code})")
            organiser.next_form = None  # open the form afresh next time
        except (OSError, http.client.HTTPException):
            phase, _ = clock.snapshot()
            tally.count(phase, "edits without an answer")
            organiser.next_form = None
        except SystemExit as refusal:  # the admin refused the form (a conflict)
            phase, _ = clock.snapshot()
            tally.count(phase, "edits refused by the form")
            print(f"  {phase}: {refusal}", file=sys.stderr)
            organiser.next_form = None
        else:
            phase, _ = clock.snapshot()
            tally.count(phase, "edits saved")
            with clock.lock:
                clock.saved = version
        time.sleep(max(0.0, 1 - (time.monotonic() - tick)))


def site_database(env, work):
    """The URL the site uses and the switch that blocks it."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        return url, SqliteLock(str(work / "db.sqlite3"))
    parts = urlsplit(url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    proxied = urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) > 1 else host))
    return proxied, proxy


def create_database(url):
    """Create DATABASE_URL's PostgreSQL database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main():
    load_and_edit.PORT = PORT  # the organiser's address
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        create_database(os.environ["DATABASE_URL"])
    with workdir() as work, tempfile.TemporaryDirectory(prefix="eventsite-redis-") as folder:
        redis = Redis(Path(folder))
        redis.start()
        try:
            os.environ["CACHE_URL"] = f"redis://127.0.0.1:{redis.port}/0"
            password_file = work / "organiser-password"
            env = prepare(work, ["ensure_organiser", "--password-file", str(password_file)])
            env["DATABASE_URL"], database = site_database(env, work)
            with serve(env, PORT, workers=4):
                run(redis, database, password_file.read_text().strip())
        finally:
            redis.kill()


def run(redis, database, password):
    organiser = PatientOrganiser("organiser", password)
    clock, tally, stop = Clock(), Tally(), threading.Event()
    threads = [threading.Thread(target=reader, args=(clock, tally, stop)) for _ in range(READERS)]
    threads.append(threading.Thread(target=reader, args=(clock, tally, stop, True)))
    threads.append(threading.Thread(target=prober, args=(clock, tally, stop)))
    threads.append(threading.Thread(target=organiser_loop, args=(organiser, clock, tally, stop)))
    for thread in threads:
        thread.start()
    actions = {
        "redis stopped": redis.stop,
        "redis back": redis.start,
        "database blocked": database.block,
        "database back": database.unblock,
    }
    try:
        for name, seconds in PHASES:
            with clock.lock:  # what happens from here on counts in this phase
                clock.phase = name
            if name in actions:
                actions[name]()
            print(f"{time.strftime('%H:%M:%S')} {name} ({seconds:.0f} s)", file=sys.stderr)
            time.sleep(seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    report(tally)
    server_errors = sum(
        count
        for counts in tally.by_phase.values()
        for what, count in counts.items()
        if what.split()[-1].isdigit() and what.split()[-1] != "503"
    )
    failed = (
        server_errors
        or tally.total("mixed pages")
        or tally.total("stale pages")
        or tally.total("503 without Retry-After")
        or not tally.total("edits saved")
    )
    print("FAILED" if failed else "passed")
    sys.exit(1 if failed else 0)


def report(tally):
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    print(
        f"fault test: gunicorn 4 workers, {READERS} readers, {database}, private Redis; "
        f"Redis stopped {REDIS_DOWN:.0f} s, database blocked {DB_DOWN:.0f} s"
    )
    order = [
        "reads", "503", "500", "502", "504", "uncached reads", "uncached 503", "uncached 500",
        "503 without Retry-After", "connection errors",
        "mixed pages", "stale pages", "edits saved", "edits refused (503)",
        "edits refused by the form", "edits without an answer",
    ]  # fmt: skip
    for name, _ in PHASES:
        counts = tally.by_phase[name]
        known = [f"{what} {counts[what]}" for what in order if counts.get(what)]
        other = [f"{what} {count}" for what, count in counts.items() if what not in order]
        ready = ", ".join(f"{what} x{count}" for what, count in sorted(tally.ready[name].items()))
        print(f"  {name:<17} " + ", ".join(known + other) + f"; /healthz/ready: {ready}")
    five_xx = {
        what: sum(c.get(what, 0) for c in tally.by_phase.values())
        for what in {w for c in tally.by_phase.values() for w in c if w.split()[-1].isdigit()}
    }
    print(
        f"total: reads {tally.total('reads')}, 5xx {five_xx or 0}, "
        f"edits saved {tally.total('edits saved')}, "
        f"mixed pages {tally.total('mixed pages')}, stale pages {tally.total('stale pages')}, "
        f"connection errors {tally.total('connection errors')}"
    )


if __name__ == "__main__":
    main()
