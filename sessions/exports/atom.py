"""An Atom feed per event: what changed after publication (core/changes.py), one entry a save."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db import models
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from common.site_url import absolute_url

from ..core.change import group_changes
from ..core.text import multi_line, one_line
from ..models import AgendaChange, Session
from .views import public_event

LATEST = 50
# Changes read to make the latest entries: one save of a long agenda can make
# hundreds (every item moved), and they are one entry.
READ_AT_MOST = 2000


class ChangesAtom(Atom1Feed):
    """Atom whose <updated> is the event's last change while it has no entry yet
    (Django would write the time of the request: a new feed on every fetch)."""

    def latest_post_date(self):
        if not self.items:
            return self.feed["quiet_since"]
        return super().latest_post_date()


class EventChangesFeed(Feed):
    """One entry per save: the changes one save made to a session are told together
    ("Moved 30 minutes later: the meeting and its 5 agenda items"), with each of
    them in the entry's text (core/change.py groups them)."""

    feed_type = ChangesAtom

    def feed_extra_kwargs(self, event):
        return {"quiet_since": event.updated_at}

    def get_object(self, request, event):
        return public_event(event)

    def title(self, event):
        return f"{one_line(event.title)}: changes to the programme"

    def subtitle(self, event):
        return "Dates, times, places and agenda items that changed after publication."

    # RFC 4287 4.1.1: a feed names an author, or each of its entries does.
    def author_name(self, event):
        return one_line(event.organiser) or settings.SITE_NAME

    def author_link(self, event):
        return None if event.organiser else absolute_url("/")

    # Absolute links on SITE_URL: Django's Feed would put the request's host and
    # scheme before a bare path.
    def link(self, event):
        return absolute_url(event.get_absolute_url())

    def feed_url(self, event):
        return absolute_url(reverse("agenda:changes_feed", kwargs={"event": event.slug}))

    def items(self, event):
        changes = (
            AgendaChange.objects.filter(
                session__in=Session.objects.in_public_feeds().filter(event=event)
            )
            .select_related("session__event")
            .fetch_mode(models.FETCH_RAISE)[:READ_AT_MOST]
        )
        return group_changes(changes)[:LATEST]

    def item_title(self, group):
        return f"{one_line(group.session)}: {group.headline}"

    def item_description(self, group):
        # Atom carries the summary as HTML; the sentences are plain text, one per line.
        return "<br>".join(escape(multi_line(sentence)) for sentence in group.details)

    def item_link(self, group):
        return absolute_url(f"{group.session.get_absolute_url()}#changes")

    def item_guid(self, group):
        # A change recorded alone keeps the identifier its entry always had.
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2026:{group.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, group):
        return group.changed_at

    def item_updateddate(self, group):
        return group.changed_at
