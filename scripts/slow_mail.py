"""The request form's response time with a mail server that answers after 5 seconds.

Serves a throwaway copy of the site (scripts/siteserver.py) with gunicorn and the
task worker (manage.py db_worker), its EMAIL_URL pointing at a tiny SMTP server in
this script that waits DELAY seconds before it greets each connection. Posts the
request form ROUNDS times with the server answering at once, then as often with
the slow server, and times each POST; then waits until the worker has delivered
every email and checks each address got exactly one.

    .venv/bin/python scripts/slow_mail.py

Before the outbox each POST waited for the mail server (5 s here, and with no
timeout for ever); now the form answers in the same time whatever the server does.
At most 10 posts: the form's rate limit is 10 an hour per client address.
"""

import http.cookiejar
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from siteserver import DEMO, OPEN_REQUESTS, PYTHON, ROOT, prepare, request_form_data, serve, workdir

PORT = 8977
ROUNDS = 5
DELAY = 5.0


class SMTPServer:
    """Just enough SMTP for Django's smtp backend, with a greeting `delay` seconds late."""

    def __init__(self):
        self.delay = 0.0
        self.received = []  # the RCPT TO address of each message accepted
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            conn, _ = self.socket.accept()
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        with conn, conn.makefile("rb") as lines:
            time.sleep(self.delay)
            conn.sendall(b"220 slow.example ESMTP\r\n")
            recipients = []
            for raw in lines:
                command = raw.decode("ascii", "replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    conn.sendall(b"250 slow.example\r\n")
                elif command.startswith("RCPT TO:"):
                    recipients.append(raw.decode().strip()[8:].strip("<> "))
                    conn.sendall(b"250 OK\r\n")
                elif command == "DATA":
                    conn.sendall(b"354 End with <CRLF>.<CRLF>\r\n")
                    for body_line in lines:
                        if body_line in (b".\r\n", b".\n"):
                            break
                    self.received.extend(recipients)
                    recipients = []
                    conn.sendall(b"250 OK queued\r\n")
                elif command == "QUIT":
                    conn.sendall(b"221 Bye\r\n")
                    return
                else:  # MAIL FROM, RSET, NOOP
                    conn.sendall(b"250 OK\r\n")


def post_form(opener, number):
    form_url = f"http://127.0.0.1:{PORT}{DEMO}request/"
    with opener.open(form_url, timeout=30) as response:
        page = response.read().decode()
    body = urllib.parse.urlencode(request_form_data(page, number)).encode()
    request = urllib.request.Request(form_url, body, headers={"Referer": form_url})
    started = time.perf_counter()
    with opener.open(request, timeout=30) as response:
        response.read()
        status = response.status
    return status, (time.perf_counter() - started) * 1000


def main():
    smtp = SMTPServer()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with workdir() as work:
        env = {
            **prepare(work, ["shell", "-c", OPEN_REQUESTS]),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        }
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "-v0"],
            cwd=ROOT,
            env=env,
        )
        try:
            with serve(env, PORT):
                rows = []
                for label, delay in (
                    ("answers at once", 0.0),
                    (f"answers after {DELAY:g} s", DELAY),
                ):
                    smtp.delay = delay
                    results = [post_form(opener, len(rows) * ROUNDS + n) for n in range(ROUNDS)]
                    rows.append((label, results))
                deadline = time.monotonic() + 2 * ROUNDS * (DELAY + 1) + 30
                while len(smtp.received) < 2 * ROUNDS and time.monotonic() < deadline:
                    time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    print(f"Request form: POST and its redirect, {ROUNDS} posts each (gunicorn, 2 workers):")
    print(f"{'mail server':<24} {'statuses':<12} {'median ms':>10} {'max ms':>8}")
    for label, results in rows:
        statuses = sorted({status for status, _ in results})
        times = [ms for _, ms in results]
        print(f"{label:<24} {statuses!s:<12} {statistics.median(times):>10.0f} {max(times):>8.0f}")
    addresses = sorted(smtp.received)
    once = len(addresses) == len(set(addresses)) == 2 * ROUNDS
    print(f"emails delivered by the worker: {len(addresses)}, each address once: {once}")
    return 0 if once and all(s == 200 for _, r in rows for s, _ in r) else 1


if __name__ == "__main__":
    sys.exit(main())
