from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView, View

from common.spreadsheets import csv_download

from . import links, ratelimit, selectors
from .addresses import normalise_email
from .forms import ParticipantRequestChangeForm, ParticipantRequestForm
from .models import RETENTION_DAYS, ParticipantRequest
from .services import (
    participant_request_change,
    participant_request_submit,
    participant_request_withdraw,
)


class SessionMixin:
    """Looks up the session named by the URL's `event` and `session` slugs."""

    def get_session(self):
        return selectors.published_session_or_404(
            event=self.kwargs["event"], session=self.kwargs["session"]
        )


# Personal data may be on the page (typed values shown again with errors):
# no shared or browser cache keeps a copy.
@method_decorator(never_cache, name="dispatch")
class RequestPlaceView(SessionMixin, FormView):
    """The public form on which someone asks for a place in a published session."""

    template_name = "participants/request_form.html"
    form_class = ParticipantRequestForm

    def dispatch(self, request, *args, **kwargs):
        self.session = self.get_session()
        settings = selectors.request_settings_for(self.session)
        reason = selectors.why_no_requests(self.session, settings)
        if reason is not None:
            return self.render_closed(settings, reason)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not ratelimit.hit(
            scope="request-ip", value=ratelimit.client_ip(request), rate=ratelimit.PER_CLIENT
        ):
            return too_many_requests(request)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.session}

    def form_valid(self, form):
        if form.is_from_a_bot:
            # The same answer as a real request, so the bot learns nothing.
            return redirect(self.get_success_url())
        address = normalise_email(form.cleaned_data["email"])
        if not ratelimit.hit(scope="request-email", value=address, rate=ratelimit.PER_EMAIL):
            return too_many_requests(self.request)
        participant_request_submit(
            session=self.session,
            **{field: form.cleaned_data[field] for field in form.Meta.fields},
        )
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if form.is_from_a_bot:
            return redirect(self.get_success_url())
        return super().form_invalid(form)

    def get_success_url(self):
        return reverse("participants:request_sent", kwargs=self.kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, event=self.session.event, **kwargs)

    def render_closed(self, settings, reason):
        return self.response_class(
            request=self.request,
            template="participants/request_closed.html",
            context={
                "session": self.session,
                "event": self.session.event,
                "settings": settings,
                "reason": reason,
            },
        )


class RequestSentView(SessionMixin, TemplateView):
    """After a request: the same neutral page for everyone, with nobody's details on it."""

    template_name = "participants/request_sent.html"

    def get_context_data(self, **kwargs):
        session = self.get_session()
        # The URL's "event" and "session" slugs give way to the objects.
        return {**super().get_context_data(**kwargs), "session": session, "event": session.event}


# The page holds a name and the URL holds the link's token: no cache keeps it, and
# no Referer header takes the token to another site (or to our own logs).
@method_decorator(never_cache, name="dispatch")
class RequestChangeView(View):
    """Where the holder of a request's signed link changes or withdraws it."""

    template_name = "participants/request_change.html"

    def dispatch(self, request, *args, **kwargs):
        response = self.refusal(kwargs["token"]) or super().dispatch(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    def refusal(self, token):
        """A page saying why the link cannot be used, or None (and the request found)."""
        try:
            pk, digest = links.read_token(token)
        except links.LinkExpired:
            return link_problem(self.request, "expired", status=410)
        except links.LinkInvalid:
            return link_problem(self.request, "invalid", status=400)
        found = ParticipantRequest.objects.select_related("session__event").filter(pk=pk).first()
        if found is None:
            return link_problem(self.request, "gone", status=404)
        if not links.matches(found, digest):
            return link_problem(self.request, "invalid", status=400)
        if selectors.session_is_over(found.session):
            return link_problem(self.request, "over", status=410, session=found.session)
        self.participant_request = found
        return None

    def get(self, request, *args, **kwargs):
        return self.render(ParticipantRequestChangeForm(instance=self.participant_request))

    def post(self, request, *args, **kwargs):
        if "withdraw" in request.POST:
            session = self.participant_request.session
            participant_request_withdraw(participant_request=self.participant_request)
            return redirect(
                "participants:request_withdrawn", event=session.event.slug, session=session.slug
            )
        form = ParticipantRequestChangeForm(request.POST, instance=self.participant_request)
        if not form.is_valid():
            return self.render(form)
        participant_request_change(
            participant_request=self.participant_request,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
        )
        return redirect(f"{request.path}?saved=1")

    def render(self, form):
        session = self.participant_request.session
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "participant_request": self.participant_request,
                "session": session,
                "event": session.event,
                "saved": "saved" in self.request.GET,
            },
        )


class RequestWithdrawnView(SessionMixin, TemplateView):
    """After a withdrawal: nobody's details, only the session."""

    template_name = "participants/request_withdrawn.html"

    def get_context_data(self, **kwargs):
        session = self.get_session()
        return {**super().get_context_data(**kwargs), "session": session, "event": session.event}


def link_problem(request, problem, *, status, session=None):
    return render(
        request,
        "participants/request_link_problem.html",
        {"problem": problem, "session": session, "link_days": links.MAX_AGE.days},
        status=status,
    )


class PrivacyView(TemplateView):
    template_name = "participants/privacy.html"
    extra_context = {"retention_days": RETENTION_DAYS}


def too_many_requests(request):
    response = render(request, "participants/too_many_requests.html", status=429)
    response["Retry-After"] = str(ratelimit.PER_CLIENT[1])
    return response


@method_decorator(never_cache, name="dispatch")
class ParticipantListMixin(PermissionRequiredMixin):
    """Staff only: anonymous visitors go to the login page; without the permission, 403."""

    permission_required = "participants.view_participant_list"

    def get_session(self):
        return selectors.any_session_or_404(
            event=self.kwargs["event"], session=self.kwargs["session"]
        )


class SignInSheetView(ParticipantListMixin, ListView):
    """The printable sign-in sheet: selected participants in alphabetical order."""

    template_name = "participants/sign_in.html"
    context_object_name = "participants"

    def get_queryset(self):
        self.session = self.get_session()
        return ParticipantRequest.objects.for_sign_in(self.session)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session, event=self.session.event, noindex=True, **kwargs
        )


class ParticipantCsvView(ParticipantListMixin, View):
    """The selected participants as CSV, in the sign-in sheet's order."""

    def get(self, request, *args, **kwargs):
        session = self.get_session()
        return csv_download(
            f"{session.event.slug}-{session.slug}-participants.csv",
            ["Name", "Email", "Organisation", "Field of expertise"],
            (
                (person.name, person.email, person.organisation, person.expertise)
                for person in ParticipantRequest.objects.for_sign_in(session)
            ),
        )
