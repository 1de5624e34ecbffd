"""What a first visit on a phone downloads, and Lighthouse's four scores.

`make page-weight`: the demo event in its colour, its six people each with a photo
(made here: a face-like shape among hundreds of strokes, busier than a portrait,
so that its sizes weigh at least what a real photo's would: 3.4 KB as WebP at
96 pixels, where a flat colour would weigh 0.2 KB), served by gunicorn as `make
run` serves it, on a throw-away SQLite database.

1. Chromium (Debian's, through Playwright) opens the session page as a phone does
   (390 x 844 CSS pixels at 2.625 device pixels per CSS pixel, as Lighthouse's
   phone), with an empty cache; it counts the bytes of every response as they
   came over the connection (headers and compressed bodies), once the page has
   loaded and again after scrolling to its end (every lazy photo loaded). The
   target: under 60 KB for the whole, images included.
2. Lighthouse (npm, run by Node.js against the same Chromium) scores the event and
   the session page on a phone: performance, accessibility, best practices and
   SEO. The target: 1.0 in all four.

    .venv/bin/python scripts/page_weight.py
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from siteserver import DEMO, ROOT, prepare, serve, workdir

EVENT = "/events/engaging-civil-society-cybercrime/"
PORT = 8711
TARGET = 60 * 1024
PHONE = {"width": 390, "height": 844}
PHONE_SCALE = 2.625
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

# Six photos for the demo's six people, each an upload as an organiser makes it.
GIVE_PHOTOS = """
import io, random
from PIL import Image, ImageDraw, ImageFilter
from django.core.files.uploadedfile import SimpleUploadedFile
from speakers.models import Speaker
random.seed(21)
def colour(low, high):
    return tuple(random.randrange(low, high) for _ in range(3))
for person in Speaker.objects.order_by('slug'):
    size = 900
    image = Image.new('RGB', (size, size), colour(60, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(600):
        x, y = random.randrange(size), random.randrange(size)
        end = (x + random.randrange(-120, 120), y + random.randrange(-120, 120))
        draw.line((x, y, *end), fill=colour(40, 230), width=random.randrange(4, 14))
    draw.ellipse((250, 150, 650, 650), fill=colour(150, 220))
    for _ in range(200):
        x, y = random.randrange(250, 650), random.randrange(150, 650)
        box = (x, y, x + random.randrange(5, 30), y + random.randrange(5, 30))
        draw.ellipse(box, fill=colour(120, 220))
    image = image.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=88)
    person.photo = SimpleUploadedFile('photo.jpg', out.getvalue(), 'image/jpeg')
    person.save()
"""


def first_visit(base_url, path):
    """[(url, bytes on the wire)] for the page loaded, then scrolled to its end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=PHONE_SCALE, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(base_url + path, wait_until="networkidle")
        loaded = len(responses)
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(500)
        page.wait_for_load_state("networkidle")
        sizes = []
        for request in responses:
            measured = request.sizes()
            sizes.append(
                (request.url, measured["responseHeadersSize"] + measured["responseBodySize"])
            )
        browser.close()
    return sizes[:loaded], sizes


def lighthouse(url):
    """{category: score} from Lighthouse's phone run, or None without Lighthouse."""
    if not LIGHTHOUSE.exists():
        return None
    for _attempt in range(2):  # Chromium's start is at times refused once; a second try runs
        result = _run_lighthouse(url)
        if result.returncode == 0:
            break
    else:
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    failing = {
        audit["id"]: audit["title"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
        and not audit["id"].endswith("-insight")  # advice, outside the scores
    }
    scores = {key: value["score"] for key, value in report["categories"].items()}
    return scores, failing


def _run_lighthouse(url):
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--quiet",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
            "--disable-background-networking",
        ],
        env={**os.environ, "CHROME_PATH": shutil.which("chromium")},
        capture_output=True,
        text=True,
        check=False,
    )


def kilobytes(size):
    return f"{size / 1024:.1f} KB"


def main():
    with workdir() as work:
        env = prepare(work, ["shell", "-c", GIVE_PHOTOS])
        with serve(env, PORT):
            base_url = f"http://127.0.0.1:{PORT}"
            loaded, scrolled = first_visit(base_url, DEMO)
            print("Session page, first visit on a phone (390 x 844 at 2.625x, empty cache)\n")
            print("| resource | bytes on the wire |\n|---|---:|")
            for url, size in scrolled:
                print(f"| {url.removeprefix(base_url)} | {size:,} |")
            total_loaded = sum(size for _, size in loaded)
            total = sum(size for _, size in scrolled)
            print(f"| on load ({len(loaded)} responses) | {total_loaded:,} |")
            print(f"| scrolled to the end ({len(scrolled)} responses) | {total:,} |")
            verdict = "met" if total < TARGET else "NOT MET"
            print(f"\nTarget under {kilobytes(TARGET)}: {kilobytes(total)}, {verdict}.\n")
            for name, path in (("event page", EVENT), ("session page", DEMO)):
                measured = lighthouse(base_url + path)
                if measured is None:
                    print("Lighthouse: not installed (scripts/install-node-tools).")
                    break
                scores, failing = measured
                print(
                    f"Lighthouse, {name} (phone): "
                    + ", ".join(f"{key} {score:.2f}" for key, score in scores.items())
                )
                for audit, title in failing.items():
                    print(f"  below 1: {audit} ({title})")


if __name__ == "__main__":
    main()
