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

import hashlib
import uuid
from datetime import UTC
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

VERSION_KEY = "public-content-version"
PAGE_TIMEOUT = 24 * 60 * 60
# Only pages that exist: caching 404s would let anyone fill the cache with made-up
# addresses, and a 404 costs a single query anyway.
CACHED_STATUSES = {200}


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
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version():
    """Forget every cached public page, once the current transaction (if any) commits."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def _page_key(request, version):
    # Other parameters (utm_* tags and the like) share the page's copy.
    read = settings.PUBLIC_PAGE_QUERY_PARAMETERS.get(request.path, ())
    parameters = urlencode(sorted((k, v) for k, v in request.GET.items() if k in read))
    address = f"{request.get_host()}{request.path}?{parameters}"
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
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        key = _page_key(request, content_version())
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            getattr(request, "public_page", False)
            and response.status_code in CACHED_STATUSES
            and not response.streaming
            and not response.cookies
        ):
            set_response_etag(response)
            cache.set(key, response, PAGE_TIMEOUT)
        return response


def _revalidate(response):
    # Browsers keep the page but ask again each time (a 304 when unchanged), so an
    # organiser's last-minute fix is never hidden behind a browser cache.
    patch_cache_control(response, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response
