"""Screenshots for the README: `make screenshots` writes them to docs/screenshots/.

The demo event (load_demo) on a throw-away SQLite database, served by gunicorn
as `make run` serves it, photographed in Debian's chromium through Playwright:

- session-phone.png    the session page at 390 x 844, the whole length
- session-desktop.png  the same at 1280 x 900
- event-phone.png      the event's landing page at 390 x 844, in the event's colour,
                       its people with initials (the demo copies no one's photo)
- event-desktop.png    the same at 1280 x 900
- run-of-show-print.png the run-of-show's first printed page: Chromium's PDF
                       (A4 landscape, as staff print it) rendered by pdftoppm

Nothing outside the machine is fetched; poppler-utils (pdftoppm) comes from apt
when it is missing.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
BIN = Path(sys.executable).parent
STAFF = "screenshots"
EVENT = "/events/engaging-civil-society-cybercrime/"
DEMO = EVENT + "international-cooperation-against-cybercrime/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args, stdin=None):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, check=True
    )


def set_up_site(env, password):
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    # Staff who may print the run-of-show, with a password for the real login form
    # (the admin's, LOGIN_URL, which lets in only is_staff users).
    manage(
        env,
        "shell",
        "--no-imports",
        "--command",
        "import sys\n"
        "from django.contrib.auth.models import Permission, User\n"
        f"user = User.objects.create_user({STAFF!r}, password=sys.stdin.read(), is_staff=True)\n"
        "user.user_permissions.add(Permission.objects.get(codename='view_runofshow'))\n",
        stdin=password,
    )


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def photograph(base_url, password, work):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, path, viewport in [
            ("session-phone", DEMO, {"width": 390, "height": 844}),
            ("session-desktop", DEMO, {"width": 1280, "height": 900}),
            ("event-phone", EVENT, {"width": 390, "height": 844}),
            ("event-desktop", EVENT, {"width": 1280, "height": 900}),
        ]:
            page = browser.new_page(viewport=viewport)
            page.goto(base_url + path)
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
            page.close()

        page = browser.new_page()
        page.goto(f"{base_url}/admin/login/?next={DEMO}run-of-show/")
        page.get_by_label("Username").fill(STAFF)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: urlsplit(url).path == f"{DEMO}run-of-show/")
        pdf = work / "run-of-show.pdf"
        page.pdf(path=pdf, format="A4", landscape=True, prefer_css_page_size=True)
        browser.close()

    # First page only, at 110 dpi: readable, and small enough to keep in git.
    target = OUT / "run-of-show-print"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf, target],
        check=True,
    )


def main():
    for tool, packages in [("chromium", ["chromium"]), ("pdftoppm", ["poppler-utils"])]:
        if shutil.which(tool) is None:
            subprocess.run([ROOT / "scripts" / "apt-install", *packages], check=True)
    OUT.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "eventsite.settings",
            "DEBUG": "off",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "CACHE_URL": "locmemcache://",
            "STATIC_ROOT": str(work / "static"),
            "EMAIL_URL": "consolemail://",
            "GUNICORN_ACCESS_LOG": "",
        }
        set_up_site(env, password)
        server = subprocess.Popen(
            [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "eventsite.wsgi"],
            cwd=ROOT,
            env=env,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_for(base_url + "/")
            photograph(base_url, password, work)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in sorted(OUT.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
