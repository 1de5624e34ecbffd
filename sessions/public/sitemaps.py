from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ..models import Event, Session


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
