"""The public pages: home, event, session and speaker, and robots.txt."""

import functools
from datetime import date, time, timedelta

from django.db import models
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from common.formatting import date_range
from common.prepared import PreparedQuery
from common.richtext import summary
from common.site_url import absolute_url
from speakers.models import Speaker

from ..core.agenda import build_agenda, session_queryset
from ..core.change import AgendaChange, group_changes
from ..core.session import may_preview
from ..live.expected import expected_times
from ..live.marks import marks_from_text, standing_marks_text
from ..models import Event, EventPartner, Session
from . import extensions, seo
from .calendar_links import calendar_links

# Public pages load everything they show up front; FETCH_RAISE turns any lazy
# load (one query per row, the N+1 problem) into an error that tests catch.
RAISE = models.FETCH_RAISE


class HomeView(ListView):
    """Events with upcoming published sessions (or sessions whose date is still open)."""

    template_name = "agenda/home.html"
    context_object_name = "events"

    def get_queryset(self):
        return Event.objects.with_sessions(Session.objects.published().upcoming()).fetch_mode(RAISE)

    def get_context_data(self, **kwargs):
        return super().get_context_data(canonical_url=absolute_url("/"), **kwargs)


class EventView(DetailView):
    """The event's landing page: what, when and where, who organises it, the sessions
    by day, the people, the calendar, the latest changes."""

    template_name = "agenda/event.html"
    context_object_name = "event"
    LATEST_CHANGES = 5

    def get_object(self, queryset=None):
        sessions = Session.objects.visible_to(self.request.user)
        event = (
            Event.objects.with_sessions(sessions)
            .prefetch_related("partners")
            .fetch_mode(RAISE)
            .filter(slug=self.kwargs["event"])
            .first()
        )
        if event is None:
            raise Http404("No such event.")
        return event

    def get_context_data(self, **kwargs):
        event = self.object
        sessions = event.listed_sessions
        calendar_url = event_calendar_url(event)
        dates = sorted(session.date for session in sessions if session.date)
        organisers = [p for p in event.partners.all() if p.role == EventPartner.ORGANISER]
        return super().get_context_data(
            calendar_url=calendar_url,
            webcal_url=webcal(calendar_url),
            canonical_url=absolute_url(event.get_absolute_url()),
            description=summary(event.description) or event.title,
            dates=date_range(dates[0], dates[-1]) if dates else "",
            dates_to_be_confirmed=any(session.date is None for session in sessions),
            places=list(dict.fromkeys(s.place_name for s in sessions if s.place_name)),
            days=_by_day(sessions),
            organisers=organisers,
            organiser_logos=any(p.logo_variants for p in organisers),
            partners=[p for p in event.partners.all() if p.role == EventPartner.PARTNER],
            people=_people_of(sessions),
            change_groups=_latest_changes(sessions, self.LATEST_CHANGES),
            **kwargs,
        )


def _by_day(sessions):
    """[(date or None, [session, ...])]: by date and start, the undated ones last."""
    days = {}
    ordered = sorted(
        sessions,
        key=lambda s: (s.date is None, s.date or date.min, s.start_time or time.min, s.order),
    )
    for session in ordered:
        days.setdefault(session.date, []).append(session)
    return list(days.items())


def _people_of(sessions):
    """Everyone who appears in the listed sessions, by name, with their affiliations."""
    if not sessions:
        return []
    appearing = Session.objects.filter(pk__in=[s.pk for s in sessions]).people().values("pk")
    return list(Speaker.objects.fetch_mode(RAISE).in_bulk_with_affiliations(appearing).values())


def _latest_changes(sessions, count):
    """The latest `count` changes (one per save and session) to the listed sessions."""
    if not sessions:
        return []
    by_pk = {session.pk: session for session in sessions}
    changes = list(
        AgendaChange.objects.filter(session__in=list(by_pk)).fetch_mode(RAISE)[: count * 10]
    )
    for change in changes:
        change.session = by_pk[change.session_id]
    return group_changes(changes)[:count]


def event_calendar_url(event):
    return absolute_url(reverse("agenda:event_ics", kwargs={"event": event.slug}))


def webcal(calendar_url):
    """The same feed for calendar programs to subscribe to rather than import once."""
    return "webcal://" + calendar_url.split("://", 1)[1]


