"""Staff pages: the run-of-show (full and for the stage), cue cards and the CSV export.

All of them show the same agenda (build_agenda) to holders of agenda.view_runofshow,
drafts included. Anonymous visitors are sent to log in; others get 403. Every
answer carries Cache-Control: no-store, private, so no browser or proxy keeps the
staff's notes.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.timezone import get_default_timezone, now
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View

from common.spreadsheets import csv_download

from ..core.agenda import build_agenda, session_queryset
from . import table


class RunOfShowMixin(PermissionRequiredMixin):
    permission_required = "agenda.view_runofshow"

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_agenda(self):
        session = get_object_or_404(
            session_queryset(), event__slug=self.kwargs["event"], slug=self.kwargs["session"]
        )
        return build_agenda(session, staff=True)


class RunOfShowView(RunOfShowMixin, TemplateView):
    template_name = "agenda/run_of_show.html"
    compact = False  # the stage's copy: no cue, technical notes or responsible

    def get_context_data(self, **kwargs):
        agenda = self.get_agenda()
        session = agenda.session
        # Printed and changed times read in the session's zone; while that is to be
        # confirmed, in the server's zone, and the page says which.
        zone = session.zone or get_default_timezone()
        return {
            **super().get_context_data(**kwargs),
            "agenda": agenda,
            "session": session,
            "event": session.event,
            "compact": self.compact,
            "zone": zone,
            "zone_is_session": session.zone is not None,
            "printed_at": now(),
            "noindex": True,
        }


class CueCardsView(RunOfShowMixin, TemplateView):
    template_name = "agenda/cue_cards.html"

    def get_context_data(self, **kwargs):
        agenda = self.get_agenda()
        return {
            **super().get_context_data(**kwargs),
            "agenda": agenda,
            "session": agenda.session,
            "event": agenda.event,
            "noindex": True,
        }


class RunOfShowCSVView(RunOfShowMixin, View):
    def get(self, request, *args, **kwargs):
        agenda = self.get_agenda()
        return csv_download(
            f"{agenda.event.slug}_{agenda.session.slug}_run-of-show.csv",
            table.RUN_OF_SHOW_COLUMNS,
            table.run_of_show_rows(agenda),
        )
