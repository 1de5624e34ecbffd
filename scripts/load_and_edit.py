"""Load and edit: many readers of the session page while an organiser saves every second.

gunicorn (4 workers) serves a throwaway copy of the site with the demo event.
Reader threads fetch the session page for DURATION seconds; meanwhile an organiser
logs into the admin and, once a second, opens the session's change form and saves
it with every slot title carrying a new version number, exactly as a browser
would post it (all fields, both inline formsets).

Every fifth edit is a revert instead: the organiser opens the session's history
and reverts to the version before, as simple-history's "Revert" form posts it.
Meanwhile a prober sends what a penetration test would: the page through the
proxy's `X-Forwarded-Proto: https`, Host spellings (case, trailing dot, port,
hosts not served), sitemap page numbers written every way, odd query strings.

Once, in the middle of the run, BURST visitors post the request-for-a-place form
at the same moment from one address (each with an email of their own): exactly
the limit per address (10 an hour) may be taken, whichever gunicorn worker
answers, and the rest refused with 429.

Each page read must show a whole agenda: every slot title with the same version,
old or new, never a mix, and links on the site's own address (SITE_URL), never a
scheme or host that a probe sent. The run fails (exit 1) on any 5xx, connection
error, mixed page or poisoned page, and prints its figures.

    make load-test                      # SQLite, the embedded default
    DATABASE_URL=postgres://... make load-test
"""

import http.client
import http.cookiejar
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

from adminclient import AdminClient
from siteserver import DEMO, OPEN_REQUESTS, prepare, request_form_data, serve, workdir

PORT = 8711
DURATION = float(os.environ.get("LOAD_SECONDS", "30"))
READERS = int(os.environ.get("LOAD_READERS", "16"))
BURST = 30
LIMIT_PER_ADDRESS = 10  # participants/ratelimit.py PER_CLIENT
VERSIONED = re.compile(r"^(?P<title>.*?) v(?P<version>\d+)$")
AGENDA_TITLE = re.compile(r'<h3 class="agenda-title">(.*?)(?:<span|</h3>)')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')
SITE = f"http://127.0.0.1:{PORT}"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.reads = self.server_errors = self.connection_errors = self.mixed = 0
        self.poisoned = self.probes = self.probe_server_errors = 0
        self.probe_statuses = {}
        self.versions_seen = set()
        self.latencies = []

    def add(self, **counts):
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def reader(tally, stop):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request("GET", DEMO)
            response = connection.getresponse()
            body = response.read().decode()
        except OSError:
            tally.add(connection_errors=1)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            continue
        elapsed = time.perf_counter() - started
        if response.status >= 500:
            tally.add(reads=1, server_errors=1)
            continue
        versions = {agenda_version(title) for title in AGENDA_TITLE.findall(body)}
        canonical = CANONICAL.search(body)
        with tally.lock:
            tally.reads += 1
            if not (canonical and canonical[1].startswith(SITE + "/")):
                tally.poisoned += 1
            tally.latencies.append(elapsed)
            tally.versions_seen.update(versions)
            if len(versions) != 1:
                tally.mixed += 1


# (method, path, extra headers): each answered with a page, a redirect, 400 or 404.
PROBES = [
    ("GET", DEMO, {"X-Forwarded-Proto": "https"}),
    ("GET", DEMO, {"Host": "127.0.0.1."}),
    ("GET", DEMO, {"Host": "127.0.0.1:80"}),
    ("GET", DEMO, {"Host": "127.0.0.1:8443", "X-Forwarded-Proto": "https"}),
    ("GET", DEMO, {"Host": "evil.example"}),
    ("GET", DEMO, {"Host": "EVIL.example:99999"}),
    ("GET", DEMO + "?utm_source=x&p=1", {}),
    ("GET", DEMO + "?%ff%fe=%00", {}),
    ("GET", "/sitemap.xml?p=01", {}),
    ("GET", "/sitemap.xml?p=001", {}),
    ("GET", "/sitemap.xml?p=-1", {}),
    ("GET", "/sitemap.xml?p=1e3", {}),
    ("GET", "/sitemap.xml?p=%EF%BC%91", {}),
    ("GET", "/events/engaging-civil-society-cybercrime/calendar.ics", {"Host": "127.0.0.1."}),
    ("HEAD", DEMO, {"X-Forwarded-Host": "evil.example"}),
]


def prober(tally, stop):
    """Sends PROBES round and round; counts their answers and any 5xx."""
    connection, turn = None, 0
    while not stop.is_set():
        method, path, headers = PROBES[turn % len(PROBES)]
        turn += 1
        connection = connection or http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            response.read()
        except OSError:
            tally.add(connection_errors=1)
            connection.close()
            connection = None
            continue
        with tally.lock:
            tally.probes += 1
            tally.probe_statuses[response.status] = tally.probe_statuses.get(response.status, 0) + 1
            if response.status >= 500:
                tally.probe_server_errors += 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = None
        time.sleep(0.01)


