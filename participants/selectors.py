"""Queries on sessions that the participants pages share (sessions/ knows nothing of them)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from sessions.models import Session

from .models import ParticipantRequest, RequestSettings


def published_session_or_404(*, event, session):
    """A published session by its slugs: drafts take no requests, even from organisers."""
    return get_object_or_404(
        Session.objects.published().select_related("event"), event__slug=event, slug=session
    )


def any_session_or_404(*, event, session):
    """A session by its slugs, draft or not: for staff lists, which need the permission."""
    return get_object_or_404(
        Session.objects.select_related("event"), event__slug=event, slug=session
    )


def request_settings_for(session):
    """The session's request settings, or None if organisers never opened requests.

    Read with the session when its query joined them (the session page does, see
    ParticipantsConfig.ready()); otherwise one query.
    """
    if Session.request_settings.is_cached(session):
        try:
            return session.request_settings
        except RequestSettings.DoesNotExist:
            return None
    return RequestSettings.objects.filter(session=session).first()


def selected_count(session):
    return ParticipantRequest.objects.selected().filter(session=session).count()


def session_is_over(session):
    """The session has ended: its end has passed or, without times, its day has ended
    in its own zone (everywhere on Earth while the zone is to be confirmed). A session
    whose date is still to be confirmed is never over."""
    if session.ends_at is not None:
        return session.ends_at <= timezone.now()
    return session.day_has_ended()


def session_has_started(session):
    """Under way or over: its start has passed, or (without times) its day has ended."""
    if session.starts_at is not None and session.starts_at <= timezone.now():
        return True
    return session_is_over(session)


def why_no_requests(session, settings):
    """Why the session takes no requests now ("cancelled", "started", "off", "closed"),
    or None when it takes them."""
    if session.cancelled:
        return "cancelled"
    if settings is None or not settings.requests_open:
        return "off"
    if not settings.accepts_requests():
        return "closed"
    if session_has_started(session):
        return "started"
    return None
