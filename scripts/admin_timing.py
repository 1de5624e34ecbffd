"""Open and save times of a session's admin change page with 20, 100 and 300 slots.

An organiser logs in through the admin's login form; each session's change page is
opened (GET) and then saved unchanged (the form's own fields POSTed back, as the
browser sends them, with "Save and continue editing"), through gunicorn on
127.0.0.1. Part of `make bench` (scripts/benchmark.py); runs alone with
`.venv/bin/python scripts/admin_timing.py`. Timings only: no test asserts them.
"""

import json
import re
import statistics
import subprocess
import sys
import time

from adminclient import AdminClient, form_fields
from siteserver import PYTHON, ROOT, prepare, serve, workdir

SIZES = (20, 100, 300)
ROUNDS = 5


def setup_commands(work):
    """manage.py commands that make the sessions and the organiser login."""
    return [
        *(["load_large_session", "--slots", str(n), "--slug", f"admin-{n}"] for n in SIZES),
        ["ensure_organiser", "--password-file", str(work / "organiser-password")],
    ]


def change_form_fields(html):
    form = re.search(r'<form [^>]*id="session_form".*?</form>', html, re.S).group(0)
    return form_fields(form)


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
        organiser = AdminClient(f"http://127.0.0.1:{port}", "organiser", password, timeout=120)
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
