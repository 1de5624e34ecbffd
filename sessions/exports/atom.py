"""An Atom feed per event of what changed after publication (core/changes.py)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db import models
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from common.site_url import absolute_url

from ..models import AgendaChange, Session
from .text import multi_line, one_line
from .views import public_event

LATEST = 50


class EventChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, event):
        return public_event(event)

    def title(self, event):
        return f"{one_line(event.title)}: changes to the programme"

    def subtitle(self, event):
        return "Dates, times, places and agenda items that changed after publication."

    # Absolute links on SITE_URL: Django's Feed would put the request's host and
    # scheme before a bare path.
    def link(self, event):
        return absolute_url(event.get_absolute_url())

    def feed_url(self, event):
        return absolute_url(reverse("agenda:changes_feed", kwargs={"event": event.slug}))

    def items(self, event):
        return (
            AgendaChange.objects.filter(
                session__in=Session.objects.in_public_feeds().filter(event=event)
            )
            .select_related("session__event")
            .fetch_mode(models.FETCH_RAISE)[:LATEST]
        )

    def item_title(self, change):
        return f"{one_line(change.session)}: {change.get_kind_display()}"

    def item_description(self, change):
        # Atom carries the summary as HTML; the sentence is plain text.
        return escape(multi_line(change.description))

    def item_link(self, change):
        return absolute_url(f"{change.session.get_absolute_url()}#changes")

    def item_guid(self, change):
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2026:change-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.changed_at

    def item_updateddate(self, change):
        return change.changed_at
