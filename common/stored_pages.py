"""A public page as the page cache keeps it: compressed once, served by Accept-Encoding.

The page cache (caching.py) stores a `StoredPage`: the response's status, headers
and body, with its brotli and gzip bodies made once when it is stored, not on
every request. A hit sends the body the browser accepts, with `Vary:
Accept-Encoding` and an ETag of its own per encoding ("…-br", "…-gz"), as RFC 9110
8.8.3 asks of different representations.

Each worker also keeps the pages it served last in its own memory (`recent`),
under the same key as the shared cache. The key carries the shared content
version, read from the shared cache on every request, so a hit costs that one
read and no worker serves a page older than the last committed save: a save
replaces the version, and the new key has no copy anywhere yet.

Only public pages for anonymous visitors are stored (caching.py decides); a
response that sets a cookie (a CSRF token among them) is not stored, and so never
compressed here: compression beside a secret in the page is what BREACH reads.
"""

import functools
import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import brotli
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

# What is worth compressing: text of any kind, and the formats of the exports.
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/javascript",
)
# Below this, the compressed body and its header would save almost nothing.
SMALLEST = 256
# Brotli's quality 5 makes about gzip's size minus a fifth in about gzip's time
# (quality 11 takes a hundred times longer on a page); gzip's level 6 is its default.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Encodings by preference, and the suffix each puts on the ETag.
ENCODINGS = {"br": "-br", "gzip": "-gz"}
# Headers a stored page is sent with again as they were, but these, which depend
# on the body sent.
_PER_BODY = {"content-length", "content-encoding", "etag"}


@dataclass(frozen=True)
class StoredPage:
    status: int
    headers: tuple  # (name, value) pairs but _PER_BODY
    etag: str  # the uncompressed body's ETag, quoted: '"…"'
    bodies: dict = field(default_factory=dict)  # encoding ("identity", "br", "gzip") to bytes
    # A page that changes with the clock (a meeting running live) is kept in the
    # shared cache for a short while only, and never in a worker's memory.
    short_lived: bool = False

    @functools.cached_property
    def size(self):
        """Bytes held: every encoding's body."""
        return sum(len(body) for body in self.bodies.values())

    @classmethod
    def of(cls, response):
        """The page to store for `response` (a 200 with its ETag set)."""
        body = response.content
        bodies = {"identity": body}
        if _compressible(response, body):
            bodies["br"] = brotli.compress(body, quality=BROTLI_QUALITY)
            bodies["gzip"] = gzip.compress(body, GZIP_LEVEL, mtime=0)
        headers = tuple(
            (name, value) for name, value in response.items() if name.lower() not in _PER_BODY
        )
        return cls(response.status_code, headers, response["ETag"], bodies)

    def response(self, request):
        """The response for `request`, in the encoding it accepts best."""
        encoding = chosen_encoding(request, self.bodies)
        body = self.bodies[encoding]
        response = HttpResponse(body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        if encoding == "identity":
            response["ETag"] = self.etag
        else:
            response["Content-Encoding"] = encoding
            response["ETag"] = with_suffix(self.etag, ENCODINGS[encoding])
        if len(self.bodies) > 1:
            patch_vary_headers(response, ["Accept-Encoding"])
        return response


def _compressible(response, body):
    if len(body) < SMALLEST or response.has_header("Content-Encoding"):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type.startswith(COMPRESSIBLE) or content_type.endswith(("+xml", "+json"))


def chosen_encoding(request, bodies):
    """The encoding among `bodies` that the request accepts with the highest q (br
    first on a tie), else "identity" (which a page always has)."""
    accepted = _accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    best, best_q = "identity", 0.0
    for encoding in ENCODINGS:
        q = accepted.get(encoding, accepted.get("*", 0.0))
        if encoding in bodies and q > best_q:
            best, best_q = encoding, q
    return best


def _accepted(header):
    """{"br": 1.0, "gzip": 0.5, …} from an Accept-Encoding header (RFC 9110 12.5.3)."""
    accepted = {}
    for part in header.split(","):
        name, _, parameters = part.strip().partition(";")
        q = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            accepted[name.strip().lower()] = q
    return accepted


def with_suffix(etag, suffix):
    """'"abc"' with "-br" is '"abc-br"'; a weak ETag stays weak."""
    return f'{etag[:-1]}{suffix}"' if etag.endswith('"') else etag


def without_suffix(etag):
    """The ETag of the uncompressed body, for an ETag of one of its encodings."""
    for suffix in ENCODINGS.values():
        if etag.endswith(f'{suffix}"'):
            return f'{etag[: -len(suffix) - 1]}"'
    return etag


class RecentPages:
    """The pages this worker served last, by cache key; the oldest go first."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._pages = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page):
        if page.size > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self):
        with self._lock:
            self._pages.clear()
            self._bytes = 0
