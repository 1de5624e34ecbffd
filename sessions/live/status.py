"""The live run as one small JSON document (`.../live.json`), for the pages that
follow a meeting as it runs: the control page, the stage timer, "now and next".

A room of devices polls it every few seconds, so it answers from the cache: the
document is computed at most once a minute per session and content version (a
mark, like any saved change, replaces the version), stored, and sent with an
ETag; a poll whose copy is current gets 304 and no body. Times in it are computed
for the start of the minute and sent as instants with their offset; clients
count the seconds themselves. It carries nothing for staff eyes only (no cue,
no technical notes): published sessions only, as their pages.
"""

import hashlib
import json
from datetime import UTC

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from common.caching import content_version
from common.formatting import full_name

from ..core.agenda import build_agenda, session_queryset
from . import marks
from .expected import expected_times

STORED_FOR = 120  # seconds: past its minute, a stored document is never read again


@require_GET
def live_status(request, event, session):
    now = timezone.now().astimezone(UTC).replace(second=0, microsecond=0)
    version = content_version()
    key = f"live-status:{event}:{session}:{version}:{now:%Y%m%dT%H%M}"
    stored = cache.get(key) if version is not None else None
    if stored is None:
        stored = _document(event, session, now)
        if version is not None:
            cache.set(key, stored, STORED_FOR)
    body, etag = stored
    # ConditionalGetMiddleware answers a poll whose If-None-Match is this ETag with 304.
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def _document(event, session, now):
    found = get_object_or_404(session_queryset().published(), event__slug=event, slug=session)
    agenda = build_agenda(found)
    run = expected_times(agenda, marks.marks_of(found), now)
    if run is None:
        raise Http404("This session has no date, times and time zone to run by.")
    body = json.dumps(status(run, now), ensure_ascii=False, separators=(",", ":")).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def status(run, now):
    """The document: the meeting's state, how late it runs, now and next, every item."""
    current, upcoming = run.current, run.next
    if not run.begun:
        state = "not_begun"
    elif run.finished:
        state = "finished"
    else:
        state = "running" if current else "between"
    return {
        "computed_at": _iso(now),
        "state": state,
        "late_by_minutes": round(run.late_by.total_seconds() / 60),
        "planned_end": _iso(run.planned_end),
        "expected_end": _iso(run.expected_end),
        "current": _entry(current) if current else None,
        "next": _entry(upcoming) if upcoming else None,
        "items": [_entry(entry) for entry in run.items],
    }


def _entry(entry):
    item = entry.item
    return {
        "slot": item.slot.pk,
        "title": item.slot.title,
        "people": [full_name(person) for person in item.on_stage],
        "state": entry.state,
        "milestone": item.is_milestone,
        "planned_start": _iso(entry.planned_start),
        "planned_end": _iso(entry.planned_end),
        "expected_start": _iso(entry.start),
        "expected_end": _iso(entry.end),
        "due_end": _iso(entry.due),
    }


def _iso(instant):
    return None if instant is None else instant.astimezone(UTC).isoformat(timespec="seconds")
