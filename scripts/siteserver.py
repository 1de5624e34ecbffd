"""A throwaway copy of the site served by gunicorn, for the benchmark and the load test.

Everything lives in a temporary folder (SQLite database, static files, cache);
the checkout's own data/ is never touched.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO = "/events/engaging-civil-society-cybercrime/international-cooperation-against-cybercrime/"
# June next year: a date to come, so the session still takes requests for a place.
DEMO_DATE = date.today().replace(year=date.today().year + 1, month=6, day=1).isoformat()


# The demo session takes requests; a database kept from an earlier run starts with
# no requests and no rate-limit counts left over from it.
OPEN_REQUESTS = (
    "from participants.models import ParticipantRequest, RateLimitCounter, RequestSettings; "
    "from sessions.models import Session; "
    "session = Session.objects.get(slug='international-cooperation-against-cybercrime'); "
    "RequestSettings.objects.update_or_create(session=session, "
    "defaults={'requests_open': True, 'closes_on': None}); "
    "ParticipantRequest.objects.filter(session=session).delete(); "
    "RateLimitCounter.objects.all().delete()"
)


def request_form_data(page, number):
    """What visitor `number` sends from the demo session's request form `page`."""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    expertise = re.search(r'<select name="expertise".*?<option value="([^"]+)"', page, re.S)[1]
    return {
        "csrfmiddlewaretoken": token,
        "name": f"Visitor {number}",
        "email": f"visitor{number}@example.org",
        "organisation": "Independent",
        "expertise": expertise,
        "motivation": "To follow the discussion.",
        "consent": "on",
        "website": "",
    }


def prepare(work, *commands):
    """Environment of a production-like site in `work`, migrated, with the demo loaded
    (dated, so that it has a calendar file)."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}"),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "CACHE_URL": os.environ.get("CACHE_URL", f"filecache://{work / 'cache'}"),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",  # the request form's confirmations go nowhere
        "DJANGO_READ_DOT_ENV": "0",
    }
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo", "-v0", "--date", DEMO_DATE, "--time-zone", "Europe/London"],
        ["collectstatic", "--noinput", "-v0"],
        *commands,
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return env


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="eventsite-") as path:
        yield Path(path)


@contextmanager
def serve(env, port, workers=2, *, cpu=None, options=()):
    """gunicorn with the repository's configuration on 127.0.0.1:`port`; its master
    and workers run on core `cpu` alone when one is given (taskset), with extra
    command-line `options`."""
    # The site's own address: its links, and the only host whose pages are cached.
    env = {**env, "SITE_URL": f"http://127.0.0.1:{port}"}
    pinned = [] if cpu is None else ["taskset", "-c", str(cpu)]  # taskset execs: same pid
    server = subprocess.Popen(
        [*pinned, PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", *options, "eventsite.wsgi"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(150):
            if status(port, "/robots.txt") == 200:
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn on port {port} did not start")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


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
