"""The site's own address, SITE_URL, for every absolute link the site writes.

Canonical links, calendar and schedule URLs, the sitemap, robots.txt and the Atom
feed name the site by SITE_URL, never by the request's Host header or scheme:
those come from the client or the proxy, and a page written with them would be
cached and shown to everyone with the wrong address.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    """`path` (such as /events/x/) on the site: https://events.example.org/events/x/."""
    if not path.startswith("/"):
        raise ValueError(f"not a path from the site's root: {path!r}")
    return f"{settings.SITE_URL}{path}"


def site_scheme_and_host():
    """("https", "events.example.org"), from SITE_URL; the host keeps a port if it has one."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc
