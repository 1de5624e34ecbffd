from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from common.site_url import site_scheme_and_host

from ..models import Event, Session


class Sitemap(DjangoSitemap):
    """Locations on SITE_URL, whatever host and scheme the request named."""

    def get_urls(self, page=1, site=None, protocol=None):
        protocol, domain = site_scheme_and_host()
        return self._urls(page, protocol, domain)


def listed_sessions():
    """Published sessions that organisers let search engines list."""
    return Session.objects.published().filter(allow_indexing=True)


class StaticSitemap(Sitemap):
    def items(self):
        return ["agenda:home"]

    def location(self, item):
        return reverse(item)


class EventSitemap(Sitemap):
    def items(self):
        return Event.objects.filter(pk__in=listed_sessions().values("event"))

    def lastmod(self, event):
        return event.updated_at


class SessionSitemap(Sitemap):
    def items(self):
        return listed_sessions().select_related("event")

    def lastmod(self, session):
        return session.updated_at


class SpeakerSitemap(Sitemap):
    def items(self):
        return listed_sessions().people().distinct().order_by("slug")


SITEMAPS = {
    "pages": StaticSitemap,
    "events": EventSitemap,
    "sessions": SessionSitemap,
    "speakers": SpeakerSitemap,
}
