"""The public page cache: shared by every worker, invalidated by one version stamp.

Views wrapped in public_page() are public; PublicPageCacheMiddleware keeps their
anonymous GET responses in the default cache (files in
data/cache on one machine, Redis across machines) under a key that includes the
current *content version*. Any saved change to events, sessions, slots, roles or
people replaces the version once its transaction commits, so the very next
request, in any worker on any app server sharing the cache, misses and renders
the new content. Old entries are never read again and expire on their own.

An app names the apps whose data its public pages show with
`bump_on_changes_to()` in its `ready()` (or connects its own receiver for a
single model, as participants does for its request settings). Writes that bypass model signals
(QuerySet.update(), bulk_create(), bulk_update()) must call
bump_content_version() themselves.
"""

import dataclasses
import hashlib
import re
import threading
import time
import uuid
from datetime import UTC
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe, split_directive_names

from .cache_backends import CacheUnavailable
from .stored_pages import RecentPages, StoredPage, without_suffix

VERSION_KEY = "public-content-version"
PAGE_TIMEOUT = 24 * 60 * 60
# Seconds between two tries to renew the content version after a cache outage.
RENEW_EVERY = 1.0
# Only pages that exist: caching 404s would let anyone fill the cache with made-up
# addresses, and a 404 costs a single query anyway.
CACHED_STATUSES = {200}
# Each worker keeps the pages it served last in memory too, up to this many bytes
# (bodies in every encoding); a hit then reads only the content version.
RECENT_PAGES_BYTES = 16 * 1024 * 1024
recent_pages = RecentPages(RECENT_PAGES_BYTES)


def bump_on_changes_to(*app_labels):
    """Empty the page cache whenever a model of one of these apps is saved or deleted,
    or a many-to-many link of one changes."""
    _WATCHED_APPS.update(app_labels)
    post_save.connect(_public_data_changed, dispatch_uid="public-cache-save")
    post_delete.connect(_public_data_changed, dispatch_uid="public-cache-delete")
    m2m_changed.connect(_public_data_changed, dispatch_uid="public-cache-m2m")


_WATCHED_APPS = set()


def _public_data_changed(sender, **kwargs):
    if sender._meta.app_label in _WATCHED_APPS:
        bump_content_version()


def content_version():
    """The current content version; None while the cache cannot be reached."""
    _renew_after_outage()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version():
    """Forget every cached public page, once the current transaction (if any) commits."""
    transaction.on_commit(_replace_version)


def _replace_version():
    try:
        _strict(cache).set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CacheUnavailable:
        # The save is committed but the pages it changes are still in the cache.
        # When Redis is back, this process renews the version before it reads one
        # (content_version), and a thread renews it even if no request comes.
        _renew_in_background()


# A save while the cache cannot be reached cannot replace the version, and a Redis
# that was unreachable (not emptied) still holds the old version and its pages when
# it returns. So a process that has seen the cache fail renews the version once it
# answers again, before it reads any page: the number of outages it has renewed
# after, by cache location. (A ResilientRedisCache counts its outages; other
# backends never fail that way and have no count.)
_renewed_after = {}
_renewer_lock = threading.Lock()
_renewer = None


def _strict(backend):
    return getattr(backend, "strict", backend)


def _needs_renewal():
    return getattr(cache, "outages", 0) != _renewed_after.get(getattr(cache, "servers", None), 0)


def _renew_after_outage():
    """Before reading the version: replace it if this process has seen the cache
    fail since it last did so; if the cache is still out, a thread keeps trying."""
    if _needs_renewal() and not _try_renewal():
        _renew_in_background()


def _try_renewal():
    seen = cache.outages
    if not cache.is_available():
        return False
    try:
        _strict(cache).set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CacheUnavailable:
        return False
    # An outage that began meanwhile has a higher count: it is renewed after too.
    _renewed_after[cache.servers] = seen
    return True


def _renew_in_background():
    """Keep trying once a second, so the version is renewed as soon as the cache is
    back even if this process gets no request."""
    global _renewer  # one thread per process
    with _renewer_lock:
        if _renewer is not None and _renewer.is_alive():
            return
        _renewer = threading.Thread(target=_keep_renewing, name="content-version", daemon=True)
        _renewer.start()


def _keep_renewing():
    while _needs_renewal():
        time.sleep(RENEW_EVERY)
        if _needs_renewal():
            _try_renewal()


DEFAULT_PORTS = {"http": "80", "https": "443"}
# A page number as the cache keeps it: digits, leading zeros dropped, at most six.
_PAGE_NUMBER = re.compile(r"0*([1-9][0-9]{0,5})")


def _cached_hosts():
    """The hosts whose pages are cached: those ALLOWED_HOSTS names outright (a
    pattern such as ".example.org" names only example.org) and SITE_URL's host,
    with its port if it has one. Other hosts are answered but never cached."""
    names = {h.lower().removeprefix(".").removesuffix(".") for h in settings.ALLOWED_HOSTS}
    names.discard("*")
    site = urlsplit(settings.SITE_URL)
    names.add(site.netloc.lower())
    return names


