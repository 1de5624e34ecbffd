from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Event, Session


class HomeView(ListView):
    template_name = "agenda/home.html"
    context_object_name = "sessions"

    def get_queryset(self):
        return Session.objects.published().select_related("event")


class EventView(DetailView):
    template_name = "agenda/event.html"
    slug_url_kwarg = "event"

    def get_queryset(self):
        return Event.objects.filter(
            sessions__in=Session.objects.visible_to(self.request.user)
        ).distinct()


class SessionView(DetailView):
    template_name = "agenda/session.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Session.objects.visible_to(self.request.user).select_related("event"),
            event__slug=self.kwargs["event"],
            slug=self.kwargs["session"],
        )