class SessionView(TemplateView):
    template_name = "agenda/session.html"

    def get_context_data(self, **kwargs):
        relations = tuple(extensions.session_relations.relations())
        found = _session_by_slugs(may_preview(self.request.user), relations)(
            event=self.kwargs["event"], session=self.kwargs["session"]
        )
        if not found:
            raise Http404("No such session.")
        session = found[0]
        agenda = build_agenda(session)
        live = _live_run(agenda, session)
        changes = _changes_of(session=session.pk)
        for change in changes:
            change.session = session
        url = absolute_url(session.get_absolute_url())
        in_feeds = session.is_published and session.allow_indexing
        # The URL's "event" and "session" slugs give way to the objects.
        return {
            **super().get_context_data(**kwargs),
            "session": session,
            "event": session.event,
            "agenda": agenda,
            "canonical_url": url,
            "description": summary(session.outline) or str(session),
            "changes": changes,
            "change_groups": group_changes(changes),
            "calendar_links": calendar_links(session, url),
            # Closed meetings are not in the event's feed: no subscription offered there.
            "event_webcal_url": webcal(event_calendar_url(session.event)) if in_feeds else None,
            "action_templates": extensions.session_actions.templates(),
            "json_ld": seo.session_json_ld(agenda, url, changes),
            "noindex": not (session.is_published and session.allow_indexing),
            "live": live,
            "live_items": {e.item.slot.pk: e for e in live.items} if live else None,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["live"]:
            # While the meeting runs its expected times move with the clock: the page
            # cache keeps this copy until the minute is out (common/caching.py).
            response.public_page_fresh_for = 60 - timezone.now().second
        if context["noindex"]:
            response["X-Robots-Tag"] = "noindex"
        return response


# A meeting left unfinished (its last item never marked ended) stops showing as
# running this long after its last mark or its planned end, whichever is later.
LIVE_AT_MOST_AFTER = timedelta(hours=3)


def _live_run(agenda, session):
    """The live run while the meeting runs (begun, not finished, not abandoned);
    None otherwise."""
    if not session.live_marks:
        return None
    marks = marks_from_text(session.live_marks)
    now = timezone.now()
    run = expected_times(agenda, marks, now)
    if run is None or not run.begun or run.finished:
        return None
    moments = [t for m in marks.values() for t in (m.started_at, m.ended_at) if t is not None]
    if now - max([run.planned_end, *moments]) > LIVE_AT_MOST_AFTER:
        return None
    return run


@functools.cache
def _session_by_slugs(drafts, relations):
    """The session page's query for its session: with its event and other apps'
    one-to-one rows (`relations`), drafts only for those who may preview them;
    compiled once per process (common/prepared.py)."""
    # The live run's marks come in the same query (one subquery): "now and next".
    sessions = session_queryset().annotate(live_marks=standing_marks_text())
    if not drafts:
        sessions = sessions.published()
    # Other apps' one-to-one rows that the page shows come in the same query.
    if relations:
        sessions = sessions.select_related(*relations)
    return PreparedQuery(
        lambda event, session: sessions.filter(event__slug=event, slug=session),
        event=str,
        session=str,
    )


_changes_of = PreparedQuery(
    lambda session: AgendaChange.objects.filter(session=session).fetch_mode(RAISE), session=int
)


class SpeakerView(DetailView):
    """A person, their affiliations, and the sessions they appear in that may be listed.

    Someone who appears only in closed meetings still has a page (the meeting's page
    links to it), but it lists none of them and is kept out of search engines.
    """

    template_name = "speakers/speaker.html"
    context_object_name = "speaker"

    def get_queryset(self):
        # Only people announced in a session the visitor may see: naming someone
        # in a draft must not leak before it is published.
        return (
            Speaker.objects.with_affiliations()
            .filter(pk__in=Session.objects.visible_to(self.request.user).people().values("pk"))
            .fetch_mode(RAISE)
        )

    def get_context_data(self, **kwargs):
        sessions = list(
            Session.objects.listed_to(self.request.user)
            .featuring(self.object)
            .select_related("event")
            .order_by("event__title", "order")
            .fetch_mode(RAISE)
        )
        return super().get_context_data(
            sessions=sessions,
            canonical_url=absolute_url(self.object.get_absolute_url()),
            description=seo.person_summary(self.object),
            noindex=not any(s.is_published and s.allow_indexing for s in sessions),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["noindex"]:
            response["X-Robots-Tag"] = "noindex"
        return response


class EventPersonView(SpeakerView):
    """A person's page seen from an event they appear in: in the event's look, with
    the search engines' copy (canonical) at their own address."""

    def get_context_data(self, **kwargs):
        appears_in = Session.objects.visible_to(self.request.user).featuring(self.object)
        event = (
            Event.objects.filter(slug=self.kwargs["event"], pk__in=appears_in.values("event"))
            .fetch_mode(RAISE)
            .first()
        )
        if event is None:
            raise Http404("No such person in this event.")
        return super().get_context_data(event=event, **kwargs)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
