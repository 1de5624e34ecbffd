"""The staff's control page for a meeting as it runs (`.../live/`).

Made for a phone held in one hand: the current item with its elapsed and
remaining time, who is on stage and the cue; the next item with its expected
start; large buttons for the marks; the remaining items with planned and
expected times; the marks made, each with an undo. Every button is a form: the
page works without JavaScript, with the keyboard and with a screen reader.
Holders of agenda.view_runofshow only (as the run-of-show); never cached.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView, View

from common.spreadsheets import csv_download

from ..core.mark import LiveMark
from ..core.session import exists_on_the_clock
from ..runofshow.views import RunOfShowMixin
from . import marks, report
from .expected import expected_times


class LiveRunMixin(RunOfShowMixin):
    """The staff's live pages: the agenda and its live run as of now."""

    def live_context(self):
        agenda = self.get_agenda()
        session = agenda.session
        now = timezone.now()
        run = expected_times(agenda, marks.marks_of(session), now)
        current = run.current if run else None
        return {
            "agenda": agenda,
            "session": session,
            "event": session.event,
            "now": now,
            "run": run,
            "current": current,
            "next": run.next if run else None,
            # Till the current item is due to end (negative: over); none for a milestone.
            "left": current.due - now if current and current.due else None,
            "noindex": True,
        }


class LiveControlView(LiveRunMixin, TemplateView):
    template_name = "agenda/live_control.html"

    def get_context_data(self, **kwargs):
        live = self.live_context()
        run, current = live["run"], live["current"]
        made = (
            LiveMark.objects.filter(slot__session=live["session"])
            .select_related("slot__session", "made_by", "undone_by")
            .order_by("-made_at", "-pk")
        )
        to_come = [e for e in run.items if e.state in ("running", "upcoming")] if run else []
        return {
            **super().get_context_data(**kwargs),
            **live,
            "remaining": to_come,
            "elapsed": live["now"] - current.start if current else None,
            "marks_made": list(made),
            "kinds": LiveMark.Kind,
        }

    def post(self, request, *args, **kwargs):
        agenda = self.get_agenda()
        session = agenda.session
        here = HttpResponseRedirect(request.path)
        if "undo" in request.POST:
            live_mark = get_object_or_404(
                LiveMark.objects.select_related("slot__session"),
                pk=_number(request.POST["undo"]),
                slot__session=session,
            )
            if marks.undo(live_mark, by=request.user):
                messages.success(request, f"Undone: {live_mark}.")
            return here
        slot = next(
            (i.slot for i in agenda.items if str(i.slot.pk) == request.POST.get("slot")), None
        )
        kind = request.POST.get("kind")
        if slot is None or kind not in LiveMark.Kind.values:
            raise Http404("No such item or mark.")
        slot.session = session  # the agenda's slots do not load it; the messages name its clock
        try:
            at = _typed_time(session, request.POST.get("at", ""))
            made = marks.mark(slot, kind, by=request.user, at=at)
        except ValidationError as error:
            messages.error(request, f"{slot.title}: {' '.join(error.messages)}")
            return here
        if made.created:
            messages.success(request, f"Marked: {made.mark}.")
        else:
            messages.info(request, f"Already marked: {made.mark}.")
        return here


def _number(value):
    if not value.isdigit():
        raise Http404("No such mark.")
    return int(value)


def _typed_time(session, text):
    """A time typed for a late mark ("10:40") on the session's clock; None (now) when
    nothing was typed. A time before the session's start is read as after midnight
    (a meeting that ran past it), once that moment has come."""
    text = text.strip()
    if not text:
        return None
    try:
        wall = datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise ValidationError(f'"{text}" is not a time such as 10:40.', code="time") from None
    if session.date is None or session.zone is None:
        raise ValidationError(
            "The session's date or time zone is to be confirmed: a typed time has no day.",
            code="no_day",
        )
    at = datetime.combine(session.date, wall, tzinfo=session.zone)
    after_midnight = at + timedelta(days=1)
    if session.start_time and wall < session.start_time and after_midnight <= timezone.now():
        at = after_midnight
    if not exists_on_the_clock(at):
        raise ValidationError(
            f"{text} did not happen that day: the clocks skipped it.", code="skipped_time"
        )
    return at


class AsRunView(RunOfShowMixin, TemplateView):
    """The as-run report, printable like the run-of-show (A4 or Letter, landscape)."""

    template_name = "agenda/as_run.html"

    def get_context_data(self, **kwargs):
        agenda = self.get_agenda()
        session = agenda.session
        return {
            **super().get_context_data(**kwargs),
            "agenda": agenda,
            "session": session,
            "event": session.event,
            "report": report.as_run(agenda, timezone.now()),
            "noindex": True,
        }


class AsRunCSVView(RunOfShowMixin, View):
    def get(self, request, *args, **kwargs):
        agenda = self.get_agenda()
        session = agenda.session
        found = report.as_run(agenda, timezone.now())
        if found is None:
            raise Http404("The session has no date and time zone: nothing ran by the clock.")
        return csv_download(
            f"{session.event.slug}_{session.slug}_as-run.csv",
            report.COLUMNS,
            report.csv_rows(found, session.zone),
        )


class LiveTimerView(LiveRunMixin, TemplateView):
    """The stage timer, full screen on a screen facing the speakers: the current
    item's remaining time in large figures (amber at two minutes, red at zero, then
    the overrun counted up), its title and speakers. Correct when loaded; the
    page's script (static/js/live-timer.js) counts the seconds on the device and
    follows live.json every few seconds, counting on when the network drops."""

    template_name = "agenda/live_timer.html"

    def get_context_data(self, **kwargs):
        live = self.live_context()
        current = live["current"]
        return {
            **super().get_context_data(**kwargs),
            **live,
            # For the script, to the millisecond (Date.parse reads no more).
            "server_now": live["now"].isoformat(timespec="milliseconds"),
            "due": current.due.isoformat(timespec="seconds") if current and current.due else "",
            "phase": _phase(live["left"]),
        }


WARNING_AT = 120  # seconds left when the timer turns amber


def _phase(left):
    """The timer's colour: "idle" (nothing running), "ok", "warning" or "over"."""
    if left is None:
        return "idle"
    seconds = left.total_seconds()
    return "over" if seconds < 0 else "warning" if seconds <= WARNING_AT else "ok"
