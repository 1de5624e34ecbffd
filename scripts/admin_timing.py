"""Open and save times of a session's admin change page with 20, 100 and 300 slots.

An organiser logs in through the admin's login form; each session's change page is
opened (GET) and then saved unchanged (the form's own fields POSTed back, as the
browser sends them, with "Save and continue editing"), through gunicorn on
127.0.0.1. Part of `make bench` (scripts/benchmark.py); runs alone with
`.venv/bin/python scripts/admin_timing.py`. Timings only: no test asserts them.
"""

import http.cookiejar
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from siteserver import PYTHON, ROOT, prepare, serve, workdir

SIZES = (20, 100, 300)
ROUNDS = 5


def setup_commands(work):
    """manage.py commands that make the sessions and the organiser login."""
    return [
        *(["load_large_session", "--slots", str(n), "--slug", f"admin-{n}"] for n in SIZES),
        ["ensure_organiser", "--password-file", str(work / "organiser-password")],
    ]


class FormFields(HTMLParser):
    """The fields the change form sends: inputs, checked boxes, selected options,
    textareas; as (name, value) pairs in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            box = attrs.get("type") in ("checkbox", "radio")
            if box and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if box else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.fields.append((name, value.removeprefix("\n")))
            self._textarea = None


def change_form_fields(html):
    form = re.search(r'<form [^>]*id="session_form".*?</form>', html, re.S).group(0)
    parser = FormFields()
    parser.feed(form)
    return parser.fields


def session_ids(env):
    script = (
        "from sessions.models import Session; "
        "import json; print(json.dumps(dict("
        "Session.objects.filter(slug__startswith='admin-').values_list('slug', 'pk'))))"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


class Organiser:
    def __init__(self, port, username, password):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/admin/login/")
        self.post(
            "/admin/login/?next=/admin/",
            [("csrfmiddlewaretoken", self.token(page)), ("username", username),
             ("password", password), ("next", "/admin/")],
        )  # fmt: skip
        if "sessionid" not in {cookie.name for cookie in self.jar}:
            sys.exit("the organiser could not log in to the admin")

    @staticmethod
    def token(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path, fields):
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=120) as response:
            return response.geturl(), response.read().decode()


def timed(call):
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def measure(organiser, path):
    """(median open ms, median save ms, page bytes, fields posted) over ROUNDS."""
    opens, saves = [], []
    for _ in range(ROUNDS):
        open_ms, html = timed(lambda: organiser.get(path))
        opens.append(open_ms)
        fields = [*change_form_fields(html), ("_continue", "Save and continue editing")]
        save_ms, (landed, answer) = timed(lambda f=fields: organiser.post(path, f))
        if "was changed successfully" not in answer:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer, re.S)[:3]
            errors += re.findall(r'class="errornote"[^>]*>(.*?)</p>', answer, re.S)[:1]
            sys.exit(f"saving {path} failed: {errors or landed}")
        saves.append(save_ms)
    return statistics.median(opens), statistics.median(saves), len(html.encode()), len(fields)


def admin_times(env, work, port):
    password = (work / "organiser-password").read_text().strip()
    ids = session_ids(env)
    with serve(env, port=port):
        organiser = Organiser(port, "organiser", password)
        organiser.get(f"/admin/agenda/session/{ids['admin-20']}/change/")  # warm up
        return [(n, *measure(organiser, f"/admin/agenda/session/{ids[f'admin-{n}']}/change/"))
                for n in SIZES]  # fmt: skip


def report(rows):
    print(f"\nSession change page in the admin, gunicorn on 127.0.0.1, median of {ROUNDS}:\n")
    print("| slots | open ms | save ms | page KB | fields posted |")
    print("|---:|---:|---:|---:|---:|")
    for slots, open_ms, save_ms, size, fields in rows:
        print(f"| {slots} | {open_ms:,.0f} | {save_ms:,.0f} | {size / 1024:,.0f} | {fields:,} |")


def main():
    with workdir() as work:
        env = prepare(work, *setup_commands(work))
        report(admin_times(env, work, port=8703))


if __name__ == "__main__":
    main()
