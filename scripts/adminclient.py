"""An organiser in the admin, as a browser would be: logs in, reads a form, posts it.

Shared by the load test, the fault test and the admin timings (make bench).
"""

import http.cookiejar
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields a browser would submit from a form: inputs, checked boxes,
    selected options and textareas, as (name, value) pairs in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
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
            # A browser drops the newline that may follow <textarea>.
            self.fields.append((name, value.removeprefix("\n")))
            self._textarea = None


def form_fields(html):
    parser = FormReader()
    parser.feed(html)
    return parser.fields


class AdminClient:
    """One organiser's browser: a cookie jar, logged in to the admin at `base`."""

    def __init__(self, base, username, password, timeout=10):
        self.base, self.timeout = base, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        login = self.form("/admin/login/")
        self.post("/admin/login/", [*login, ("username", username), ("password", password)])
        if "sessionid" not in {cookie.name for cookie in self.jar}:
            raise SystemExit(f"{username} could not log in to the admin at {base}")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=self.timeout) as response:
            return response.read().decode()

    def post(self, path, fields):
        """(the address it landed on, the page) after posting `fields` to `path`."""
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path},
        )
        with self.opener.open(request, timeout=self.timeout) as response:
            return response.url, response.read().decode()

    def form(self, path=None, html=None):
        return form_fields(html if html is not None else self.get(path))
