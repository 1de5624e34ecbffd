from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

app_name = "agenda"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/<slug:event>/", views.EventView.as_view(), name="event"),
    path("events/<slug:event>/<slug:session>/", views.SessionView.as_view(), name="session"),
]

# Outside the "agenda" namespace: project-level names that other apps may reverse
# (speakers.Speaker links to "speaker" without knowing which app serves it).
site_urlpatterns = [
    path("speakers/<slug:slug>/", views.SpeakerView.as_view(), name="speaker"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