def _page_address(request):
    """What identifies a public page in the cache: scheme, host and path, and the
    query parameters that change the page, each normalised; None for a request
    that must not be cached (a host the site does not name, a page number that is
    not a plain number).

    The host is lower case, without a trailing dot or its scheme's default port,
    so its spellings share one copy; the scheme is part of it, so a request that
    came through the proxy as https never answers a plain one.
    """
    try:
        domain, port = split_domain_port(request.get_host())
    except DisallowedHost:
        return None  # the request fails further down with 400
    scheme = request.scheme
    if port == DEFAULT_PORTS.get(scheme):
        port = ""
    host = f"{domain}:{port}" if port else domain
    if not domain or host not in _cached_hosts():
        return None
    # Other parameters (utm_* tags and the like) share the page's copy. Each one the
    # page reads is a page number: p=01 is p=1; one Django's int() reads but that is
    # not plain digits (+1, 1_0) is answered, uncached.
    parameters = []
    for name in sorted(settings.PUBLIC_PAGE_QUERY_PARAMETERS.get(request.path, ())):
        if name in request.GET:
            number = _PAGE_NUMBER.fullmatch(request.GET[name])
            if number is None:
                return None
            parameters.append((name, number[1]))
    return f"{scheme}://{host}{request.path}?{urlencode(parameters)}"


def _page_key(address, version):
    # The quarter hour (UTC) is part of the key: what is "upcoming", or whether
    # requests for a place have closed, changes at midnight without any edit, and
    # midnight comes in some zone every quarter of an hour (every UTC offset in use
    # is a multiple of 15 minutes), so a page is rendered again at most that often.
    now = timezone.now().astimezone(UTC)
    clock = f"{now:%Y-%m-%dT%H}:{now.minute // 15 * 15:02d}"
    return f"public-page:{version}:{clock}:{hashlib.sha256(address.encode()).hexdigest()}"


def public_page(view):
    """Mark `view` as public: PublicPageCacheMiddleware may keep its anonymous responses."""

    @wraps(view)
    def public_view(request, *args, **kwargs):
        request.public_page = True
        return _revalidate(view(request, *args, **kwargs))

    return public_view


class PublicPageCacheMiddleware:
    """Answers anonymous GET and HEAD requests for public pages from the shared cache.

    It sits high in MIDDLEWARE, so a cached page skips sessions, CSRF, auth and
    the view itself; what it stores is the response as the middleware below left
    it (CSP and other headers included, ETag computed once). A request that
    carries a session cookie may come from a logged-in organiser and always goes
    through: organisers see drafts and staff links, and never the public copy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._answer(request)
        if request.method == "HEAD":
            return _conditional_head(request, response)
        return response

    def _answer(self, request):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        address = _page_address(request)
        if address is None:
            return self.get_response(request)
        version = content_version()
        if version is None:  # the cache cannot be reached: render from the database
            return self.get_response(request)
        key = _page_key(address, version)
        # This worker's own copy first: the key carries the version just read, so
        # a copy under it is as new as the shared one, and costs no second read.
        page = recent_pages.get(key)
        if page is None:
            page = cache.get(key)
            if isinstance(page, StoredPage):
                if not page.short_lived:
                    recent_pages.put(key, page)
            else:
                page = None  # nothing, or what an older release stored
        if page is not None:
            return page.response(request)
        return self._render_and_store(request, key)

    def _render_and_store(self, request, key):
        # The view compares If-None-Match with the uncompressed body's ETag (an
        # export's fingerprint costs one query): the encoding's suffix goes, and
        # comes back on a 304.
        sent = request.META.get("HTTP_IF_NONE_MATCH")
        if sent:
            request.META["HTTP_IF_NONE_MATCH"] = ", ".join(
                without_suffix(tag.strip()) for tag in sent.split(",")
            )
        response = self.get_response(request)
        if sent:
            request.META["HTTP_IF_NONE_MATCH"] = sent
        if response.status_code == 304 and sent and response.has_header("ETag"):
            for tag in sent.split(","):
                if without_suffix(tag.strip()) == response["ETag"]:
                    response["ETag"] = tag.strip()
            return response
        if not (
            getattr(request, "public_page", False)
            and response.status_code in CACHED_STATUSES
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
        ):
            return response
        if not response.has_header("ETag"):
            # An export's ETag is its fingerprint (one query answers it when the
            # cache has moved on); a page's is the hash of its body.
            set_response_etag(response)
        page = StoredPage.of(response)
        # A page that changes with the clock (a meeting running live) says for how
        # many seconds it holds; it is kept that long in the shared cache only, and
        # no worker keeps it in memory (its key lasts the quarter hour).
        fresh_for = getattr(response, "public_page_fresh_for", None)
        if fresh_for is not None:
            page = dataclasses.replace(page, short_lived=True)
        cache.set(key, page, PAGE_TIMEOUT if fresh_for is None else max(fresh_for, 1))
        if fresh_for is None:
            recent_pages.put(key, page)
        return page.response(request)


def _conditional_head(request, response):
    """A HEAD request with If-None-Match or If-Modified-Since gets 304 as a GET would
    (RFC 9110 13.1.2, 13.1.3 and 9.3.2: HEAD answers as GET does, without the body).

    ConditionalGetMiddleware, above this one, leaves HEAD alone: its response may
    have no body to compute an ETag from. Here it has one: a cached response is the
    GET's, ETag and all, and our views answer HEAD by rendering the GET's response
    (the server drops the body). So the same test, with the same ETag, holds for
    HEAD: whatever answered, from the cache or rendered, pages and exports alike.
    """
    if response.status_code != 200 or response.streaming:
        return response
    # As ConditionalGetMiddleware: an ETag unless the response may not be stored.
    no_store = "no-store" in split_directive_names(response.get("Cache-Control", ""))
    if not response.has_header("ETag") and not no_store:
        set_response_etag(response)
    etag = response.get("ETag")
    last_modified = parse_http_date_safe(response.get("Last-Modified") or "")
    if etag or last_modified:
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
    return response


def _revalidate(response):
    # Browsers keep the page but ask again each time (a 304 when unchanged), so an
    # organiser's last-minute fix is never hidden behind a browser cache.
    patch_cache_control(response, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response
