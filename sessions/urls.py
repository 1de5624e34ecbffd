from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import export_views, views
from .caching import public_page
from .feeds import EventChangesFeed
from .sitemaps import SITEMAPS

app_name = "agenda"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("events/<slug:event>/", public_page(views.EventView.as_view()), name="event"),
    path(
        "events/<slug:event>/<slug:session>/",
        public_page(views.SessionView.as_view()),
        name="session",
    ),
]

# Exports. Each path ends in a file name with a dot, which no slug contains, so the
# session page (ending in "/") never matches them. The one overlap, a session
# slugged "calendar" whose file would be "calendar.ics", is refused by a
# constraint on Session (RESERVED_SESSION_SLUGS); the event's feed comes first.
urlpatterns += [
    path(
        "events/<slug:event>/calendar.ics",
        public_page(export_views.event_ics),
        name="event_ics",
    ),
    path(
        "events/<slug:event>/schedule.json",
        public_page(export_views.schedule_json),
        name="schedule_json",
    ),
    path(
        "events/<slug:event>/schedule.xml",
        public_page(export_views.schedule_xml),
        name="schedule_xml",
    ),
    path(
        "events/<slug:event>/changes.atom",
        public_page(export_views.conditional(export_views.event_fingerprint)(EventChangesFeed())),
        name="changes_feed",
    ),
    path(
        "events/<slug:event>/<slug:session>.ics",
        public_page(export_views.session_ics),
        name="session_ics",
    ),
]

# Outside the "agenda" namespace: project-level names that other apps may reverse
# (speakers.Speaker links to "speaker" without knowing which app serves it).
site_urlpatterns = [
    path("speakers/<slug:slug>/", public_page(views.SpeakerView.as_view()), name="speaker"),
    path("robots.txt", public_page(views.robots_txt), name="robots_txt"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Staff: the run-of-show and what is printed from it. Imported here, below the
# public routes, so that this block stays appended and merges cleanly.
from . import staff_views  # noqa: E402

urlpatterns += [
    path(
        "events/<slug:event>/<slug:session>/run-of-show/",
        staff_views.RunOfShowView.as_view(),
        name="run_of_show",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show/compact/",
        staff_views.RunOfShowView.as_view(compact=True),
        name="run_of_show_compact",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show/cards/",
        staff_views.CueCardsView.as_view(),
        name="run_of_show_cards",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show.csv",
        staff_views.RunOfShowCSVView.as_view(),
        name="run_of_show_csv",
    ),
]
