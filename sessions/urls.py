"""Every URL of the agenda app, and the one module that answers it.

public/views.py      home, event, session and speaker pages, robots.txt
public/sitemaps.py   sitemap.xml
exports/views.py     calendar files (ical.py) and schedules (schedule_json.py, schedule_xml.py)
exports/atom.py      the Atom feed of changes
runofshow/views.py   the staff's run-of-show, its stage copy, cue cards and CSV
live/views.py        the staff's control page for the meeting as it runs, the as-run report
live/status.py       live.json: the live run for the pages that follow it
The organiser tools are admin pages: tools/admin.py adds them to the session's admin.

Every address that names an event (and a session) follows renames: the slugs
they had before lead to the current address with a 301 (public/renames.py).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from common.caching import public_page

from .exports import views as export_views
from .exports.atom import EventChangesFeed
from .exports.conditional import conditional, event_fingerprint
from .live import status as live_status
from .live import views as live_views
from .public import identity, views
from .public.renames import follows_renames
from .public.sitemaps import SITEMAPS
from .runofshow import views as runofshow_views

app_name = "agenda"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path(
        "events/<slug:event>/",
        public_page(follows_renames(views.EventView.as_view())),
        name="event",
    ),
    path(
        "events/<slug:event>/<slug:session>/",
        public_page(follows_renames(views.SessionView.as_view())),
        name="session",
    ),
    # The event's colours (public/identity.py): no slug has a dot, so no session matches.
    path(
        "events/<slug:event>/style.<slug:digest>.css",
        identity.event_stylesheet,
        name="event_style",
    ),
]

# Exports. Each path ends in a file name with a dot, which no slug contains, so the
# session page (ending in "/") never matches them. The one overlap, a session
# slugged "calendar" whose file would be "calendar.ics", is refused by a
# constraint on Session (RESERVED_SESSION_SLUGS); the event's feed comes first.
urlpatterns += [
    path(
        "events/<slug:event>/calendar.ics",
        public_page(follows_renames(export_views.event_ics)),
        name="event_ics",
    ),
    path(
        "events/<slug:event>/schedule.json",
        public_page(follows_renames(export_views.schedule_json)),
        name="schedule_json",
    ),
    path(
        "events/<slug:event>/schedule.xml",
        public_page(follows_renames(export_views.schedule_xml)),
        name="schedule_xml",
    ),
    path(
        "events/<slug:event>/changes.atom",
        public_page(follows_renames(conditional(event_fingerprint)(EventChangesFeed()))),
        name="changes_feed",
    ),
    path(
        "events/<slug:event>/<slug:session>.ics",
        public_page(follows_renames(export_views.session_ics)),
        name="session_ics",
    ),
]

# Staff: the run-of-show and what is printed from it.
urlpatterns += [
    path(
        "events/<slug:event>/<slug:session>/run-of-show/",
        follows_renames(runofshow_views.RunOfShowView.as_view()),
        name="run_of_show",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show/compact/",
        follows_renames(runofshow_views.RunOfShowView.as_view(compact=True)),
        name="run_of_show_compact",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show/cards/",
        follows_renames(runofshow_views.CueCardsView.as_view()),
        name="run_of_show_cards",
    ),
    path(
        "events/<slug:event>/<slug:session>/live/",
        follows_renames(live_views.LiveControlView.as_view()),
        name="live_control",
    ),
    path(
        "events/<slug:event>/<slug:session>/live/timer/",
        follows_renames(live_views.LiveTimerView.as_view()),
        name="live_timer",
    ),
    path(
        "events/<slug:event>/<slug:session>/live/report/",
        follows_renames(live_views.AsRunView.as_view()),
        name="as_run",
    ),
    path(
        "events/<slug:event>/<slug:session>/live/report.csv",
        follows_renames(live_views.AsRunCSVView.as_view()),
        name="as_run_csv",
    ),
    path(
        "events/<slug:event>/<slug:session>/run-of-show.csv",
        follows_renames(runofshow_views.RunOfShowCSVView.as_view()),
        name="run_of_show_csv",
    ),
]

# The live run as JSON for the pages that follow it (cached per minute, ETag and 304).
urlpatterns += [
    path(
        "events/<slug:event>/<slug:session>/live.json",
        follows_renames(live_status.live_status),
        name="live_status",
    ),
]

# Outside the "agenda" namespace: project-level names that other apps may reverse
# (speakers.Speaker links to "speaker" without knowing which app serves it).
site_urlpatterns = [
    path("speakers/<slug:slug>/", public_page(views.SpeakerView.as_view()), name="speaker"),
    path("robots.txt", public_page(views.robots_txt), name="robots_txt"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]

# A person seen from an event: their page in the event's look. After every other
# URL of the site (eventsite/urls.py puts it last), so a session's own pages
# ("events/<event>/<session>/request/") win over a person of the same slug.
last_urlpatterns = [
    path(
        "events/<slug:event>/people/<slug:slug>/",
        public_page(views.EventPersonView.as_view()),
        name="event_person",
    ),
]
