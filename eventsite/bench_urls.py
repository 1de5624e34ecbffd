"""URLs for the benchmark only: the site plus two baselines.

scripts/benchmark.py serves the site with ROOT_URLCONF=eventsite.bench_urls, so the
baselines go through the same middleware as every page.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from eventsite.urls import urlpatterns as site_urlpatterns
from sessions.models import Session

FIXED_PAGE = ("<!doctype html><title>baseline</title><p>" + "x" * 10_200 + "</p>").encode()


def fixed_page(request):
    """The cheapest page Django can serve: the baseline for a page from the page cache."""
    return HttpResponse(FIXED_PAGE)


def minimal_agenda(request, event, session):
    """A session's agenda as a plain Django developer would first write it: the
    baseline for our rendered session page (cache off).

    Three queries (the session with its event, its slots, the people on stage) and
    a small template of its own (templates/bench/agenda.html) that extends nothing:
    what any agenda page must pay for before the outline, the roles, affiliations,
    time zones, calendar links and the site's layout that our page adds.
    """
    session = get_object_or_404(
        Session.objects.published().select_related("event"), event__slug=event, slug=session
    )
    slots = session.slots.prefetch_related("speakers")
    return render(request, "bench/agenda.html", {"session": session, "slots": slots})


urlpatterns = [
    path("bench/fixed/", fixed_page),
    path("bench/agenda/<slug:event>/<slug:session>/", minimal_agenda),
    *site_urlpatterns,
]