def request_burst():
    """BURST posts of the request form at once from one address: {status: count}."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form_url = f"{SITE}{DEMO}request/"
    with opener.open(form_url, timeout=10) as response:
        page = response.read().decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    barrier, statuses, lock = threading.Barrier(BURST), {}, threading.Lock()

    def post(number):
        body = urllib.parse.urlencode(request_form_data(page, number))
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": form_url,
        }
        barrier.wait()
        connection.request("POST", f"{DEMO}request/", body, headers)
        status = connection.getresponse().status
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=post, args=(number,)) for number in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def agenda_version(title):
    match = VERSIONED.match(title)
    return int(match["version"]) if match else 0


class Organiser(AdminClient):
    def __init__(self, username, password, timeout=10):
        super().__init__(f"http://127.0.0.1:{PORT}", username, password, timeout)
        self.change_url = self.find_session_change_url()
        self.next_form = None

    def find_session_change_url(self):
        listing = self.get("/admin/agenda/session/?q=International+Cooperation")
        return re.search(r'href="(/admin/agenda/session/\d+/change/)', listing).group(1)

    def revert_to_previous(self):
        """Revert the session to the version before its latest, from its history page."""
        history = self.get(self.change_url.replace("/change/", "/history/"))
        versions = re.findall(r'href="(/admin/agenda/session/\d+/history/\d+/)"', history)
        if len(versions) < 2:
            return False
        _, body = self.post(versions[1], [*self.form(versions[1]), ("_continue", "Save")])
        if "errornote" in body:
            raise SystemExit(
                f"the admin refused a revert: {re.findall(r'errorlist[^>]*>(.*?)</', body)}"
            )
        self.next_form = None  # the revert saved a new version: open the form afresh
        return True

    def save_version(self, version):
        """Save the form as last shown; "Save and continue" shows it again for the next edit."""
        if self.next_form is None:
            self.next_form = self.form(self.change_url)
        fields = []
        for name, value in self.next_form:
            if re.fullmatch(r"slots-\d+-title", name) and value:
                match = VERSIONED.match(value)
                value = f"{match['title'] if match else value} v{version}"
            fields.append((name, value))
        fields.append(("_continue", "Save and continue editing"))
        _, body = self.post(self.change_url, fields)
        self.next_form = self.form(html=body)
        if "errornote" in body:
            raise SystemExit(
                f"the admin refused edit {version}: {re.findall(r'errorlist[^>]*>(.*?)</', body)}"
            )


def main():
    with workdir() as work:
        password_file = work / "organiser-password"
        env = prepare(
            work,
            ["ensure_organiser", "--password-file", str(password_file)],
            ["shell", "-c", OPEN_REQUESTS],
        )
        with serve(env, PORT, workers=4):
            organiser = Organiser("organiser", password_file.read_text().strip())
            tally, stop = Tally(), threading.Event()
            threads = [threading.Thread(target=reader, args=(tally, stop)) for _ in range(READERS)]
            threads.append(threading.Thread(target=prober, args=(tally, stop)))
            for thread in threads:
                thread.start()
            edits = reverts = 0
            burst = None
            started = time.monotonic()
            while time.monotonic() - started < DURATION:
                tick = time.monotonic()
                if burst is None and tick - started > DURATION / 2:
                    burst = request_burst()
                if edits and edits % 5 == 0 and organiser.revert_to_previous():
                    reverts += 1
                edits += 1
                organiser.save_version(edits)
                time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
            stop.set()
            for thread in threads:
                thread.join()
    accepted = sum(count for status, count in burst.items() if status in (200, 302))
    report(tally, edits, reverts)
    print(
        f"request form, {BURST} posts at once from one address: {accepted} taken "
        f"(limit {LIMIT_PER_ADDRESS}), answered "
        + ", ".join(f"{status} x{count}" for status, count in sorted(burst.items()))
    )
    failed = (
        accepted != LIMIT_PER_ADDRESS
        or burst.get(429, 0) != BURST - LIMIT_PER_ADDRESS
        or tally.server_errors
        or tally.connection_errors
        or tally.mixed
        or tally.poisoned
        or tally.probe_server_errors
    )
    sys.exit(1 if failed else 0)


def report(tally, edits, reverts):
    latencies = sorted(tally.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    print(
        f"{DURATION:.0f} s, {READERS} readers, gunicorn 4 workers, "
        f"{os.environ.get('DATABASE_URL', 'SQLite').split(':')[0]}\n"
        f"edits saved through the admin: {edits}, reverts from the history: {reverts}\n"
        f"page reads: {tally.reads} ({tally.reads / DURATION:.0f}/s), "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms\n"
        f"agenda versions seen by readers: {len(tally.versions_seen)}\n"
        f"5xx: {tally.server_errors}, connection errors: {tally.connection_errors}, "
        f"pages mixing two versions: {tally.mixed}, "
        f"pages with links off the site's address: {tally.poisoned}\n"
        f"hostile probes: {tally.probes}, answered "
        + ", ".join(f"{status} x{count}" for status, count in sorted(tally.probe_statuses.items()))
        + f"; 5xx: {tally.probe_server_errors}"
    )


if __name__ == "__main__":
    main()
